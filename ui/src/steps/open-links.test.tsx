// Links open by intent: a finding's buttons hand Rust a portal page or the
// parts of an admin-consent link, never a URL the window made up.

import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { OpenLink } from '../api';
import { fixtureAudit } from '../test/requirements';
import { FindingCard } from './audit-results';

describe('links from findings', () => {
  it('the portal button names the blade and the app id', () => {
    const f = fixtureAudit('near-miss').report.findings.find((x) => x.check === 'client_secret')!;
    const onOpen = vi.fn<(link: OpenLink) => void>();
    render(<FindingCard finding={f} onOpen={onOpen} />);
    fireEvent.click(screen.getByTestId('open-portal-button'));
    expect(onOpen).toHaveBeenCalledWith({ kind: 'portal', page: { blade: 'credentials', app_id: f.portal.app_id } });
    expect(f.portal.app_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the admin-consent button names the tenant and client ID of the link Rust built', () => {
    const base = fixtureAudit('near-miss/v3/azure-app/single-contoso').report.findings.find(
      (x) => x.check === 'admin_consent',
    )!;
    // The generated audits have no consent to ask for with a tenant; give
    // this one a permission that needs it.
    const f = {
      ...base,
      status: 'warn' as const,
      fix: 'Open API permissions and click Grant admin consent.',
      details: { ...(base.details as object), needs_admin_consent: ['Calendars.Read.Shared'] },
    };
    const onOpen = vi.fn<(link: OpenLink) => void>();
    render(<FindingCard finding={f} onOpen={onOpen} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open the admin-consent page' }));
    expect(onOpen).toHaveBeenCalledWith({ kind: 'consent', tenant: 'contoso.com', clientId: f.portal.app_id });
  });
});
