import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { ChangeLog } from '../bindings/ChangeLog';
import type { ProgressView } from '../bindings/ProgressView';
import type { SetupReport } from '../bindings/SetupReport';
import changesJson from '../test/generated/changes.json';
import reportJson from '../test/generated/report.json';
import reportV2Json from '../test/generated/report-v2.json';
import { fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { DoneStep } from './done';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    setupReport: vi.fn(),
    saveReport: vi.fn(),
    openReportFolder: vi.fn(),
    listChanges: vi.fn(),
    goToStep: vi.fn(),
  };
});
const m = vi.mocked(api);

// What Rust's setup_report answered in src-tauri/src/report_tests.rs.
const BEFORE_SIGN_IN = reportJson.before_sign_in as unknown as SetupReport;
const SIGNED_IN = reportJson.signed_in as unknown as SetupReport;
const CHANGES = changesJson as unknown as ChangeLog;
// Paths B and C, from src-tauri/src/report_tests.rs too.
const TEAMS = reportV2Json.teams as unknown as SetupReport;
const V2_EVENTS = reportV2Json.v2_events as unknown as SetupReport;

/** Everything passed: what Rust answers once nothing is left. */
function complete(): SetupReport {
  return { ...structuredClone(SIGNED_IN), left: [], complete: true };
}

function onDone(): ProgressView {
  const p = fixtureProgress('v3/region/new');
  p.step = 'report';
  return p;
}

/** On the Done step of path B or C. */
function onDoneOf(path: 'teams' | 'v2-events'): ProgressView {
  const p = fixtureProgress(path === 'teams' ? 'teams/region/new' : 'v2-events/features/new');
  p.step = 'report';
  return p;
}

beforeEach(() => {
  vi.clearAllMocks();
  m.listChanges.mockResolvedValue(CHANGES);
});

describe('Done step', () => {
  it('says calmly that it is done when nothing is left, and what was set up', async () => {
    m.setupReport.mockResolvedValue(complete());
    const ctx = makeCtx(onDone());
    renderStep(DoneStep, ctx);
    const headline = await screen.findByTestId('done-complete');
    expect(headline.textContent).toContain('You’re done');
    expect(screen.queryByTestId('done-left')).toBeNull();
    const facts = screen.getByTestId('done-facts');
    expect(within(facts).getByTestId('done-fact-nylas').textContent).toContain(
      SIGNED_IN.nylas_application?.application_id ?? 'missing',
    );
    expect(within(facts).getByTestId('done-fact-nylas').textContent).toContain('US region');
    const configure = within(facts).getByTestId('done-fact-configure');
    expect(configure.textContent).toContain('The Microsoft connector already has');
    expect(configure.querySelectorAll('[data-outcome="already_done"]').length).toBe(
      SIGNED_IN.configure?.steps.length,
    );
    expect(within(facts).getByTestId('done-fact-sign-in').textContent).toContain('megan@contoso.com');
    expect(within(facts).getByTestId('done-fact-sign-in').textContent).toContain('every permission it asked for');
    // The changes with their undo, from H5's list.
    const list = await screen.findByTestId('done-change-list');
    expect(list.querySelectorAll('[data-testid="change-item"]').length).toBe(CHANGES.changes.length);
    // What next, opened by intent.
    fireEvent.click(screen.getByRole('button', { name: 'Nylas: Hosted OAuth with an API key' }));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'nylas_hosted_auth' } });
  });

  it('says honestly what is still missing, with a way back to that step', async () => {
    m.setupReport.mockResolvedValue(BEFORE_SIGN_IN);
    const after = onDone();
    after.step = 'test-sign-in';
    m.goToStep.mockResolvedValue(after);
    const ctx = makeCtx(onDone());
    renderStep(DoneStep, ctx);
    const left = await screen.findByTestId('done-left');
    expect(screen.queryByTestId('done-complete')).toBeNull();
    expect(left.textContent).toContain(`${BEFORE_SIGN_IN.left.length} things are still to do`);
    expect(left.textContent).toContain('Sign in once with a test account');
    expect(screen.getByTestId('done-fact-sign-in').textContent).toContain('No test account has signed in yet.');
    fireEvent.click(within(left).getByTestId('done-go-test-sign-in'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('test-sign-in'));
    expect(within(left).getByTestId('done-go-test-sign-in').textContent).toBe('Go to Test sign-in');
    await waitFor(() => expect(ctx.applyProgress).toHaveBeenCalledWith(after));
  });

  it('saves the report, shows both files and opens their folder', async () => {
    m.setupReport.mockResolvedValue(complete());
    m.saveReport.mockResolvedValue({
      markdown: '/home/a/Downloads/Nylas Microsoft setup report 2026-12-01.md',
      json: '/home/a/Downloads/Nylas Microsoft setup report 2026-12-01.json',
      folder: '/home/a/Downloads',
    });
    m.openReportFolder.mockResolvedValue(undefined);
    renderStep(DoneStep, makeCtx(onDone()));
    fireEvent.click(await screen.findByTestId('done-save-button'));
    const saved = await screen.findByTestId('done-saved');
    expect(saved.textContent).toContain('report 2026-12-01.md');
    expect(saved.textContent).toContain('report 2026-12-01.json');
    expect(screen.getByTestId('done-save-button').textContent).toBe('Save it again');
    fireEvent.click(screen.getByTestId('done-open-folder'));
    await waitFor(() => expect(m.openReportFolder).toHaveBeenCalledTimes(1));
  });

  it('shows a failed check as an error card with Try again', async () => {
    m.setupReport
      .mockRejectedValueOnce(new WizardApiError('remote_unavailable', 'Nylas could not be reached.'))
      .mockResolvedValueOnce(complete());
    renderStep(DoneStep, makeCtx(onDone()));
    expect((await screen.findByRole('alert')).textContent).toContain('Nylas could not be reached.');
    fireEvent.click(screen.getByRole('button', { name: /try again/i }));
    await screen.findByTestId('done-complete');
  });

  it('on the Teams path, says Teams meetings are ready and shows the v2 app, the integration and the accounts', async () => {
    m.setupReport.mockResolvedValue({ ...structuredClone(TEAMS), left: [], complete: true });
    const ctx = makeCtx(onDoneOf('teams'));
    renderStep(DoneStep, ctx);
    const headline = await screen.findByTestId('done-complete');
    expect(headline.textContent).toContain('Nylas can add Teams meetings for your accounts');
    expect(headline.textContent).not.toContain('test account');
    expect(screen.getByTestId('done-fact-azure').textContent).toContain(`In the tenant ${TEAMS.answers.tenant}.`);
    const v2 = screen.getByTestId('done-fact-nylas-v2');
    expect(v2.textContent).toContain(TEAMS.nylas_v2?.client_id ?? 'missing');
    expect(v2.textContent).toContain('Checked in the US region.');
    // Where the secret is kept and its hint: never the secret.
    const hint = TEAMS.nylas_v2_client_secret?.hint ?? 'missing';
    expect(screen.getByTestId('done-v2-secret').textContent).toBe(
      `Its client secret is kept in memory for this run only (it looks like ${hint}).`,
    );
    const teams = screen.getByTestId('done-fact-teams');
    expect(teams.textContent).toContain(TEAMS.teams_integration?.integration_id ?? 'missing');
    expect(teams.textContent).toContain('Created by the wizard, for people from any organization.');
    expect(teams.textContent).toContain('https://beta.us.nylas.com/connect/callback');
    expect(screen.getByTestId('done-accounts-counts').textContent).toBe('2 of 2 accounts connected.');
    // Path A's facts aren't on this path.
    expect(screen.queryByTestId('done-fact-configure')).toBeNull();
    expect(screen.queryByTestId('done-fact-sign-in')).toBeNull();
    // What next, for Teams, opened by intent.
    const next = screen.getByTestId('done-next');
    expect(next.textContent).toContain('Teams meeting link');
    // Several next steps share a documentation page: each is still listed.
    expect(within(next).getAllByRole('listitem').length).toBe(TEAMS.next.length);
    fireEvent.click(within(next).getByRole('button', { name: 'Nylas: Create an Azure auth app' }));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'nylas_azure_app_guide' } });
    expect(screen.getByTestId('done-save').textContent).toContain('only where your client secrets are kept');
  });

  it('on the Teams path, lists each account of this run, the ones that failed with why', async () => {
    const r = structuredClone(TEAMS);
    r.teams_accounts = { total: 2, connected: 1, failed: 1, at: '2026-12-01T22:20:00Z' };
    r.accounts = [
      { account: 'megan@contoso.com', connected: true, detail: 'grant-1' },
      { account: 'acc-7', connected: false, detail: 'The person cancelled the sign-in.' },
    ];
    m.setupReport.mockResolvedValue(r);
    renderStep(DoneStep, makeCtx(onDoneOf('teams')));
    expect((await screen.findByTestId('done-accounts-counts')).textContent).toBe(
      '1 of 2 accounts connected, 1 didn’t.',
    );
    const rows = Array.from(screen.getByTestId('done-accounts-list').querySelectorAll('li'));
    expect(rows.map((r) => r.getAttribute('data-connected'))).toEqual(['true', 'false']);
    expect(rows[1]?.textContent).toContain('Not connected: acc-7The person cancelled the sign-in.');
  });

  it('on the v2 Graph events path, says what is left with a way back to Connect accounts', async () => {
    m.setupReport.mockResolvedValue(V2_EVENTS);
    const after = onDoneOf('v2-events');
    after.step = 'native-auth';
    m.goToStep.mockResolvedValue(after);
    const ctx = makeCtx(onDoneOf('v2-events'));
    renderStep(DoneStep, ctx);
    const left = await screen.findByTestId('done-left');
    expect(left.textContent).toContain(`${V2_EVENTS.left.length} things are still to do`);
    expect(left.textContent).toContain("1 account didn't connect");
    expect(screen.getByTestId('done-fact-accounts').textContent).toContain(
      'Accounts connected through Microsoft Graph1 of 2 accounts connected, 1 didn’t.',
    );
    expect(screen.queryByTestId('done-fact-teams')).toBeNull();
    fireEvent.click(within(left).getByTestId('done-go-native-auth'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('native-auth'));
    expect(within(left).getByTestId('done-go-native-auth').textContent).toBe('Go to Connect accounts');
    await waitFor(() => expect(ctx.applyProgress).toHaveBeenCalledWith(after));
  });

  it('before anything on path C is done, says so instead of inventing facts', async () => {
    const r = structuredClone(V2_EVENTS);
    r.nylas_v2 = null;
    r.nylas_v2_client_secret = null;
    r.v2_accounts = null;
    m.setupReport.mockResolvedValue(r);
    renderStep(DoneStep, makeCtx(onDoneOf('v2-events')));
    expect((await screen.findByTestId('done-fact-nylas-v2')).textContent).toContain(
      'Its client ID and secret haven’t been checked yet.',
    );
    expect(screen.getByTestId('done-v2-secret').textContent).toBe('Its client secret isn’t stored by the wizard.');
    expect(screen.getByTestId('done-fact-accounts').textContent).toContain('No account has been connected yet.');
  });
});
