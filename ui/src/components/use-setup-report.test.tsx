import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { SetupReport } from '../bindings/SetupReport';
import reportJson from '../test/generated/report.json';
import { fixtureProgress, makeCtx } from '../test/requirements';
import type { StepContext } from '../steps/types';
import { useSetupReport } from './use-setup-report';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, setupReport: vi.fn(), saveReport: vi.fn(), listChanges: vi.fn(), goToStep: vi.fn() };
});
const m = vi.mocked(api);
const REPORT = reportJson.before_sign_in as unknown as SetupReport;

function Probe({ ctx }: { ctx: StepContext }) {
  const h = useSetupReport(ctx);
  return (
    <div>
      <p data-testid="state">{`${h.loading ? 'loading' : 'idle'} ${h.report === null ? 'no-report' : 'report'} ${h.changes?.length ?? 'x'}`}</p>
      <p data-testid="error">{h.error?.code ?? ''}</p>
      <p data-testid="action-error">{h.actionError?.code ?? ''}</p>
      <p data-testid="saved">{h.saved?.markdown ?? ''}</p>
      <p data-testid="title">{h.title('report')}|{h.title('nope')}</p>
      <button type="button" data-testid="retry" onClick={() => void h.load()} />
      <button type="button" data-testid="save" onClick={() => void h.save()} />
      <button type="button" data-testid="go" onClick={() => void h.goTo('test-sign-in')} />
    </div>
  );
}

function ctxOnDone() {
  const p = fixtureProgress('v3/region/new');
  p.step = 'report';
  return makeCtx(p);
}

beforeEach(() => {
  vi.clearAllMocks();
  m.listChanges.mockResolvedValue({ changes: [] } as unknown as Awaited<ReturnType<typeof api.listChanges>>);
});

describe('useSetupReport', () => {
  it('reads the report and the change log when it opens; a failure can be retried', async () => {
    m.setupReport.mockRejectedValueOnce(new WizardApiError('remote_unavailable', 'No answer')).mockResolvedValueOnce(REPORT);
    render(<Probe ctx={ctxOnDone()} />);
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('remote_unavailable'));
    expect(screen.getByTestId('state').textContent).toBe('idle no-report x');
    fireEvent.click(screen.getByTestId('retry'));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('idle report 0'));
    expect(screen.getByTestId('error').textContent).toBe('');
    expect(screen.getByTestId('title').textContent).toBe('Done|nope');
  });

  it('saves the report; a failed save or step change is the action error', async () => {
    m.setupReport.mockResolvedValue(REPORT);
    m.saveReport.mockRejectedValueOnce(new WizardApiError('io', 'Disk full')).mockResolvedValueOnce({
      markdown: '/r/setup.md',
      json: '/r/setup.json',
      folder: '/r',
    });
    const ctx = ctxOnDone();
    render(<Probe ctx={ctx} />);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('idle report 0'));
    fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('action-error').textContent).toBe('io'));
    fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(screen.getByTestId('saved').textContent).toBe('/r/setup.md'));
    expect(screen.getByTestId('action-error').textContent).toBe('');
    m.goToStep.mockRejectedValueOnce(new WizardApiError('invalid_input', 'No such step'));
    fireEvent.click(screen.getByTestId('go'));
    await waitFor(() => expect(screen.getByTestId('action-error').textContent).toBe('invalid_input'));
    expect(ctx.applyProgress).not.toHaveBeenCalled();
  });
});
