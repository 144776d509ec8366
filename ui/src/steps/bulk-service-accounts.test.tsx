import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import type { ServiceAccountOutcome } from '../bindings/ServiceAccountOutcome';
import type { ServiceAccountPlan } from '../bindings/ServiceAccountPlan';
import type { ServiceAccountProgress } from '../bindings/ServiceAccountProgress';
import { deferred, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { BulkServiceAccountsStep } from './bulk-service-accounts';
import { STEP_VIEWS, findStepView } from './registry';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    planServiceAccounts: vi.fn(),
    startServiceAccounts: vi.fn(),
    finishServiceAccounts: vi.fn(),
    checkNylasV2App: vi.fn(),
    cancelRemote: vi.fn(),
  };
});
const m = vi.mocked(api);

const URL = 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?client_id=5e8c&state=s';

const plan: ServiceAccountPlan = {
  region: 'us',
  nylas_client_id: 'practice-v2-contoso-client',
  azure_client_id: '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01',
  service_account: 'admin@contoso.com',
  domain: 'contoso.com',
  users: ['adele.vance@contoso.com', 'sales@contoso.com'],
  v2_scopes: 'email,calendar,contacts',
  port: 47617,
  redirect_uri: 'http://localhost:47617/nylas-wizard/v2-sign-in',
  microsoft_scopes: [],
  permissions: ['EWS.AccessAsUser.All (Exchange Online): what the service account opens the mailboxes with'],
  notes: ['Each address becomes its own Nylas v2 account, billed as one.'],
  preview: '{\n  "provider": "exchange",\n  "settings": {\n    "service_account": true\n  }\n}',
};

const outcome: ServiceAccountOutcome = {
  service_account: 'admin@contoso.com',
  results: [
    {
      email: 'adele.vance@contoso.com',
      check: { email: 'adele.vance@contoso.com', ok: true, display_name: 'Adele Vance', reason: null },
      account: {
        account_id: 'acc0123456789abcdefghijk',
        email_address: 'adele.vance@contoso.com',
        provider: 'exchange',
        billing_state: 'paid',
        sync_state: 'running',
      },
      error: null,
    },
    {
      email: 'sales@contoso.com',
      check: {
        email: 'sales@contoso.com',
        ok: false,
        display_name: null,
        reason: 'No account in your organization signs in as sales@contoso.com. If it’s an alias …',
      },
      account: null,
      error: { code: 'rejected', message: 'No account …', hint: null, request_id: null } as never,
    },
  ],
};

function onStep(withV2: boolean): ProgressView {
  const p = fixtureProgress('bulk/explain/new');
  p.step = 'service-accounts';
  p.answers.nylas_v2 = withV2
    ? { client_id: 'practice-v2-contoso-client', region: 'us', checked_at: '2026-12-02T00:00:00Z' }
    : null;
  return p;
}

function fill() {
  (screen.getByTestId('sa-service') as HTMLInputElement).value = 'admin@contoso.com';
  (screen.getByTestId('sa-users-input') as HTMLTextAreaElement).value = 'adele.vance@contoso.com\nsales@contoso.com';
}

beforeEach(() => {
  vi.clearAllMocks();
  m.planServiceAccounts.mockResolvedValue(plan);
  m.startServiceAccounts.mockResolvedValue({ authorize_url: URL, opened: true, plan });
  m.cancelRemote.mockResolvedValue(1);
});

describe('v2 service accounts (path E, existing setups only)', () => {
  it('is the view of path E’s service-accounts step', () => {
    expect(findStepView('bulk', 'service-accounts', STEP_VIEWS)).toBe(BulkServiceAccountsStep);
  });

  it('says first that it is only for existing v2 service accounts, and shows no form until ticked', () => {
    renderStep(BulkServiceAccountsStep, makeCtx(onStep(true)));
    const notice = screen.getByTestId('sa-only-existing');
    expect(notice.textContent).toContain('only for setups that already have a Nylas v2 Office 365 service account');
    expect(notice.textContent).toContain('May 2024');
    expect(notice.textContent).toContain('admin-consent credential');
    expect(screen.queryByTestId('sa-service')).toBeNull();
    expect(screen.queryByTestId('sa-start')).toBeNull();
    fireEvent.click(screen.getByTestId('sa-existing'));
    expect(screen.getByTestId('sa-service')).toBeTruthy();
    expect(screen.getByTestId('sa-v2-checked').textContent).toContain('practice-v2-contoso-client');
  });

  it('checks the input with Rust, then signs in, streams progress and shows each address’s outcome', async () => {
    let send: ((e: ServiceAccountProgress) => void) | null = null;
    const done = deferred<ServiceAccountOutcome>();
    m.finishServiceAccounts.mockImplementation((onProgress) => {
      send = onProgress;
      return done.promise;
    });
    renderStep(BulkServiceAccountsStep, makeCtx(onStep(true)));
    fireEvent.click(screen.getByTestId('sa-existing'));
    fill();
    // Connecting waits for a checked plan.
    fireEvent.click(screen.getByTestId('sa-start'));
    expect(m.startServiceAccounts).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('sa-check'));
    const planned = await screen.findByTestId('sa-plan');
    expect(m.planServiceAccounts).toHaveBeenCalledWith(
      'admin@contoso.com',
      'adele.vance@contoso.com\nsales@contoso.com',
      'email,calendar,contacts',
      true,
    );
    expect(within(planned).getByTestId('sa-users').textContent).toContain('sales@contoso.com');
    expect(screen.getByTestId('sa-preview').textContent).toContain('"service_account": true');
    fireEvent.click(screen.getByTestId('sa-start'));
    const waiting = await screen.findByTestId('sa-waiting');
    await waitFor(() => expect(within(waiting).getByTestId('sa-url').textContent).toContain(URL));
    send!({ state: 'signed_in', email: 'admin@contoso.com' });
    send!({ state: 'connected', email: 'adele.vance@contoso.com', account_id: 'acc0123456789abcdefghijk' });
    await waitFor(() => expect(screen.getByTestId('sa-progress').textContent).toContain('Signed in as admin@contoso.com'));
    done.resolve(outcome);
    const result = await screen.findByTestId('sa-outcome');
    expect(within(result).getByTestId('sa-result-0').textContent).toContain('Adele Vance');
    expect(within(result).getByTestId('sa-result-0').textContent).toContain('acc0123456789abcdefghijk');
    const alias = within(result).getByTestId('sa-result-1').textContent ?? '';
    expect(alias).toContain('alias');
    expect(alias).toContain('not sent to Nylas');
    expect(result.textContent).toContain('1 of 2 connected through admin@contoso.com');
  });

  it('shows Rust’s refusal (another domain) and keeps the sign-in disabled', async () => {
    m.planServiceAccounts.mockRejectedValue(
      new WizardApiError(
        'invalid_input',
        'The service account admin@contoso.com is in contoso.com, but lukas@fabrikam.de is not.',
      ),
    );
    renderStep(BulkServiceAccountsStep, makeCtx(onStep(true)));
    fireEvent.click(screen.getByTestId('sa-existing'));
    fill();
    fireEvent.click(screen.getByTestId('sa-check'));
    await waitFor(() => expect(document.body.textContent).toContain('lukas@fabrikam.de is not'));
    expect(screen.getByTestId('sa-start').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByTestId('sa-start'));
    expect(m.startServiceAccounts).not.toHaveBeenCalled();
  });

  it('asks for the v2 app when none was checked, and checks it through Rust', async () => {
    const after = onStep(true);
    m.checkNylasV2App.mockResolvedValue({ check: {} as never, stored: null, progress: after });
    const ctx = makeCtx(onStep(false));
    renderStep(BulkServiceAccountsStep, ctx);
    fireEvent.click(screen.getByTestId('sa-existing'));
    (screen.getByTestId('sa-v2-id') as HTMLInputElement).value = ' practice-v2-contoso-client ';
    (screen.getByTestId('sa-v2-secret') as HTMLInputElement).value = 'the-secret';
    fireEvent.click(screen.getByTestId('sa-v2-check'));
    await screen.findByTestId('sa-v2-checked');
    expect(m.checkNylasV2App).toHaveBeenCalledWith('practice-v2-contoso-client', 'the-secret');
  });

  it('Cancel while waiting stops the running command', async () => {
    m.finishServiceAccounts.mockImplementation(() => deferred<ServiceAccountOutcome>().promise);
    renderStep(BulkServiceAccountsStep, makeCtx(onStep(true)));
    fireEvent.click(screen.getByTestId('sa-existing'));
    fill();
    fireEvent.click(screen.getByTestId('sa-check'));
    await screen.findByTestId('sa-plan');
    fireEvent.click(screen.getByTestId('sa-start'));
    await screen.findByTestId('sa-url');
    fireEvent.click(screen.getByTestId('sa-cancel'));
    expect(m.cancelRemote).toHaveBeenCalledWith('finish_service_accounts');
  });
});
