// Path A's "Configure Nylas": the Microsoft connector, the callback URIs and
// a credential per additional tenant. Rust reads what Nylas has and plans
// (each step in plain words: what it does, whether it is safe, before →
// after for an existing connector, the exact request with secrets hidden);
// the admin confirms; Rust applies step by step, streaming progress through
// a channel (Stop cancels), and records each change with how to undo it.
// This view only displays. What is missing names the step to go back to.

import { useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type ConfigureApplied, type ConfigurePlanView, type MissingPrerequisite } from '../api';
import type { PlanStep } from '../bindings/PlanStep';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { StepOutcome } from '../bindings/StepOutcome';
import { ErrorCard } from '../components/error-card';
import { XCircleIcon } from '../components/icons';
import { PlanStepItem, type PlanStepTestIds } from '../components/plan-step-item';
import { PlanPanel } from '../components/plan-panel';
import { ApplyWorking, PlanResult, Ticks, fromReport } from '../components/plan-progress';
import { usePlanApply } from '../components/use-plan-apply';
import type { StepViewProps } from './types';
import '../styles/live.css';
import '../styles/create-app.css';
import '../styles/configure.css';

export const ACTION: Record<PlanStep['action'], string> = {
  create: 'Will be added',
  update: 'Will be changed',
  nothing_to_do: 'Already right',
};

/** What is missing, grouped by the step that provides it (in order). */
function byStep(missing: MissingPrerequisite[]): Array<[string, MissingPrerequisite[]]> {
  const groups = new Map<string, MissingPrerequisite[]>();
  for (const m of missing) groups.set(m.step, [...(groups.get(m.step) ?? []), m]);
  return [...groups.entries()];
}

/** A connector setting's name as the Nylas dashboard says it. */
export const FIELD: Record<string, string> = {
  'settings.client_id': 'Client ID',
  'settings.client_secret': 'Client secret',
  'settings.tenant': 'Tenant',
  scope: 'Permissions (scopes)',
};

/** Additional tenants as typed: one per line, or separated by commas. */
function tenantsOf(text: string): string[] {
  return text
    .split(/[\n,;]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** The test ids the e2e tests find a configure step's parts by. */
export function stepTestIds(step: PlanStep): PlanStepTestIds {
  return {
    item: `configure-step-${step.key}`,
    safety: 'configure-safety',
    diff: 'configure-diff',
    before: 'configure-before',
    after: 'configure-after',
    request: 'configure-request',
  };
}

function succeeded(done: ConfigureApplied): boolean {
  const ok: StepOutcome[] = ['created', 'updated', 'already_done'];
  return !done.report.cancelled && done.report.steps.every((s) => ok.includes(s.outcome));
}

function verdict(done: ConfigureApplied, migration: boolean, bulk: boolean): string {
  const r = done.report;
  const count = (o: StepOutcome) => r.steps.filter((s) => s.outcome === o).length;
  const parts = [
    count('created') > 0 ? `${count('created')} added` : null,
    count('updated') > 0 ? `${count('updated')} changed` : null,
    count('already_done') > 0 ? `${count('already_done')} already right` : null,
  ].filter((p): p is string => p !== null);
  const summary = parts.length > 0 ? ` (${parts.join(', ')})` : '';
  if (r.cancelled) return `Stopped${summary}. Running it again finishes the rest without adding anything twice.`;
  if (r.steps.some((s) => s.outcome === 'failed')) return `Not finished${summary}. The problem and its fix are below.`;
  if (migration) return `The Microsoft connector now uses your new Azure app${summary}. You can go on to your accounts.`;
  if (bulk) return `Nylas is configured${summary}. You can go on to your tenants.`;
  return `Nylas is configured${summary}. You can go on to the test sign-in.`;
}

export function ConfigureNylasStep({ ctx }: StepViewProps) {
  const { view, planning, applying, done, setDone, error, planFailed, resultHeading, plan, goBack, run, stop, again } =
    usePlanApply<ConfigurePlanView, ConfigureApplied>({
      ctx,
      read: () => api.planConfigureNylas(),
      command: 'apply_configure_nylas',
    });
  const [heard, setHeard] = useState<Record<string, ProgressEvent | undefined>>({});
  const [stopped, setStopped] = useState(false);
  const [tenantError, setTenantError] = useState<string | null>(null);
  const tenantsInput = useRef<HTMLTextAreaElement>(null);

  /** Save the additional tenants (Rust checks each), then plan again. */
  const saveTenants = async () => {
    const list = tenantsOf(tenantsInput.current?.value ?? '');
    try {
      ctx.applyProgress(await api.setAnswer({ key: 'additional_tenants', value: list }));
      setTenantError(null);
      setDone(null);
      void plan();
    } catch (e) {
      setTenantError(toWizardError(e).message);
      tenantsInput.current?.focus();
    }
  };

  const apply = () => {
    setStopped(false);
    setHeard({});
    return run(
      () => api.applyConfigureNylas((e) => setHeard((h) => ({ ...h, [e.key]: e }))),
      (err) => {
        // Stopped before the first change (while Nylas was read again).
        if (err.code !== 'cancelled') return false;
        setStopped(true);
        void plan();
        return true;
      },
    );
  };

  const steps = view?.plan?.steps ?? [];
  const writes = steps.filter((s) => s.action !== 'nothing_to_do').length;
  const app = view?.application ?? null;
  const region = view?.region === 'eu' ? 'EU' : 'US';
  // Path D: the connector Nylas's v2 import made takes the new app's settings.
  const migration = view?.migration ?? ctx.path.id === 'migrate';
  // Path E: no test sign-in; the tenants' admins come back after consent,
  // and its tenants get admin-consent credentials in their own step.
  const bulk = ctx.path.id === 'bulk';

  return (
    <section class="step-section live-check configure-nylas" aria-labelledby="configure-title" data-testid="configure-nylas">
      <h2 class="group-title" id="configure-title">
        {migration ? 'Point the imported Microsoft connector at your new app' : 'Set up your Nylas application'}
      </h2>
      {migration ? (
        <p class="group-help" data-testid="configure-migration-help">
          When Nylas imported your v2 application it made a Microsoft connector that still carries your old
          settings. The wizard gives it your new Azure app: client ID, client secret, tenant and the Graph
          permissions translated from your v2 scopes (with offline_access so Nylas can stay connected). It reads
          what the connector has first and shows each setting as it is now and as it will be. Nothing is removed,
          and nothing is sent until you confirm.
        </p>
      ) : bulk ? (
        <p class="group-help" data-testid="configure-bulk-help">
          The wizard gives Nylas your Azure app: the Microsoft connector (client ID, client secret, tenant and the
          permissions you chose, with offline_access so Nylas can stay connected), your callback URIs and the address
          on this computer that each tenant's admin comes back to after giving consent. It reads what Nylas has first
          and changes only what differs. Nothing is removed, and nothing is sent until you confirm.
        </p>
      ) : (
        <p class="group-help">
          The wizard gives Nylas your Azure app: the Microsoft connector (client ID, client secret, tenant and the
          permissions you chose, with offline_access so Nylas can stay connected), your callback URIs and the test
          sign-in's address. It reads what Nylas has first and changes only what differs. Nothing is removed, and
          nothing is sent until you confirm.
        </p>
      )}

      {view !== null && view.missing.length > 0 && (
        <div class="note configure-missing" data-testid="configure-missing" role="status">
          <p>
            <strong>Before Nylas can be set up, an earlier step needs finishing:</strong>
          </p>
          <ul>
            {byStep(view.missing).map(([step, items]) => (
              <li key={step} data-testid={`configure-missing-${step}`}>
                <ul class="configure-missing-items">
                  {items.map((m) => (
                    <li key={m.what}>{m.what}</li>
                  ))}
                </ul>
                <button
                  type="button"
                  class="btn btn-secondary btn-small"
                  data-testid={`configure-goto-${step}`}
                  onClick={() => void goBack(step)}
                >
                  Go back to {items[0]?.step_title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {view !== null && view.missing.length === 0 && (
        <>
          <dl class="configure-facts" data-testid="configure-facts">
            <dt>Nylas application</dt>
            <dd>
              {app?.name ?? 'Your application'} <code>{app?.application_id}</code> ({region} region)
            </dd>
            <dt>Secrets used</dt>
            <dd data-testid="configure-secrets">
              Your Azure app's client secret <code>{view.client_secret_hint}</code> goes into the connector; your
              Nylas API key <code>{view.api_key_hint}</code> signs the requests. Neither is shown here or written to
              any file.
            </dd>
          </dl>

          {!bulk && (
            <div class="field-block">
              <label class="field-label" for="configure-tenants">
                Other organizations that sign in <span class="optional">(optional)</span>
              </label>
              <p class="field-hint" id="configure-tenants-help">
                Only if people from other Microsoft 365 organizations connect through your app: their tenant ID or
                domain, one per line. Each gets its own connector credential.
              </p>
              <div class="field-row">
                <textarea
                  id="configure-tenants"
                  ref={tenantsInput}
                  class="text-input mono"
                  rows={2}
                  spellcheck={false}
                  autoComplete="off"
                  placeholder="fabrikam.com"
                  // Uncontrolled: a plan arriving must never overwrite typing.
                  defaultValue={view.additional_tenants.join('\n')}
                  aria-invalid={tenantError !== null ? 'true' : undefined}
                  aria-describedby={tenantError !== null ? 'configure-tenants-error' : 'configure-tenants-help'}
                  data-testid="configure-tenants"
                />
                <button type="button" class="btn btn-secondary" data-testid="configure-tenants-save" onClick={() => void saveTenants()}>
                  Update the plan
                </button>
              </div>
              {tenantError !== null && (
                <p class="verdict verdict-fail" id="configure-tenants-error" data-testid="configure-tenants-error">
                  <XCircleIcon size={16} />
                  <span>{tenantError}</span>
                </p>
              )}
            </div>
          )}
        </>
      )}

      {planning && !applying && (
        <p class="field-hint" role="status" data-testid="configure-planning">
          Reading what your Nylas application has…
        </p>
      )}

      {view?.plan != null && done === null && !applying && (
        <PlanPanel
          testIds={{ plan: 'configure-plan', confirm: 'configure-confirm', replan: 'configure-replan' }}
          title={writes === 0 ? 'Everything is already right' : 'What will change in Nylas'}
          confirmLabel={
            writes === 0 ? 'Check it again' : writes === 1 ? 'Make this change in Nylas' : `Make these ${writes} changes in Nylas`
          }
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
        <ApplyWorking
          testId="configure-working"
          stopTestId="configure-stop"
          onStop={() => void stop()}
          hint="Stops before the next change. Running it again later finishes the rest safely."
        >
          <p>Working with Nylas…</p>
          <div role="status" aria-live="polite">
            <Ticks steps={steps} heard={heard} />
          </div>
        </ApplyWorking>
      )}

      {stopped && !applying && (
        <p class="field-hint" role="status" data-testid="configure-stopped">
          Stopped before anything was changed.
        </p>
      )}
      {error !== null && (
        <ErrorCard error={error} onRetry={planFailed ? () => void plan() : undefined} busy={planning} />
      )}

      {done !== null && (
        <PlanResult
          testIds={{ result: 'configure-result', verdict: 'configure-verdict', again: 'configure-again' }}
          title={succeeded(done) ? 'Done' : done.report.cancelled ? 'Stopped' : 'Not finished'}
          verdict={verdict(done, migration, bulk)}
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
