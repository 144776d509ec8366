import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import type { SetupReport } from '../bindings/SetupReport';
import { deferred, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { BulkDoneStep } from './bulk-done';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    setupReport: vi.fn(),
    saveReport: vi.fn(),
    listChanges: vi.fn(),
    openReportFolder: vi.fn(),
    goToStep: vi.fn(),
  };
});
const m = vi.mocked(api);

function onDone(): ProgressView {
  const p = { ...fixtureProgress('bulk/explain/new'), step: 'report' };
  p.answers.bulk = {
    credentials: { source: 't.csv', total: 2, created: 2, reused: 0, failed: 0, cancelled: false, application_id: 'a', at: 'x' },
    consent: { total: 2, consented: 1, application_id: 'a', at: 'x' },
    grants: { source: null, total: 3, created: 2, reused: 0, failed: 1, cancelled: false, application_id: 'a', at: 'x' },
  };
  p.step_status = { tenants: 'done', consent: 'needs-attention', grants: 'needs-attention', report: 'in-progress' };
  return p;
}

// Only what the view reads of Rust's report (path E's next steps).
const REPORT = {
  path: 'bulk',
  complete: false,
  left: [],
  next: [
    {
      text: 'Your app reads each connected mailbox through its Nylas grant, found by the email address; no user signs in.',
      doc: { label: 'Nylas documentation', topic: { topic: 'nylas_docs' }, url: 'https://developer.nylas.com/docs/' },
    },
  ],
} as unknown as SetupReport;

const SAVED: api.SavedReport = {
  markdown: '/home/admin/Downloads/Nylas Microsoft setup report.md',
  json: '/home/admin/Downloads/Nylas Microsoft setup report.json',
  folder: '/home/admin/Downloads',
};

beforeEach(() => {
  vi.clearAllMocks();
  m.setupReport.mockResolvedValue(REPORT);
  m.listChanges.mockResolvedValue({ changes: [] } as unknown as Awaited<ReturnType<typeof api.listChanges>>);
});

describe('Done (path E): the report', () => {
  it('saves the report through Rust, shows where, and opens its folder', async () => {
    const saving = deferred<api.SavedReport>();
    m.saveReport.mockReturnValue(saving.promise);
    m.openReportFolder.mockResolvedValue(undefined);
    renderStep(BulkDoneStep, makeCtx(onDone()));
    // Rust's next steps, not the view's own words.
    expect((await screen.findByTestId('done-next')).textContent).toContain('found by the email address; no user signs in.');
    const button = screen.getByTestId('done-save-button');
    expect(button.textContent).toBe('Save the report');
    fireEvent.click(button);
    expect(button.textContent).toBe('Saving…');
    // A second click while saving doesn't save twice.
    fireEvent.click(button);
    expect(m.saveReport).toHaveBeenCalledTimes(1);
    expect(m.saveReport).toHaveBeenCalledWith(null, null);
    saving.resolve(SAVED);
    expect((await screen.findByTestId('done-saved-markdown')).textContent).toBe(SAVED.markdown);
    expect(screen.getByTestId('done-saved-json').textContent).toBe(SAVED.json);
    expect(button.textContent).toBe('Save it again');
    fireEvent.click(screen.getByTestId('done-open-folder'));
    await waitFor(() => expect(m.openReportFolder).toHaveBeenCalledTimes(1));
    // The facts of each step are still there.
    expect(screen.getByTestId('bulk-done-grants').textContent).toContain('1 failed');
  });

  it('says plainly why saving failed, beside the button', async () => {
    m.saveReport.mockRejectedValue(
      new WizardApiError('io', 'The report could not be saved: the disk is full.', 'Free some space and save again.'),
    );
    renderStep(BulkDoneStep, makeCtx(onDone()));
    fireEvent.click(await screen.findByTestId('done-save-button'));
    const save = screen.getByTestId('done-save');
    await waitFor(() => expect(save.textContent).toContain('the disk is full'));
    expect(screen.queryByTestId('done-saved')).toBeNull();
  });
});
