// The progress and result parts of a plan being applied, shared by the step
// views on the one plan/apply engine: the ticks per step (icon and words,
// never colour alone), the "working" panel with Stop, and the result with
// what just changed. Test ids and wording come from the view.

import type { ComponentChildren, Ref } from 'preact';
import type { ConfigureApplied } from '../api';
import type { Change } from '../bindings/Change';
import type { PlanStep } from '../bindings/PlanStep';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { StepOutcome } from '../bindings/StepOutcome';
import { JustChanged } from './change-list';

/** Icon and words per state: never colour alone. */
const MARK: Record<'waiting' | 'started' | 'retrying' | StepOutcome, { icon: string; word: string }> = {
  waiting: { icon: '○', word: 'Not started' },
  started: { icon: '…', word: 'In progress' },
  retrying: { icon: '↻', word: 'Waiting to try again' },
  created: { icon: '✓', word: 'Added' },
  updated: { icon: '✓', word: 'Changed' },
  already_done: { icon: '✓', word: 'Already right' },
  failed: { icon: '✗', word: 'Failed' },
  cancelled: { icon: '■', word: 'Stopped' },
  not_run: { icon: '○', word: 'Not done' },
};

function stateOf(e: ProgressEvent | undefined): keyof typeof MARK {
  if (e === undefined) return 'waiting';
  switch (e.state.kind) {
    case 'started':
      return 'started';
    case 'retrying':
      return 'retrying';
    case 'done':
      return e.state.outcome;
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

/** The steps as Rust reports them while applying, or how each ended. */
export function Ticks({ steps, heard }: { steps: PlanStep[]; heard: Record<string, ProgressEvent | undefined> }) {
  return (
    <ol class="create-calls create-calls-live" data-testid="configure-ticks">
      {steps.map((s) => {
        const e = heard[s.key];
        const state = stateOf(e);
        const mark = MARK[state];
        return (
          <li key={s.key} class={`create-call is-${state}`} data-testid={`configure-tick-${s.key}`} data-state={state}>
            <span class="create-call-mark" aria-hidden="true">
              {mark.icon}
            </span>
            <span class="visually-hidden">{mark.word}: </span>
            <span>
              {s.summary} <span class="muted small">({mark.word})</span>
              {e?.state.kind === 'retrying' && (
                <span class="muted small" data-testid="configure-retrying">
                  {' '}
                  Nylas asked the wizard to slow down or didn't answer; trying again in{' '}
                  {Math.max(1, Math.round(e.state.wait_ms / 1000))} s (attempt {e.state.attempt}).
                </span>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** What the run ended with, as events, from the report (same shape as the ticks). */
export function fromReport(done: Pick<ConfigureApplied, 'report'>): Record<string, ProgressEvent> {
  const out: Record<string, ProgressEvent> = {};
  done.report.steps.forEach((s, index) => {
    out[s.key] = {
      key: s.key,
      index,
      total: done.report.steps.length,
      state: s.outcome === 'cancelled' ? { kind: 'cancelled' } : { kind: 'done', outcome: s.outcome },
    };
  });
  return out;
}

/** While applying: the progress (the view's), Stop, and an optional hint beside it. */
export function ApplyWorking({
  testId,
  stopTestId,
  onStop,
  hint,
  children,
}: {
  testId: string;
  stopTestId: string;
  onStop: () => void;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="fix-preview" data-testid={testId}>
      {children}
      <div class="finding-actions">
        <button type="button" class="btn btn-secondary" onClick={onStop} data-testid={stopTestId}>
          Stop
        </button>
        {hint !== undefined && <p class="field-hint">{hint}</p>}
      </div>
    </div>
  );
}

/** The run's result: a focusable title, the verdict, the ticks (if any), what changed, and "Read Nylas again". */
export function PlanResult({
  testIds,
  title,
  verdict,
  headingRef,
  changes,
  onAgain,
  children,
}: {
  testIds: { result: string; verdict: string; again: string };
  title: string;
  verdict: string;
  headingRef: Ref<HTMLHeadingElement>;
  changes: Change[];
  onAgain: () => void;
  children?: ComponentChildren;
}) {
  return (
    <div class="create-done" data-testid={testIds.result}>
      <h3 class="live-facts-title" tabIndex={-1} ref={headingRef}>
        {title}
      </h3>
      <p class="note" role="status" data-testid={testIds.verdict}>
        {verdict}
      </p>
      {children}
      <JustChanged changes={changes} />
      <div class="finding-actions">
        <button type="button" class="btn btn-secondary" data-testid={testIds.again} onClick={onAgain}>
          Read Nylas again
        </button>
      </div>
    </div>
  );
}
