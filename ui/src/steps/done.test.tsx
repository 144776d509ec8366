import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { ChangeLog } from '../bindings/ChangeLog';
import type { ProgressView } from '../bindings/ProgressView';
import type { SetupReport } from '../bindings/SetupReport';
import changesJson from '../test/generated/changes.json';
import reportJson from '../test/generated/report.json';
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

/** Everything passed: what Rust answers once nothing is left. */
function complete(): SetupReport {
  return { ...structuredClone(SIGNED_IN), left: [], complete: true };
}

function onDone(): ProgressView {
  const p = fixtureProgress('v3/region/new');
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
});
