import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { ConfigureApplied } from '../api';
import type { PlanStep } from '../bindings/PlanStep';
import configureJson from '../test/generated/configure.json';
import { ApplyWorking, PlanResult, Ticks, fromReport } from './plan-progress';

const step = (key: string, summary: string): PlanStep => ({
  key,
  summary,
  action: 'create',
  safety: '',
  undo: [],
  request: null,
  changes: [],
});
const STEPS = [step('a', 'Step A'), step('b', 'Step B'), step('c', 'Step C')];
const APPLIED = (configureJson as unknown as { applied: ConfigureApplied }).applied;

describe('Ticks', () => {
  it('marks each step with an icon and words, and says when Nylas is being waited for', () => {
    render(
      <Ticks
        steps={STEPS}
        heard={{
          a: { key: 'a', index: 0, total: 3, state: { kind: 'done', outcome: 'created' } },
          b: { key: 'b', index: 1, total: 3, state: { kind: 'retrying', wait_ms: 2400, attempt: 2 } },
        }}
      />,
    );
    expect(screen.getByTestId('configure-ticks')).toBeTruthy();
    const a = screen.getByTestId('configure-tick-a');
    expect(a.dataset.state).toBe('created');
    expect(a.textContent).toBe('✓Added: Step A (Added)');
    expect(screen.getByTestId('configure-tick-b').dataset.state).toBe('retrying');
    expect(screen.getByTestId('configure-retrying').textContent).toContain('trying again in 2 s (attempt 2)');
    expect(screen.getByTestId('configure-tick-c').textContent).toBe('○Not started: Step C (Not started)');
  });

  it('reads how each step ended from the report', () => {
    const heard = fromReport(APPLIED);
    const keys = APPLIED.report.steps.map((s) => s.key);
    const first = APPLIED.report.steps[0]!;
    expect(Object.keys(heard)).toEqual(keys);
    expect(heard[first.key]).toEqual({ key: first.key, index: 0, total: keys.length, state: { kind: 'done', outcome: 'created' } });
    const stopped = fromReport({ report: { ...APPLIED.report, steps: [{ ...first, outcome: 'cancelled' }] } });
    expect(stopped[first.key]?.state).toEqual({ kind: 'cancelled' });
  });
});

describe('ApplyWorking', () => {
  it('shows the progress given, Stop, and the hint only when given', () => {
    const onStop = vi.fn();
    const { unmount } = render(
      <ApplyWorking testId="w" stopTestId="w-stop" onStop={onStop} hint="Stops before the next change.">
        <p>Working with Nylas…</p>
      </ApplyWorking>,
    );
    expect(screen.getByTestId('w').textContent).toBe('Working with Nylas…StopStops before the next change.');
    fireEvent.click(screen.getByTestId('w-stop'));
    expect(onStop).toHaveBeenCalledTimes(1);
    unmount();
    render(
      <ApplyWorking testId="w2" stopTestId="w2-stop" onStop={onStop}>
        <p>Starting…</p>
      </ApplyWorking>,
    );
    expect(screen.getByTestId('w2').querySelector('.field-hint')).toBeNull();
  });
});

describe('PlanResult', () => {
  it('shows the title, the verdict, the view’s ticks and what changed, and reads again', () => {
    const onAgain = vi.fn();
    render(
      <PlanResult
        testIds={{ result: 'r', verdict: 'r-verdict', again: 'r-again' }}
        title="Done"
        verdict="Nylas is configured."
        headingRef={{ current: null }}
        changes={APPLIED.changes}
        onAgain={onAgain}
      >
        <p data-testid="r-ticks">ticks</p>
      </PlanResult>,
    );
    expect(screen.getByRole('heading', { name: 'Done' }).tabIndex).toBe(-1);
    expect(screen.getByTestId('r-verdict').textContent).toBe('Nylas is configured.');
    expect(screen.getByTestId('r').contains(screen.getByTestId('r-ticks'))).toBe(true);
    expect(screen.getByTestId('just-changed')).toBeTruthy();
    fireEvent.click(screen.getByTestId('r-again'));
    expect(onAgain).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('r-again').textContent).toBe('Read Nylas again');
  });
});
