// Path D's "Exchange on-premises": the EWS connector that Exchange accounts
// on the customer's own servers need in Nylas v3. Rust says whether it is
// needed (from the sorted v2 accounts), reads Nylas and plans (find it;
// create it only if missing); the admin confirms; Rust applies with
// progress on a channel (Stop cancels) and explains any refusal. This view
// only displays.

import { useState } from 'preact/hooks';
import * as api from '../api';
import type { EwsAppliedView, EwsPlanView } from '../api';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import { ErrorCard } from '../components/error-card';
import { PlanStepItem } from '../components/plan-step-item';
import { MissingSteps, PlanPanel } from '../components/plan-panel';
import { ApplyWorking, PlanResult, Ticks, fromReport } from '../components/plan-progress';
import { usePlanApply } from '../components/use-plan-apply';
import { ACTION, FIELD, stepTestIds } from './configure-nylas';
import type { StepViewProps } from './types';
import '../styles/live.css';
import '../styles/create-app.css';
import '../styles/configure.css';

function outcome(done: EwsAppliedView): string {
  const r = done.report;
  if (r.cancelled) return 'Stopped before the EWS connector was made. Running it again finishes it safely.';
  const step = r.steps[0];
  if (step === undefined) return 'Nothing was done.';
  switch (step.outcome) {
    case 'created':
      return 'The EWS connector is now in your Nylas application. Your Exchange on-premises users can sign in again with their password.';
    case 'already_done':
      return 'Your Nylas application already had the EWS connector: nothing was added.';
    case 'failed':
      return 'The EWS connector could not be made. What Nylas said, and what to do, is below.';
    default:
      return 'Not finished. Running it again finishes it safely.';
  }
}

export function MigrateEwsStep({ ctx }: StepViewProps) {
  const { view, planning, applying, done, error, planFailed, resultHeading, plan, goBack, run, stop, again } =
    usePlanApply<EwsPlanView, EwsAppliedView>({ ctx, read: () => api.planMigrateEws(), command: 'apply_migrate_ews' });
  const [heard, setHeard] = useState<Record<string, ProgressEvent | undefined>>({});

  const apply = () => {
    setHeard({});
    return run(
      () => api.applyMigrateEws((e) => setHeard((h) => ({ ...h, [e.key]: e }))),
      (err) => {
        if (err.code !== 'cancelled') return false;
        void plan();
        return true;
      },
    );
  };

  const steps = view?.plan?.steps ?? [];
  const writes = steps.filter((s) => s.action !== 'nothing_to_do').length;

  return (
    <section class="step-section live-check configure-nylas" aria-labelledby="ews-title" data-testid="migrate-ews">
      <h2 class="group-title" id="ews-title">
        Exchange on your own servers
      </h2>
      <p class="group-help">
        Nylas v3 connects Exchange accounts that run on your own servers (Exchange on-premises) through a separate
        EWS connector, next to the Microsoft connector. The wizard adds it only if your v2 accounts include such
        accounts and your Nylas application doesn't have it yet.
      </p>

      {view !== null && (
        <p
          class={`note ${view.need === 'not_needed' ? 'verdict-pass' : ''}`}
          role="status"
          data-testid="ews-need"
          data-need={view.need}
        >
          {view.need === 'not_needed' && (
            <>
              <strong>Not needed.</strong>{' '}
            </>
          )}
          {view.why}
        </p>
      )}

      {view !== null && view.missing.length > 0 && (
        <MissingSteps
          prefix="ews"
          heading="First, an earlier step needs finishing:"
          missing={view.missing}
          itemTestIds
          onGoBack={(step) => void goBack(step)}
        />
      )}

      {view?.need === 'needed' && view.missing.length === 0 && (
        <dl class="configure-facts" data-testid="ews-facts">
          <dt>Nylas application</dt>
          <dd>
            {view.application?.name ?? 'Your application'} <code>{view.application?.application_id}</code> (
            {view.region === 'eu' ? 'EU' : 'US'} region)
          </dd>
          <dt>Permissions</dt>
          <dd data-testid="ews-scopes">{view.scopes.join(', ')} (from your translated v2 scopes)</dd>
          <dt>Secret used</dt>
          <dd>
            Your Nylas API key <code>{view.api_key_hint}</code> signs the requests; it isn't shown here or written to
            any file.
          </dd>
        </dl>
      )}

      {planning && !applying && (
        <p class="field-hint" role="status" data-testid="ews-planning">
          Reading what your Nylas application has…
        </p>
      )}

      {view?.plan != null && done === null && !applying && (
        <PlanPanel
          testIds={{ plan: 'ews-plan', confirm: 'ews-confirm', replan: 'ews-replan' }}
          title={writes === 0 ? 'Everything is already right' : 'What will change in Nylas'}
          confirmLabel={writes === 0 ? 'Check it again' : 'Add the EWS connector in Nylas'}
          planning={planning}
          onConfirm={() => void apply()}
          onReplan={() => void plan()}
        >
          <ol class="configure-steps">
            {steps.map((s) => (
              <PlanStepItem key={s.key} step={s} actions={ACTION} fields={FIELD} testIds={stepTestIds(s)} />
            ))}
          </ol>
        </PlanPanel>
      )}

      {applying && (
        <ApplyWorking testId="ews-working" stopTestId="ews-stop" onStop={() => void stop()}>
          <p>Working with Nylas…</p>
          <div role="status" aria-live="polite">
            <Ticks steps={steps} heard={heard} />
          </div>
        </ApplyWorking>
      )}

      {error !== null && <ErrorCard error={error} onRetry={planFailed ? () => void plan() : undefined} busy={planning} />}

      {done !== null && (
        <PlanResult
          testIds={{ result: 'ews-result', verdict: 'ews-verdict', again: 'ews-again' }}
          title={
            done.report.steps.every((s) => s.outcome === 'created' || s.outcome === 'already_done') && !done.report.cancelled
              ? 'Done'
              : 'Not finished'
          }
          verdict={outcome(done)}
          headingRef={resultHeading}
          changes={done.changes}
          onAgain={again}
        >
          <Ticks steps={done.plan.steps} heard={fromReport(done)} />
        </PlanResult>
      )}
    </section>
  );
}
