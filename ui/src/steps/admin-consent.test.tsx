import { fireEvent, render, screen } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type LiveOutcome } from '../api';
import type { LiveAudit } from '../bindings/LiveAudit';
import { fixtureAudit } from '../test/requirements';
import { AdminConsent } from './admin-consent';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, grantAdminConsent: vi.fn(), cancelRemote: vi.fn() };
});
const m = vi.mocked(api);

const APP = '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03';
const audit = fixtureAudit('near-miss');
const facts = {
  tenant_id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  tenant_name: 'Contoso Ltd',
  region_scope: 'NA',
  verified_domains: ['contoso.com'],
  app_object_id: 'obj',
  service_principal_exists: false,
  admin_consented: [],
  admin_consent_missing: ['Mail.Read', 'offline_access'],
};
const missing: LiveAudit = { report: audit.report, facts };
const consented: LiveAudit = {
  report: audit.report,
  facts: { ...facts, service_principal_exists: true, admin_consented: ['Mail.Read', 'offline_access'], admin_consent_missing: [] },
};

/** A grant the test settles by hand, as the browser approval would. */
function pendingGrant() {
  let settle!: { resolve: (o: LiveOutcome) => void; reject: (e: unknown) => void };
  m.grantAdminConsent.mockReturnValue(
    new Promise<LiveOutcome>((resolve, reject) => {
      settle = { resolve, reject };
    }),
  );
  return settle;
}

beforeEach(() => vi.clearAllMocks());

describe('Grant admin consent', () => {
  it('is not offered when every permission has admin consent', () => {
    render(<AdminConsent live={consented} clientId={() => APP} onDone={vi.fn()} />);
    expect(screen.queryByTestId('admin-consent-button')).toBeNull();
  });

  it('opens the approval, waits with Cancel, then hands over the new results', async () => {
    const settle = pendingGrant();
    const onDone = vi.fn();
    render(<AdminConsent live={missing} clientId={() => APP} onDone={onDone} />);
    expect(screen.getByTestId('admin-consent').textContent).toContain(
      "Opens Microsoft's approval page in your browser; approve it there and the wizard checks again.",
    );
    fireEvent.click(screen.getByTestId('admin-consent-button'));
    expect((await screen.findByTestId('admin-consent-waiting')).textContent).toBe('Waiting for your approval in the browser…');
    expect(m.grantAdminConsent).toHaveBeenCalledWith(APP);
    expect(screen.queryByTestId('admin-consent-button')).toBeNull();
    expect(screen.getByTestId('admin-consent-cancel')).toBeTruthy();
    const outcome = { live: consented, progress: audit.progress };
    settle.resolve(outcome);
    await screen.findByTestId('admin-consent-button');
    expect(onDone).toHaveBeenCalledWith(outcome);
    expect(screen.queryByTestId('admin-consent-waiting')).toBeNull();
  });

  it('Cancel stops the wait with a quiet note, no error', async () => {
    const settle = pendingGrant();
    m.cancelRemote.mockImplementation(async () => {
      settle.reject(new WizardApiError('cancelled', 'Stopped waiting for admin consent.'));
      return 1;
    });
    const onDone = vi.fn();
    render(<AdminConsent live={missing} clientId={() => APP} onDone={onDone} />);
    fireEvent.click(screen.getByTestId('admin-consent-button'));
    fireEvent.click(await screen.findByTestId('admin-consent-cancel'));
    expect(m.cancelRemote).toHaveBeenCalledWith('grant_admin_consent');
    await screen.findByTestId('admin-consent-stopped');
    expect(screen.getByTestId('admin-consent-button')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onDone).not.toHaveBeenCalled();
  });

  it('a refusal is shown as an error card', async () => {
    m.grantAdminConsent.mockRejectedValue(
      new WizardApiError('forbidden', 'Microsoft refused to read the consent.', 'Sign in again.'),
    );
    render(<AdminConsent live={missing} clientId={() => APP} onDone={vi.fn()} />);
    fireEvent.click(screen.getByTestId('admin-consent-button'));
    expect((await screen.findByText(/Microsoft refused to read the consent/)).textContent).toBeTruthy();
  });
});
