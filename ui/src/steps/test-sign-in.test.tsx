import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import type { TestSignInOutcome } from '../bindings/TestSignInOutcome';
import { deferred, fixtureDiagnoses, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { STEP_VIEWS, findStepView } from './registry';
import { TestSignInStep } from './test-sign-in';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    startTestSignIn: vi.fn(),
    finishTestSignIn: vi.fn(),
    cancelRemote: vi.fn(),
  };
});
const m = vi.mocked(api);

const URL = 'https://api.us.nylas.com/v3/connect/auth?client_id=2b6f&state=s';

function onStep(): ProgressView {
  const p = fixtureProgress('v3/region/new');
  p.step = 'test-sign-in';
  return p;
}

function signedIn(missing: string[] = [], status = 'valid'): TestSignInOutcome {
  const wanted = ['Mail.Read', 'User.Read', 'offline_access'];
  return {
    outcome: 'signed_in',
    result: {
      email: 'megan@contoso.com',
      grant_id: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
      grant_status: status,
      provider: 'microsoft',
      scopes: [
        ...wanted.map((scope) => ({
          scope,
          verdict: missing.includes(scope) ? ('missing' as const) : ('granted' as const),
        })),
        { scope: 'Contacts.Read', verdict: 'extra' as const },
      ],
      missing,
      extra: ['Contacts.Read'],
    },
  };
}

const view = (outcome: TestSignInOutcome): api.TestSignInView => ({ outcome, progress: onStep() });

beforeEach(() => {
  vi.clearAllMocks();
  m.startTestSignIn.mockResolvedValue({ authorize_url: URL, opened: true });
  m.cancelRemote.mockResolvedValue(1);
});

describe('Test sign-in step', () => {
  it('is the view of path A’s test-sign-in step', () => {
    expect(findStepView('v3', 'test-sign-in', STEP_VIEWS)).toBe(TestSignInStep);
  });

  it('says what will happen, signs in with the typed email and shows the grant with each scope marked', async () => {
    const done = deferred<api.TestSignInView>();
    m.finishTestSignIn.mockReturnValue(done.promise);
    const ctx = makeCtx(onStep());
    renderStep(TestSignInStep, ctx);
    expect(screen.getByTestId('test-sign-in-explain').textContent).toContain(
      'Sign in with a real Microsoft 365 account of your organization',
    );
    const email = screen.getByTestId('test-sign-in-login-hint') as HTMLInputElement;
    email.value = '  megan@contoso.com ';
    fireEvent.click(screen.getByTestId('test-sign-in-start'));
    const waiting = await screen.findByTestId('test-sign-in-waiting');
    await waitFor(() => expect(within(waiting).getByTestId('test-sign-in-url').textContent).toContain(URL));
    expect(m.startTestSignIn).toHaveBeenCalledWith('megan@contoso.com');
    expect(screen.getByTestId('test-sign-in-start').getAttribute('aria-disabled')).toBe('true');
    done.resolve(view(signedIn()));
    const result = await screen.findByTestId('test-sign-in-result');
    // The progress Rust recorded it in is shown (the step list follows).
    expect(ctx.applyProgress).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('test-sign-in-waiting')).toBeNull();
    expect(within(result).getByTestId('test-sign-in-email').textContent).toBe('megan@contoso.com');
    expect(within(result).getByTestId('test-sign-in-status').textContent).toContain('Valid');
    expect(within(result).getByTestId('test-sign-in-scope-Mail.Read').textContent).toContain('Granted');
    expect(within(result).getByTestId('test-sign-in-scope-Contacts.Read').textContent).toContain('Extra');
    expect(screen.getByTestId('test-sign-in-extra').textContent).toContain('Contacts.Read');
    expect(screen.queryByTestId('test-sign-in-missing')).toBeNull();
    expect(result.textContent).toContain('The sign-in worked');
    expect(screen.getByTestId('test-sign-in-start').textContent).toBe('Try again');
    // It worked: Next is the thing to do, trying again is secondary.
    expect(screen.getByTestId('test-sign-in-start').className).toContain('btn-secondary');
  });

  it('names the missing scopes with what to do', async () => {
    m.finishTestSignIn.mockResolvedValue(view(signedIn(['Mail.Read'])));
    renderStep(TestSignInStep, makeCtx(onStep()));
    fireEvent.click(screen.getByTestId('test-sign-in-start'));
    const missing = await screen.findByTestId('test-sign-in-missing');
    expect(missing.textContent).toContain("Microsoft didn't grant Mail.Read");
    expect(screen.getByTestId('test-sign-in-scope-Mail.Read').textContent).toContain('Missing');
    expect(screen.getByTestId('test-sign-in-result').textContent).toContain('with a problem');
    expect(m.startTestSignIn).toHaveBeenCalledWith(null);
    // Not fully working: signing in again stays the main action.
    expect(screen.getByTestId('test-sign-in-start').className).toContain('btn-primary');
  });

  it('shows a refused sign-in diagnosed, with its fix and Try again', async () => {
    const diagnosed = fixtureDiagnoses('redirect-mismatch').diagnoses;
    m.finishTestSignIn.mockResolvedValue(
      view({
        outcome: 'refused',
        refusal: { error: 'invalid_request', description: 'AADSTS50011: The redirect URI …', diagnoses: diagnosed },
      }),
    );
    const ctx = makeCtx(onStep());
    renderStep(TestSignInStep, ctx);
    fireEvent.click(screen.getByTestId('test-sign-in-start'));
    const refused = await screen.findByTestId('test-sign-in-refused');
    const card = within(refused).getByTestId('diagnosis-AADSTS50011');
    expect(card.textContent).toContain('What to do');
    expect(card.textContent).toContain(diagnosed[0]?.fix.slice(0, 30) ?? 'missing fixture');
    expect(refused.textContent).toContain('Details for support');
    expect(screen.getByTestId('test-sign-in-start').textContent).toBe('Try again');
    expect(screen.queryByTestId('test-sign-in-result')).toBeNull();
  });

  it('cancels the wait and says nothing was connected', async () => {
    m.finishTestSignIn.mockImplementation(
      () =>
        new Promise((_, reject) => {
          m.cancelRemote.mockImplementation(async () => {
            reject(new WizardApiError('cancelled', 'The test sign-in was cancelled.'));
            return 1;
          });
        }),
    );
    renderStep(TestSignInStep, makeCtx(onStep()));
    fireEvent.click(screen.getByTestId('test-sign-in-start'));
    fireEvent.click(await screen.findByTestId('test-sign-in-cancel'));
    await screen.findByTestId('test-sign-in-stopped');
    expect(m.cancelRemote).toHaveBeenCalledWith('finish_test_sign_in');
    expect(screen.queryByTestId('test-sign-in-waiting')).toBeNull();
    expect(document.querySelector('.error-card')).toBeNull();
  });

  it('shows Rust’s error as a card when the sign-in cannot start', async () => {
    m.startTestSignIn.mockRejectedValue(
      new WizardApiError(
        'rejected',
        "Your Nylas application doesn't list the wizard's test address http://localhost:47615/nylas-wizard/test-sign-in among its callback URIs yet, so Nylas would refuse the sign-in.",
        'Go back to Configure Nylas and apply the plan: it adds this address.',
      ),
    );
    renderStep(TestSignInStep, makeCtx(onStep()));
    fireEvent.click(screen.getByTestId('test-sign-in-start'));
    await waitFor(() => expect(document.body.textContent).toContain('Go back to Configure Nylas'));
    expect(m.finishTestSignIn).not.toHaveBeenCalled();
  });
});
