// The plan → confirm → apply cycle every step view on the one plan/apply
// engine runs: read the plan (an older answer arriving late never replaces
// a newer one), apply it and show what Rust returned, Stop, go back to an
// earlier step, and focus the result when it lands. Each view keeps its own
// wording, inputs and progress display.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import type { WizardError } from '../bindings/WizardError';
import type { StepContext } from '../steps/types';

/** What an apply command answers: the new progress and a report per step. */
export interface AppliedLike {
  progress: ProgressView;
  report: { steps: Array<{ error: WizardError | null }> };
}

export interface PlanApplyOptions<V> {
  ctx: StepContext;
  /** Read the plan (called on mount and whenever the view asks). */
  read: () => Promise<V>;
  /** The apply command's name, for Stop. */
  command: string;
  /** After a plan is read: reset what the view keeps per plan. */
  onPlanned?: () => void;
}

export function usePlanApply<V, D extends AppliedLike>({ ctx, read, command, onPlanned }: PlanApplyOptions<V>) {
  const [view, setView] = useState<V | null>(null);
  const [planning, setPlanning] = useState(true);
  const [applying, setApplying] = useState(false);
  const [done, setDone] = useState<D | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  // Reading the plan failed: the error card offers to read again.
  const [planFailed, setPlanFailed] = useState(false);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const seq = useRef(0);
  // The newest closures: a view's read uses its inputs as they are now.
  const latest = useRef({ read, onPlanned });
  latest.current = { read, onPlanned };

  const plan = async () => {
    const mine = ++seq.current;
    setPlanning(true);
    try {
      const v = await latest.current.read();
      if (mine !== seq.current) return;
      setView(v);
      setError(null);
      setPlanFailed(false);
      latest.current.onPlanned?.();
    } catch (e) {
      if (mine !== seq.current) return;
      setError(toWizardError(e));
      setPlanFailed(true);
    } finally {
      if (mine === seq.current) setPlanning(false);
    }
  };

  useEffect(() => {
    void plan();
  }, []);

  useEffect(() => {
    if (done !== null) resultHeading.current?.focus();
  }, [done]);

  const goBack = async (step: string) => {
    try {
      ctx.applyProgress(await api.goToStep(step));
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  /** Apply; a refusal `refused` handles (returns true) is not shown as an error card. */
  const run = async (call: () => Promise<D>, refused?: (err: WizardApiError) => boolean) => {
    setApplying(true);
    setError(null);
    setDone(null);
    setPlanFailed(false);
    try {
      const result = await call();
      ctx.applyProgress(result.progress);
      setDone(result);
      const failed = result.report.steps.find((s) => s.error !== null);
      if (failed?.error != null) setError(toWizardError(failed.error));
    } catch (e) {
      const err = toWizardError(e);
      if (refused?.(err) !== true) setError(err);
    } finally {
      setApplying(false);
    }
  };

  const stop = async () => {
    try {
      await api.cancelRemote(command);
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  /** "Read Nylas again" after a result: back to the plan. */
  const again = () => {
    setDone(null);
    void plan();
  };

  return { view, planning, applying, done, setDone, error, setError, planFailed, resultHeading, plan, goBack, run, stop, again };
}
