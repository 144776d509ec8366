// Path B's "Teams integration": the Microsoft Teams integration of the Nylas
// v2 app on Nylas's beta service. Rust reads the integrations Nylas has
// (never making a second one) and plans in plain words; the Azure app's last
// Teams check gates it (its failures named, with the step that fixes them);
// an existing integration with other settings is shown before → after and
// changed only after the admin ticks that they agree. Applying streams
// progress (Stop cancels) and records the change with how to undo it. This
// view only displays; the inputs are uncontrolled and read on click.

import { useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { TeamsApplied, TeamsChoices, TeamsPlanView } from '../api';
import type { PlanStep } from '../bindings/PlanStep';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import { ErrorCard } from '../components/error-card';
import { AlertIcon, CheckCircleIcon, XCircleIcon } from '../components/icons';
import { PlanStepItem, type PlanStepTestIds } from '../components/plan-step-item';
import { MissingSteps, PlanPanel } from '../components/plan-panel';
import { ApplyWorking, PlanResult } from '../components/plan-progress';
import { usePlanApply } from '../components/use-plan-apply';
import { lastAudit } from '../components/summary-panel';
import type { StepViewProps } from './types';
import '../styles/live.css';
import '../styles/create-app.css';
import '../styles/configure.css';

const ACTION: Record<PlanStep['action'], string> = {
  create: 'Will be created',
  update: 'Will be changed',
  nothing_to_do: 'Already right',
};

/** An integration setting in plain words. */
const FIELD: Record<string, string> = {
  name: 'Name',
  'settings.client_id': 'Azure client ID',
  'settings.client_secret': 'Azure client secret',
  'settings.tenant': 'Tenant',
  redirect_uris: 'Redirect URIs',
  expires_in: 'Token lifetime (seconds)',
};

const REDIRECT_MARK: Record<TeamsPlanView['redirect_state'], { word: string; verdict: string }> = {
  matches: { word: 'Checked', verdict: 'verdict-pass' },
  no_match: { word: 'Problem', verdict: 'verdict-fail' },
  unknown: { word: 'Not checked', verdict: 'verdict-warn' },
};

/** Lines of the redirect URI box, blanks dropped. */
function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function progressWord(e: ProgressEvent | undefined): string {
  if (e === undefined) return 'Starting…';
  switch (e.state.kind) {
    case 'started':
      return 'Working with Nylas…';
    case 'retrying':
      return `Nylas asked the wizard to slow down or didn't answer; trying again in ${Math.max(1, Math.round(e.state.wait_ms / 1000))} s (attempt ${e.state.attempt}).`;
    case 'done':
      return 'Done.';
    case 'failed':
      return 'Failed.';
    case 'cancelled':
      return 'Stopped.';
  }
}

function verdict(done: TeamsApplied): { ok: boolean; text: string } {
  const step = done.report.steps[0];
  const id = step?.ids[0];
  const idText = id !== undefined ? ` Its ID is ${id}.` : '';
  switch (step?.outcome) {
    case 'created':
      return { ok: true, text: `The Teams integration is created.${idText} Next, connect your users' accounts.` };
    case 'updated':
      return { ok: true, text: `The Teams integration is changed.${idText} Next, connect your users' accounts.` };
    case 'already_done':
      return { ok: true, text: `The Teams integration was already right.${idText}` };
    case 'cancelled':
      return { ok: false, text: 'Stopped. Running it again finishes safely: an integration made is found, never made twice.' };
    default:
      return { ok: false, text: 'Not finished. The problem and its fix are below.' };
  }
}

/** The test ids the e2e tests find the integration step's parts by. */
const STEP_TEST_IDS: PlanStepTestIds = { item: 'teams-step', diff: 'teams-diff', request: 'teams-request' };

export function TeamsIntegrationStep({ ctx }: StepViewProps) {
  const [heard, setHeard] = useState<ProgressEvent | undefined>(undefined);
  const [agreed, setAgreed] = useState(false);
  const [needAgree, setNeedAgree] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const urisInput = useRef<HTMLTextAreaElement>(null);
  const expiresInput = useRef<HTMLInputElement>(null);

  /** What the boxes say now (blank: the default). */
  const choices = (): TeamsChoices => {
    const expires = expiresInput.current?.value.trim() ?? '';
    const n = Number(expires);
    return {
      name: nameInput.current?.value.trim() || null,
      redirect_uris: linesOf(urisInput.current?.value ?? ''),
      // Not a whole number: sent as 0, which Rust refuses in plain words.
      expires_in: expires === '' ? null : Number.isSafeInteger(n) && n >= 0 ? n : 0,
    };
  };

  const { view, planning, applying, done, error, planFailed, resultHeading, plan, goBack, run, stop, again } =
    usePlanApply<TeamsPlanView, TeamsApplied>({
      ctx,
      read: () => api.planTeamsIntegration(lastAudit(), choices()),
      command: 'apply_teams_integration',
      onPlanned: () => {
        setAgreed(false);
        setNeedAgree(false);
      },
    });

  const apply = async () => {
    if (view?.needs_confirmation === true && !agreed) {
      setNeedAgree(true);
      return;
    }
    setHeard(undefined);
    await run(() => api.applyTeamsIntegration(lastAudit(), choices(), agreed, (e) => setHeard(e)));
  };

  const step = view?.plan?.steps[0] ?? null;
  const region = view?.region === 'eu' ? 'EU' : 'US';
  const mark = view !== null ? REDIRECT_MARK[view.redirect_state] : null;
  const ready = view !== null && view.missing.length === 0 && view.blocked === null;

  return (
    <section class="step-section live-check teams-integration" aria-labelledby="teams-title" data-testid="teams-integration">
      <h2 class="group-title" id="teams-title">
        Create the Microsoft Teams integration
      </h2>
      <p class="group-help">
        Nylas creates Teams meetings through an integration of your Nylas v2 application that uses your Azure app. The
        wizard looks at what your application has first and never makes a second integration. Nothing is sent until
        you confirm.
      </p>

      {view !== null && view.missing.length > 0 && (
        <MissingSteps
          prefix="teams"
          heading="Before the integration can be made, an earlier step needs finishing:"
          missing={view.missing}
          onGoBack={(step) => void goBack(step)}
        />
      )}

      {view?.blocked != null && (
        <div class="note configure-missing" data-testid="teams-blocked" role="alert">
          <p>
            <strong>{view.blocked.message}</strong>
          </p>
          {view.blocked.hint !== null && <p>{view.blocked.hint}</p>}
          <button
            type="button"
            class="btn btn-secondary btn-small"
            data-testid="teams-goto-azure-app"
            onClick={() => void goBack('azure-app')}
          >
            Go back to the Azure app step
          </button>
        </div>
      )}

      {ready && (
        <>
          <dl class="configure-facts" data-testid="teams-facts">
            <dt>Nylas v2 application</dt>
            <dd>
              <code>{view.nylas_v2?.client_id}</code> ({region} region)
            </dd>
            <dt>Who can connect</dt>
            <dd data-testid="teams-tenancy">
              {view.multitenant ? (
                <>Any Microsoft organization (tenant <code>common</code>)</>
              ) : (
                <>
                  Your organization only (tenant <code>{view.tenant}</code>)
                </>
              )}
            </dd>
            <dt>Secrets used</dt>
            <dd data-testid="teams-secrets">
              Your Azure app's client secret <code>{view.azure_secret_hint}</code> goes into the integration; your Nylas
              v2 client secret <code>{view.nylas_secret_hint}</code> signs the requests. Neither is shown here or
              written to any file.
            </dd>
          </dl>

          {mark !== null && (
            <p class={`verdict ${mark.verdict}`} data-testid="teams-redirect-check" data-state={view.redirect_state}>
              {view.redirect_state === 'matches' ? (
                <CheckCircleIcon size={16} />
              ) : view.redirect_state === 'no_match' ? (
                <XCircleIcon size={16} />
              ) : (
                <AlertIcon size={16} />
              )}
              <span class="visually-hidden">{mark.word}: </span>
              <span>{view.redirect_sentence}</span>
            </p>
          )}

          <details class="field-block" data-testid="teams-options">
            <summary>Name, redirect URIs and token lifetime (optional)</summary>
            <label class="field-label" for="teams-name">
              Name
            </label>
            <input
              id="teams-name"
              ref={nameInput}
              class="text-input"
              autoComplete="off"
              // Uncontrolled: a plan arriving must never overwrite typing.
              defaultValue={view.name}
              data-testid="teams-name"
            />
            <label class="field-label" for="teams-uris">
              Redirect URIs, one per line
            </label>
            <p class="field-hint" id="teams-uris-help">
              Where Nylas may send people back after they connect Teams. At least one must be registered on your Azure
              app. The defaults are Nylas's Teams address and this wizard's own, used in the next step.
            </p>
            <textarea
              id="teams-uris"
              ref={urisInput}
              class="text-input mono"
              rows={3}
              spellcheck={false}
              autoComplete="off"
              aria-describedby="teams-uris-help"
              defaultValue={view.redirect_uris.join('\n')}
              data-testid="teams-uris"
            />
            <label class="field-label" for="teams-expires">
              Token lifetime in seconds
            </label>
            <p class="field-hint" id="teams-expires-help">
              Leave it as it is unless Nylas told you otherwise: {view.default_expires_in} seconds is 14 days.
            </p>
            <input
              id="teams-expires"
              ref={expiresInput}
              class="text-input"
              inputMode="numeric"
              autoComplete="off"
              aria-describedby="teams-expires-help"
              defaultValue={String(view.expires_in)}
              data-testid="teams-expires"
            />
            <div class="finding-actions">
              <button type="button" class="btn btn-secondary" data-testid="teams-replan" onClick={() => void plan()}>
                Update the plan
              </button>
            </div>
          </details>
        </>
      )}

      {planning && !applying && (
        <p class="field-hint" role="status" data-testid="teams-planning">
          Reading what your Nylas v2 application has…
        </p>
      )}

      {step !== null && done === null && !applying && (
        <PlanPanel
          testIds={{ plan: 'teams-plan', confirm: 'teams-confirm', replan: 'teams-reread' }}
          title={step.action === 'nothing_to_do' ? 'Everything is already right' : 'What will change in Nylas'}
          confirmLabel={
            step.action === 'create'
              ? 'Create the integration'
              : step.action === 'update'
                ? 'Change the integration'
                : 'Check it again'
          }
          planning={planning}
          onConfirm={() => void apply()}
          onReplan={() => void plan()}
        >
          <ol class="configure-steps">
            <PlanStepItem step={step} actions={ACTION} fields={FIELD} testIds={STEP_TEST_IDS} />
          </ol>
          {view?.needs_confirmation === true && (
            <label class="check-option" data-testid="teams-agree-row">
              <input
                type="checkbox"
                checked={agreed}
                onChange={(e) => {
                  setAgreed((e.target as HTMLInputElement).checked);
                  setNeedAgree(false);
                }}
                data-testid="teams-agree"
              />
              <span>I understand the existing integration will be changed as shown above.</span>
            </label>
          )}
          {needAgree && (
            <p class="verdict verdict-fail" role="alert" data-testid="teams-agree-needed">
              <XCircleIcon size={16} />
              <span>Tick the box first: changing the integration can make people connect Teams again.</span>
            </p>
          )}
        </PlanPanel>
      )}

      {applying && (
        <ApplyWorking testId="teams-working" stopTestId="teams-stop" onStop={() => void stop()}>
          <p role="status" aria-live="polite" data-testid="teams-progress">
            {progressWord(heard)}
          </p>
        </ApplyWorking>
      )}

      {error !== null && <ErrorCard error={error} onRetry={planFailed ? () => void plan() : undefined} busy={planning} />}

      {done !== null && (
        <PlanResult
          testIds={{ result: 'teams-result', verdict: 'teams-verdict', again: 'teams-again' }}
          title={verdict(done).ok ? 'Done' : 'Not finished'}
          verdict={verdict(done).text}
          headingRef={resultHeading}
          changes={done.changes}
          onAgain={again}
        />
      )}
    </section>
  );
}
