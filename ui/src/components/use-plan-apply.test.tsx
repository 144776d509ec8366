import { act, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type ConfigureApplied } from '../api';
import configureJson from '../test/generated/configure.json';
import { deferred, makeCtx } from '../test/requirements';
import type { StepContext } from '../steps/types';
import { usePlanApply } from './use-plan-apply';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, cancelRemote: vi.fn(), goToStep: vi.fn() };
});
const m = vi.mocked(api);
const APPLIED = (configureJson as unknown as { applied: ConfigureApplied }).applied;

function Harness(props: {
  ctx: StepContext;
  read: () => Promise<string>;
  call: () => Promise<ConfigureApplied>;
  refused?: (e: WizardApiError) => boolean;
  onPlanned?: () => void;
}) {
  const h = usePlanApply<string, ConfigureApplied>({ ctx: props.ctx, read: props.read, command: 'apply_x', onPlanned: props.onPlanned });
  return (
    <div>
      <p data-testid="view">{h.view ?? 'none'}</p>
      <p data-testid="state">{`${h.planning ? 'planning' : 'idle'} ${h.applying ? 'applying' : ''}`}</p>
      <p data-testid="error">{h.error?.code ?? ''}</p>
      <p data-testid="plan-failed">{String(h.planFailed)}</p>
      <button type="button" data-testid="replan" onClick={() => void h.plan()} />
      <button type="button" data-testid="apply" onClick={() => void h.run(props.call, props.refused)} />
      <button type="button" data-testid="stop" onClick={() => void h.stop()} />
      <button type="button" data-testid="back" onClick={() => void h.goBack('azure-app')} />
      {h.done !== null && (
        <h3 tabIndex={-1} ref={h.resultHeading} data-testid="result">
          done
        </h3>
      )}
    </div>
  );
}

beforeEach(() => {
  vi.clearAllMocks();
  m.cancelRemote.mockResolvedValue(1);
});

describe('usePlanApply', () => {
  it('reads the plan on mount; a late older answer never replaces a newer one', async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const read = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const onPlanned = vi.fn();
    render(<Harness ctx={makeCtx(APPLIED.progress)} read={read} call={vi.fn()} onPlanned={onPlanned} />);
    fireEvent.click(screen.getByTestId('replan'));
    await act(async () => second.resolve('new'));
    await act(async () => first.resolve('old'));
    expect(screen.getByTestId('view').textContent).toBe('new');
    expect(screen.getByTestId('state').textContent).toBe('idle ');
    expect(onPlanned).toHaveBeenCalledTimes(1);
  });

  it('says when reading failed, so the error card can offer to read again', async () => {
    const read = vi.fn().mockRejectedValueOnce(new WizardApiError('network', 'No answer')).mockResolvedValueOnce('plan');
    render(<Harness ctx={makeCtx(APPLIED.progress)} read={read} call={vi.fn()} />);
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('network'));
    expect(screen.getByTestId('plan-failed').textContent).toBe('true');
    fireEvent.click(screen.getByTestId('replan'));
    await waitFor(() => expect(screen.getByTestId('view').textContent).toBe('plan'));
    expect(screen.getByTestId('error').textContent).toBe('');
    expect(screen.getByTestId('plan-failed').textContent).toBe('false');
  });

  it('applies: shows the progress Rust returned, a failed step as the error, and focuses the result', async () => {
    const ctx = makeCtx(APPLIED.progress);
    const failedRun: ConfigureApplied = {
      ...APPLIED,
      report: { ...APPLIED.report, steps: [{ ...APPLIED.report.steps[0]!, outcome: 'failed', error: { code: 'rejected', message: 'No' } }] },
    };
    const call = vi.fn().mockResolvedValue(failedRun);
    render(<Harness ctx={ctx} read={() => Promise.resolve('plan')} call={call} />);
    await waitFor(() => expect(screen.getByTestId('view').textContent).toBe('plan'));
    fireEvent.click(screen.getByTestId('apply'));
    const heading = await screen.findByTestId('result');
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(ctx.applyProgress).toHaveBeenCalledWith(failedRun.progress);
    expect(screen.getByTestId('error').textContent).toBe('rejected');
  });

  it('a refusal the view handles is not shown; others are; Stop and Go back call Rust', async () => {
    const ctx = makeCtx(APPLIED.progress);
    const call = vi.fn().mockRejectedValue(new WizardApiError('cancelled', 'Stopped'));
    const refused = vi.fn((e: WizardApiError) => e.code === 'cancelled');
    const { unmount } = render(<Harness ctx={ctx} read={() => Promise.resolve('plan')} call={call} refused={refused} />);
    fireEvent.click(screen.getByTestId('apply'));
    await waitFor(() => expect(refused).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('error').textContent).toBe('');
    fireEvent.click(screen.getByTestId('stop'));
    await waitFor(() => expect(m.cancelRemote).toHaveBeenCalledWith('apply_x'));
    m.goToStep.mockResolvedValue({ ...APPLIED.progress, step: 'azure-app' });
    fireEvent.click(screen.getByTestId('back'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('azure-app'));
    await waitFor(() => expect(ctx.applyProgress).toHaveBeenCalled());
    unmount();

    render(<Harness ctx={ctx} read={() => Promise.resolve('plan')} call={vi.fn().mockRejectedValue(new WizardApiError('network', 'x'))} />);
    fireEvent.click(screen.getByTestId('apply'));
    await waitFor(() => expect(screen.getByTestId('error').textContent).toBe('network'));
  });
});
