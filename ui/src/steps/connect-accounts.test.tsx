import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { AccountRow } from '../bindings/AccountRow';
import type { ProgressView } from '../bindings/ProgressView';
import type { TeamsAuthEvent } from '../bindings/TeamsAuthEvent';
import { deferred, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { ConnectAccountsStep } from './connect-accounts';
import { STEP_VIEWS, findStepView } from './registry';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    teamsAccountsView: vi.fn(),
    connectTeamsAccounts: vi.fn(),
    pasteTeamsCallback: vi.fn(),
    cancelRemote: vi.fn(),
  };
});
const m = vi.mocked(api);

const BACK = 'http://localhost:47616/nylas-wizard/teams-callback';
const LOGIN = 'https://beta.us.nylas.com/connect/login?id=nn9G';

function onStep(): ProgressView {
  const p = fixtureProgress('teams/region/new');
  p.step = 'connect-accounts';
  return p;
}

function row(account_id: string, status: AccountRow['status'], extra: Partial<AccountRow> = {}): AccountRow {
  return { account_id, status, email: null, grant_id: null, event_code: null, message: null, at: 0, ...extra };
}

const adeleDone = row('acct-adele', 'connected', { email: 'adele@contoso.com', grant_id: 'g-adele' });
const meganFailed = row('acct-megan', 'failed', { event_code: '25004', message: 'The user did not grant the requested permissions.' });

function view(rows: AccountRow[] = [], blocked: api.TeamsAccountsView['blocked'] = null): api.TeamsAccountsView {
  return { rows, redirect_uri: BACK, blocked };
}

beforeEach(() => {
  vi.clearAllMocks();
  m.teamsAccountsView.mockResolvedValue(view());
  m.cancelRemote.mockResolvedValue(1);
  m.pasteTeamsCallback.mockResolvedValue(undefined);
});

describe('Connect accounts step', () => {
  it('is the view of path B’s connect-accounts step', () => {
    expect(findStepView('teams', 'connect-accounts', STEP_VIEWS)).toBe(ConnectAccountsStep);
  });

  it('connects the pasted accounts, showing each row’s progress, then the summary', async () => {
    let hear: (e: TeamsAuthEvent) => void = () => undefined;
    const done = deferred<api.TeamsAccountsDone>();
    m.connectTeamsAccounts.mockImplementation((_ids, onProgress) => {
      hear = onProgress;
      return done.promise;
    });
    const ctx = makeCtx(onStep());
    renderStep(ConnectAccountsStep, ctx);
    await waitFor(() => expect(m.teamsAccountsView).toHaveBeenCalled());
    const ids = screen.getByTestId('connect-accounts-ids') as HTMLTextAreaElement;
    ids.value = 'acct-adele\nacct-megan';
    fireEvent.click(screen.getByTestId('connect-accounts-start'));
    expect(m.connectTeamsAccounts).toHaveBeenCalledWith('acct-adele\nacct-megan', expect.any(Function));
    hear({ event: 'rows', rows: [row('acct-adele', 'waiting'), row('acct-megan', 'waiting')] });
    hear({ event: 'signing_in', account_id: 'acct-adele', index: 1, total: 2, login_url: LOGIN, opened: true });
    const progress = await screen.findByTestId('connect-accounts-progress');
    await waitFor(() => expect(progress.textContent).toContain('Account 1 of 2 (acct-adele)'));
    expect(within(progress).getByTestId('connect-accounts-url').textContent).toContain(LOGIN);
    expect(screen.getByTestId('account-status-acct-adele').textContent).toContain('Signing in');
    expect(screen.getByTestId('connect-accounts-start').getAttribute('aria-disabled')).toBe('true');
    hear({ event: 'row', row: adeleDone });
    await waitFor(() => expect(screen.getByTestId('account-status-acct-adele').textContent).toContain('Connected'));
    expect(screen.getByTestId('account-row-acct-adele').textContent).toContain('adele@contoso.com');
    hear({ event: 'signing_in', account_id: 'acct-megan', index: 2, total: 2, login_url: LOGIN, opened: false });
    await waitFor(() => expect(screen.getByTestId('connect-accounts-progress').textContent).toContain("Your browser didn't open"));
    hear({ event: 'row', row: meganFailed });
    const after = onStep();
    done.resolve({ outcome: { rows: [adeleDone, meganFailed], cancelled: false, skipped: 0 }, progress: after });
    const summary = await screen.findByTestId('connect-accounts-summary');
    expect(summary.textContent).toBe('1 of 2 connected. Resume tries the others again.');
    expect(screen.getByTestId('connect-accounts-start').className).toBe('btn btn-primary');
    expect(screen.getByTestId('account-row-acct-megan').textContent).toContain('(event code 25004)');
    expect(screen.getByTestId('account-status-acct-megan').textContent).toContain('Failed');
    expect(ctx.applyProgress).toHaveBeenCalledWith(after);
    expect(screen.getByTestId('connect-accounts-resume').textContent).toBe('Resume (1 left)');
    expect(screen.queryByTestId('connect-accounts-progress')).toBeNull();
  });

  it('shows the saved table and resumes the accounts left without a new list', async () => {
    m.teamsAccountsView.mockResolvedValue(view([adeleDone, row('acct-megan', 'waiting')]));
    m.connectTeamsAccounts.mockResolvedValue({
      outcome: { rows: [row('acct-megan', 'connected', { email: 'megan@contoso.com' })], cancelled: false, skipped: 0 },
      progress: onStep(),
    });
    renderStep(ConnectAccountsStep, makeCtx(onStep()));
    const resume = await screen.findByTestId('connect-accounts-resume');
    expect(resume.textContent).toBe('Resume (1 left)');
    fireEvent.click(resume);
    expect(m.connectTeamsAccounts).toHaveBeenCalledWith(null, expect.any(Function));
    const summary = await screen.findByTestId('connect-accounts-summary');
    expect(summary.textContent).toBe('All 2 accounts are connected.');
    expect(screen.queryByTestId('connect-accounts-resume')).toBeNull();
    // Next is the thing to do now: connecting more is secondary.
    expect(screen.getByTestId('connect-accounts-start').className).toBe('btn btn-secondary');
  });

  it('cancels, and a pasted address that is refused says why', async () => {
    let hear: (e: TeamsAuthEvent) => void = () => undefined;
    const done = deferred<api.TeamsAccountsDone>();
    m.connectTeamsAccounts.mockImplementation((_ids, onProgress) => {
      hear = onProgress;
      return done.promise;
    });
    m.pasteTeamsCallback.mockRejectedValueOnce(
      new WizardApiError('rejected', 'The address the browser came back with was refused.'),
    );
    renderStep(ConnectAccountsStep, makeCtx(onStep()));
    await waitFor(() => expect(m.teamsAccountsView).toHaveBeenCalled());
    (screen.getByTestId('connect-accounts-ids') as HTMLTextAreaElement).value = 'acct-adele';
    fireEvent.click(screen.getByTestId('connect-accounts-start'));
    hear({ event: 'rows', rows: [row('acct-adele', 'waiting')] });
    hear({ event: 'signing_in', account_id: 'acct-adele', index: 1, total: 1, login_url: LOGIN, opened: true });
    const pasted = (await screen.findByTestId('connect-accounts-paste')) as HTMLInputElement;
    pasted.value = `${BACK}?success=true&provider=google`;
    fireEvent.click(screen.getByTestId('connect-accounts-paste-use'));
    expect(m.pasteTeamsCallback).toHaveBeenCalledWith(`${BACK}?success=true&provider=google`);
    const refused = await screen.findByTestId('connect-accounts-paste-error');
    expect(refused.textContent).toContain('was refused');
    fireEvent.click(screen.getByTestId('connect-accounts-cancel'));
    expect(m.cancelRemote).toHaveBeenCalledWith('connect_teams_accounts');
    hear({ event: 'row', row: row('acct-adele', 'waiting') });
    done.resolve({ outcome: { rows: [row('acct-adele', 'waiting')], cancelled: true, skipped: 0 }, progress: onStep() });
    const summary = await screen.findByTestId('connect-accounts-summary');
    expect(summary.textContent).toBe('Stopped. 0 of 1 connected; Resume goes on with the others.');
  });

  it('says what is missing and keeps Connect disabled', async () => {
    m.teamsAccountsView.mockResolvedValue(
      view([], {
        code: 'invalid_input',
        message: 'The Teams integration hasn’t been set up yet.',
        hint: 'Go back to the Teams integration step and create it first.',
      }),
    );
    renderStep(ConnectAccountsStep, makeCtx(onStep()));
    await waitFor(() => expect(screen.getByText('The Teams integration hasn’t been set up yet.')).toBeTruthy());
    expect((screen.getByTestId('connect-accounts-start') as HTMLButtonElement).disabled).toBe(true);
  });
});
