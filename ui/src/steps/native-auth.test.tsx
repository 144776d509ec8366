import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { NativeAuthOutcome } from '../bindings/NativeAuthOutcome';
import type { NativeAuthPlan } from '../bindings/NativeAuthPlan';
import type { NativeAuthProgress } from '../bindings/NativeAuthProgress';
import type { ProgressView } from '../bindings/ProgressView';
import { deferred, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { NativeAuthStep } from './native-auth';
import { STEP_VIEWS, findStepView } from './registry';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    planNativeAuth: vi.fn(),
    startNativeAuth: vi.fn(),
    finishNativeAuth: vi.fn(),
    cancelRemote: vi.fn(),
    copyNativeAuthToken: vi.fn(),
    forgetNativeAuthTokens: vi.fn(),
  };
});
const m = vi.mocked(api);

const URL = 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=5e8c&state=s';
const AZURE = '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c01';

function plan(shared: boolean): NativeAuthPlan {
  const calendar = {
    provider: 'graph',
    scopes: 'calendar',
    purpose: 'Calendar and events, through Microsoft Graph',
    reauth_account_id: null,
  };
  return {
    variant: shared ? 'shared-calendars' : 'events',
    region: 'us',
    nylas_client_id: 'practice-v2-contoso-client',
    azure_client_id: AZURE,
    tenant: 'common',
    port: 47617,
    redirect_uri: 'http://localhost:47617/nylas-wizard/v2-sign-in',
    microsoft_scopes: ['https://graph.microsoft.com/Calendars.ReadWrite', 'offline_access'],
    permissions: ['Calendars.ReadWrite (Microsoft Graph)', 'offline_access (lets Nylas renew the sign-in)'],
    authorizations: shared
      ? [{ provider: 'office365', scopes: 'email,contacts', purpose: 'Email and contacts', reauth_account_id: null }, calendar]
      : [calendar],
    notes: shared
      ? ['Shared calendars: … which creates two Nylas accounts …', 'Webhooks: both accounts send event webhooks.']
      : ['Nylas bills the old and the new account separately until you delete the old one.'],
    replace: null,
    login_hint: null,
  };
}

function onStep(): ProgressView {
  const p = fixtureProgress('v2-events/features/new');
  p.step = 'native-auth';
  return p;
}

const outcome: NativeAuthOutcome = {
  email: 'megan@contoso.com',
  name: 'Megan Bowen',
  results: [
    {
      purpose: 'Calendar and events, through Microsoft Graph',
      provider: 'graph',
      scopes: 'calendar',
      account: {
        account_id: 'acc0123456789abcdefghijk',
        email_address: 'megan@contoso.com',
        provider: 'graph',
        billing_state: 'paid',
        sync_state: 'running',
      },
      error: null,
    },
  ],
};

beforeEach(() => {
  vi.clearAllMocks();
  m.planNativeAuth.mockResolvedValue(plan(false));
  m.startNativeAuth.mockImplementation(async () => ({ authorize_url: URL, opened: true, plan: plan(false) }));
  m.cancelRemote.mockResolvedValue(1);
  m.copyNativeAuthToken.mockResolvedValue({ copied: true });
  m.forgetNativeAuthTokens.mockResolvedValue(undefined);
});

describe('Connect accounts (path C, native auth)', () => {
  it('is the view of path C’s native-auth step', () => {
    expect(findStepView('v2-events', 'native-auth', STEP_VIEWS)).toBe(NativeAuthStep);
  });

  it('shows what happens, signs the person in, streams progress and lists the account', async () => {
    let send: ((e: NativeAuthProgress) => void) | null = null;
    const done = deferred<api.NativeAuthView>();
    m.finishNativeAuth.mockImplementation((onProgress) => {
      send = onProgress;
      return done.promise;
    });
    const ctx = makeCtx(onStep());
    renderStep(NativeAuthStep, ctx);
    const planned = await screen.findByTestId('native-auth-plan');
    expect(within(planned).getByTestId('native-auth-authorization-0').textContent).toContain('graph');
    expect(screen.getByTestId('native-auth-scopes').textContent).toContain('Calendars.ReadWrite (Microsoft Graph)');
    expect(screen.getByTestId('native-auth-redirect-uri').textContent).toContain('localhost:47617/nylas-wizard/v2-sign-in');
    expect(screen.getByTestId('native-auth-notes').textContent).toContain('bills the old and the new account');
    const email = screen.getByTestId('native-auth-login-hint') as HTMLInputElement;
    email.value = ' megan@contoso.com ';
    fireEvent.click(screen.getByTestId('native-auth-start'));
    const waiting = await screen.findByTestId('native-auth-waiting');
    await waitFor(() => expect(within(waiting).getByTestId('native-auth-url').textContent).toContain(URL));
    expect(m.startNativeAuth).toHaveBeenCalledWith([], false, 'megan@contoso.com');
    send!({ state: 'signed_in', email: 'megan@contoso.com' });
    send!({ state: 'connected', index: 0, account_id: 'acc0123456789abcdefghijk' });
    await waitFor(() =>
      expect(screen.getByTestId('native-auth-progress').textContent).toContain('1 of 1: account acc0123456789abcdefghijk'),
    );
    done.resolve({ outcome, progress: onStep() });
    const list = await screen.findByTestId('native-auth-outcomes');
    expect(within(list).getByTestId('native-auth-result-0').textContent).toContain('billing paid');
    expect(within(list).getByTestId('native-auth-account-0').textContent).toContain('acc0123456789abcdefghijk');
    expect(ctx.applyProgress).toHaveBeenCalled();
    expect(screen.getByTestId('native-auth-start').textContent).toBe('Connect another person');
    // The access token goes to the clipboard through Rust, by account ID.
    fireEvent.click(screen.getByTestId('native-auth-copy-token-0'));
    await waitFor(() => expect(screen.getByTestId('native-auth-copy-token-0').textContent).toContain('copied'));
    expect(m.copyNativeAuthToken).toHaveBeenCalledWith('acc0123456789abcdefghijk');
  });

  it('says when the token can’t be copied, and forgets the tokens when the step is left', async () => {
    m.finishNativeAuth.mockResolvedValue({ outcome, progress: onStep() });
    m.copyNativeAuthToken.mockRejectedValue(
      new WizardApiError('io', 'The wizard couldn’t reach this computer’s clipboard.', 'Use --show-access-tokens.'),
    );
    const { unmount } = renderStep(NativeAuthStep, makeCtx(onStep()));
    await screen.findByTestId('native-auth-plan');
    fireEvent.click(screen.getByTestId('native-auth-start'));
    fireEvent.click(await screen.findByTestId('native-auth-copy-token-0'));
    const err = await screen.findByTestId('native-auth-copy-token-0-error');
    expect(err.textContent).toContain('clipboard');
    // (An earlier test's view may still be finishing its own unmount.)
    const before = m.forgetNativeAuthTokens.mock.calls.length;
    unmount();
    await waitFor(() => expect(m.forgetNativeAuthTokens.mock.calls.length).toBe(before + 1));
  });

  it('explains what shared calendars cost before anyone signs in', async () => {
    m.planNativeAuth.mockResolvedValue(plan(true));
    renderStep(NativeAuthStep, makeCtx(onStep()));
    const notes = await screen.findByTestId('native-auth-notes');
    expect(notes.textContent).toContain('two accounts per person');
    expect(notes.textContent).toContain('Webhooks');
    expect(screen.getByTestId('native-auth-authorization-0').textContent).toContain('office365');
    expect(screen.getByTestId('native-auth-authorization-1').textContent).toContain('graph');
  });

  it('replaces accounts only after the admin ticks the consequence Rust names', async () => {
    const consequence = 'Account acc-old will be re-authenticated with these settings: Nylas replaces its current connection, re-syncs its data…';
    m.startNativeAuth.mockRejectedValueOnce(new WizardApiError('invalid_input', consequence));
    m.finishNativeAuth.mockResolvedValue({ outcome, progress: onStep() });
    renderStep(NativeAuthStep, makeCtx(onStep()));
    await screen.findByTestId('native-auth-plan');
    (screen.getByTestId('native-auth-reauth-0') as HTMLInputElement).value = 'acc-old';
    fireEvent.click(screen.getByTestId('native-auth-start'));
    const notice = await screen.findByTestId('native-auth-replace-notice');
    expect(notice.textContent).toContain('re-syncs its data');
    expect(m.startNativeAuth).toHaveBeenLastCalledWith(['acc-old'], false, null);
    expect(m.finishNativeAuth).not.toHaveBeenCalled();
    fireEvent.click(within(notice).getByTestId('native-auth-confirm-replace'));
    fireEvent.click(screen.getByTestId('native-auth-start'));
    await waitFor(() => expect(m.startNativeAuth).toHaveBeenLastCalledWith(['acc-old'], true, null));
    await screen.findByTestId('native-auth-outcomes');
  });

  it('shows why the step can’t start (the v2 app not checked yet)', async () => {
    m.planNativeAuth.mockRejectedValue(
      new WizardApiError('invalid_input', 'The Nylas v2 app hasn’t been checked yet.', 'Go back to the Nylas v2 app step.'),
    );
    renderStep(NativeAuthStep, makeCtx(onStep()));
    await waitFor(() => expect(screen.getByTestId('native-auth-step').textContent).toContain('hasn’t been checked yet'));
    expect(screen.queryByTestId('native-auth-start')).toBeNull();
  });

  it('Cancel stops the wait and says nothing more was sent', async () => {
    let reject!: (e: unknown) => void;
    m.finishNativeAuth.mockReturnValue(
      new Promise<api.NativeAuthView>((_, r) => {
        reject = r;
      }),
    );
    m.cancelRemote.mockImplementation(async (command) => {
      reject(new WizardApiError('cancelled', 'The sign-in was cancelled.'));
      return command === 'finish_native_auth' ? 1 : 0;
    });
    renderStep(NativeAuthStep, makeCtx(onStep()));
    await screen.findByTestId('native-auth-plan');
    fireEvent.click(screen.getByTestId('native-auth-start'));
    await screen.findByTestId('native-auth-url');
    fireEvent.click(screen.getByTestId('native-auth-cancel'));
    expect(m.cancelRemote).toHaveBeenCalledWith('finish_native_auth');
    await screen.findByTestId('native-auth-stopped');
    expect(screen.queryByTestId('native-auth-outcomes')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
