import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type ConsentView, WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import { deferred, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { BulkConsentStep } from './bulk-consent';
import { BulkDoneStep } from './bulk-done';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    bulkConsentView: vi.fn(),
    bulkStartConsent: vi.fn(),
    bulkFinishConsent: vi.fn(),
    bulkPasteConsent: vi.fn(),
    bulkSaveLinks: vi.fn(),
    cancelRemote: vi.fn(),
    goToStep: vi.fn(),
  };
});
const m = vi.mocked(api);

function at(step: string): ProgressView {
  return { ...fixtureProgress('bulk/explain/new'), step };
}

const URL_C = 'http://127.0.0.1:9/nylas-us/v3/connect/auth?response_type=adminconsent&credential_id=c1&state=s1';

function consent(consentedAt: string | null): ConsentView {
  return {
    missing: [],
    redirect_uri: 'http://localhost:47618/nylas-wizard/admin-consent',
    registered_redirect: false,
    links: [
      { tenant: 'contoso.com', name: 'Contoso', admin_email: 'admin@contoso.com', credential_id: 'c1', url: URL_C, consented_at: consentedAt },
      { tenant: 'fabrikam.de', name: 'Fabrikam', admin_email: null, credential_id: 'c2', url: 'http://x', consented_at: null },
    ],
    without_credential: [],
    consented: consentedAt === null ? 0 : 1,
    progress: at('consent'),
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  m.cancelRemote.mockResolvedValue(1);
});

describe('Admin consent (path E)', () => {
  it('opens a tenant’s link, shows it while waiting, and records the consent when the admin comes back', async () => {
    m.bulkConsentView.mockResolvedValue(consent(null));
    m.bulkStartConsent.mockResolvedValue({ url: URL_C, opened: true });
    const back = deferred<ConsentView>();
    m.bulkFinishConsent.mockReturnValue(back.promise);
    const ctx = makeCtx(at('consent'));
    renderStep(BulkConsentStep, ctx);
    expect((await screen.findByTestId('bulk-consent-list')).textContent).toContain('0 of 2 tenants have given consent');
    expect(screen.getByTestId('bulk-consent-row-fabrikam.de').textContent).toContain('not in the file');
    fireEvent.click(screen.getByTestId('bulk-consent-open-contoso.com'));
    await waitFor(() => expect(m.bulkStartConsent).toHaveBeenCalledWith('contoso.com'));
    expect((await screen.findByTestId('bulk-consent-waiting')).textContent).toContain('Waiting for Contoso’s admin');
    expect(screen.getByTestId('bulk-consent-url').textContent).toContain(URL_C);
    expect((screen.getByTestId('bulk-consent-open-fabrikam.de') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('bulk-consent-stop'));
    expect(m.cancelRemote).toHaveBeenCalledWith('bulk_finish_consent');
    back.resolve(consent('2026-12-02T03:00:00Z'));
    expect((await screen.findByTestId('bulk-consent-given')).textContent).toContain('Contoso’s admin gave consent.');
    expect(screen.queryByTestId('bulk-consent-waiting')).toBeNull();
    expect(screen.getByTestId('bulk-consent-list').textContent).toContain('1 of 2 tenants have given consent');
    expect(screen.getByTestId('bulk-consent-row-contoso.com').textContent).toContain('Given');
    expect(ctx.applyProgress).toHaveBeenCalled();
  });

  it('explains a refusal in Rust’s words; Stop is not an error', async () => {
    m.bulkConsentView.mockResolvedValue(consent(null));
    m.bulkStartConsent.mockResolvedValue({ url: URL_C, opened: false });
    m.bulkFinishConsent.mockRejectedValueOnce(
      new WizardApiError('rejected', "The tenant's admin didn't give consent: the user declined.", 'Ask the admin again.'),
    );
    renderStep(BulkConsentStep, makeCtx(at('consent')));
    fireEvent.click(await screen.findByTestId('bulk-consent-open-contoso.com'));
    expect(await screen.findByText("The tenant's admin didn't give consent: the user declined.")).toBeTruthy();
    m.bulkFinishConsent.mockRejectedValueOnce(new WizardApiError('cancelled', 'Waiting for the admin consent was stopped.'));
    fireEvent.click(screen.getByTestId('bulk-consent-open-contoso.com'));
    await waitFor(() => expect(m.bulkFinishConsent).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(screen.queryByText('Waiting for the admin consent was stopped.')).toBeNull());
  });

  it('checks a pasted address and saves the links for the other admins', async () => {
    m.bulkConsentView.mockResolvedValue(consent(null));
    m.bulkPasteConsent.mockResolvedValue(consent('2026-12-02T03:00:00Z'));
    m.bulkSaveLinks.mockResolvedValue('/home/admin/Downloads/Nylas admin consent links.csv');
    renderStep(BulkConsentStep, makeCtx(at('consent')));
    const paste = (await screen.findByTestId('bulk-consent-paste')) as HTMLTextAreaElement;
    paste.value = 'http://localhost:47618/nylas-wizard/admin-consent?admin_consent=true&state=s1';
    fireEvent.click(screen.getByTestId('bulk-consent-paste-read'));
    await waitFor(() =>
      expect(m.bulkPasteConsent).toHaveBeenCalledWith('http://localhost:47618/nylas-wizard/admin-consent?admin_consent=true&state=s1'),
    );
    expect((await screen.findByTestId('bulk-consent-list')).textContent).toContain('1 of 2');
    fireEvent.click(screen.getByTestId('bulk-save-links'));
    expect((await screen.findByTestId('bulk-links-saved')).textContent).toContain('Nylas admin consent links.csv');
  });
});

describe('Done (path E)', () => {
  it('shows what each step recorded, with a way back to what is left', async () => {
    const p = at('report');
    p.answers.bulk = {
      credentials: { source: 't.csv', total: 2, created: 2, reused: 0, failed: 0, cancelled: false, application_id: 'a', at: 'x' },
      consent: { total: 2, consented: 1, application_id: 'a', at: 'x' },
      grants: { source: null, total: 3, created: 2, reused: 0, failed: 1, cancelled: false, application_id: 'a', at: 'x' },
    };
    p.step_status = { tenants: 'done', consent: 'needs-attention', grants: 'needs-attention', report: 'in-progress' };
    m.goToStep.mockResolvedValue(at('consent'));
    const ctx = makeCtx(p);
    renderStep(BulkDoneStep, ctx);
    expect(screen.getByTestId('bulk-done-headline').textContent).toBe('Some of it is still to do');
    expect(screen.getByTestId('bulk-done-tenants').textContent).toContain('2 of 2 tenants done (2 new, 0 already there).');
    expect(screen.getByTestId('bulk-done-consent').textContent).toContain('1 of 2 tenants have given admin consent.');
    expect(screen.getByTestId('bulk-done-grants').textContent).toContain('2 of 3 mailboxes done (2 new, 0 already there), 1 failed.');
    expect(screen.getByTestId('bulk-done-tenants').querySelector('button')).toBeNull();
    fireEvent.click(screen.getByTestId('bulk-done-consent').querySelector('button')!);
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('consent'));
  });
});
