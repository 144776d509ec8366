// Connect accounts (path C): each person signs in with their Microsoft
// account in the browser, and Rust hands the sign-in's refresh token to
// Nylas v2 (native auth, Microsoft Graph for events). Rust builds the plan
// from the answers (what Microsoft is asked for, each authorization, what
// shared calendars mean for webhooks and billing), checks the secrets,
// opens the page, waits (Cancel stops it) and connects; this view shows it.
// Replacing existing accounts needs the admin to tick a box naming the
// consequence Rust words. Text inputs are uncontrolled; no token, code or
// secret ever reaches the window.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, WizardApiError, type NativeAuthStarted } from '../api';
import type { NativeAuthOutcome } from '../bindings/NativeAuthOutcome';
import type { NativeAuthPlan } from '../bindings/NativeAuthPlan';
import type { NativeAuthProgress } from '../bindings/NativeAuthProgress';
import { Callout } from '../components/callout';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import type { StepViewProps } from './types';
import '../styles/test-sign-in.css';

type Phase = 'idle' | 'starting' | 'waiting';

function progressLine(e: NativeAuthProgress, plan: NativeAuthPlan | null): string {
  const total = plan?.authorizations.length ?? 1;
  switch (e.state) {
    case 'signed_in':
      return `✓ Signed in as ${e.email}`;
    case 'authorizing':
      return `… ${e.index + 1} of ${total}: ${e.purpose}`;
    case 'connected':
      return `✓ ${e.index + 1} of ${total}: account ${e.account_id}`;
    case 'failed':
      return `✗ ${e.index + 1} of ${total}: ${e.message}`;
  }
}

function PlanView({ plan }: { plan: NativeAuthPlan }) {
  const shared = plan.variant === 'shared-calendars';
  return (
    <section class="step-section" aria-labelledby="na-what" data-testid="native-auth-plan">
      <h2 class="group-title" id="na-what">
        What happens for each person
      </h2>
      <ol class="group-help">
        <li>
          They sign in at Microsoft with your Azure app ({plan.azure_client_id}) and accept:{' '}
          <span data-testid="native-auth-scopes">{plan.permissions.join('; ')}</span>.
        </li>
        {plan.authorizations.map((a, i) => (
          <li key={i} data-testid={`native-auth-authorization-${i}`}>
            Nylas v2 gets the sign-in for <strong>{a.purpose}</strong> (provider <code>{a.provider}</code>, scopes{' '}
            <code>{a.scopes}</code>){a.reauth_account_id !== null && `, replacing account ${a.reauth_account_id}`}: one
            Nylas account.
          </li>
        ))}
      </ol>
      <div class="detail-block">
        <p class="field-hint">
          Your Azure app needs this address under Authentication → Platform configurations → Web (Microsoft sends the
          browser back to it, and Nylas is told it):
        </p>
        <CopyValue value={plan.redirect_uri} label="redirect URI" testId="native-auth-redirect-uri" />
      </div>
      <Callout
        tone={shared ? 'warning' : 'info'}
        title={shared ? 'Shared calendars: two accounts per person' : 'Good to know'}
        testId="native-auth-notes"
      >
        <ul>
          {plan.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      </Callout>
    </section>
  );
}

function CopyToken({ accountId, testId }: { accountId: string; testId: string }) {
  const [state, setState] = useState<'idle' | 'copied' | WizardApiError>('idle');
  const copy = () => {
    api
      .copyNativeAuthToken(accountId)
      .then(() => setState('copied'))
      .catch((e: unknown) => setState(toWizardError(e)));
  };
  return (
    <>
      <button type="button" class="btn btn-secondary btn-small" data-testid={testId} onClick={copy}>
        {state === 'copied' ? '✓ Access token copied' : 'Copy access token'}
      </button>
      {state instanceof WizardApiError && (
        <span class="field-hint" role="alert" data-testid={`${testId}-error`}>
          {' '}
          {state.message} {state.hint}
        </span>
      )}
    </>
  );
}

function Outcome({ outcome }: { outcome: NativeAuthOutcome }) {
  const ok = outcome.results.every((r) => r.account !== null);
  return (
    <li class="step-section" data-testid="native-auth-outcome">
      <h3 class="group-title">
        {ok ? '✓' : '⚠'} {outcome.name} ({outcome.email})
      </h3>
      <ul>
        {outcome.results.map((r, i) => (
          <li key={i} data-testid={`native-auth-result-${i}`}>
            {r.account !== null ? (
              <>
                ✓ {r.purpose}: account{' '}
                <CopyValue value={r.account.account_id} label="account ID" testId={`native-auth-account-${i}`} />{' '}
                <span class="field-hint">
                  ({r.account.provider}, billing {r.account.billing_state ?? 'unknown'})
                </span>{' '}
                <CopyToken accountId={r.account.account_id} testId={`native-auth-copy-token-${i}`} />
              </>
            ) : (
              <>
                ✗ {r.purpose}: {r.error?.message}
                {r.error?.hint !== undefined && r.error?.hint !== null && <span class="field-hint"> {r.error.hint}</span>}
              </>
            )}
          </li>
        ))}
      </ul>
    </li>
  );
}

export function NativeAuthStep({ ctx }: StepViewProps) {
  const practice = ctx.session.practice.enabled;
  const [plan, setPlan] = useState<NativeAuthPlan | null>(null);
  const [planError, setPlanError] = useState<WizardApiError | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [started, setStarted] = useState<NativeAuthStarted | null>(null);
  const [lines, setLines] = useState<string[]>([]);
  const [outcomes, setOutcomes] = useState<NativeAuthOutcome[]>([]);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [replaceNotice, setReplaceNotice] = useState<string | null>(null);
  const [stopped, setStopped] = useState(false);
  const hint = useRef<HTMLInputElement>(null);
  const reauth = useRef<(HTMLInputElement | null)[]>([]);
  const confirm = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api
      .planNativeAuth([], false)
      .then(setPlan)
      .catch((e: unknown) => setPlanError(toWizardError(e)));
    // Leaving the step: Rust forgets the access tokens kept for copying.
    return () => {
      void api.forgetNativeAuthTokens().catch(() => undefined);
    };
  }, []);

  const start = async () => {
    if (phase !== 'idle' || plan === null) return;
    const ids = reauth.current.map((i) => i?.value.trim() ?? '').filter((v) => v !== '');
    const confirmed = replaceNotice !== null && confirm.current?.checked === true;
    setPhase('starting');
    setError(null);
    setStopped(false);
    setLines([]);
    try {
      const email = hint.current?.value.trim() ?? '';
      const s = await api.startNativeAuth(ids, confirmed, email === '' ? null : email);
      setStarted(s);
      setPhase('waiting');
      const view = await api.finishNativeAuth((e) => setLines((l) => [...l, progressLine(e, s.plan)]));
      setOutcomes((o) => [...o, view.outcome]);
      ctx.applyProgress(view.progress);
      if (hint.current) hint.current.value = '';
    } catch (e) {
      const err = toWizardError(e);
      if (err.code === 'invalid_input' && ids.length > 0 && !confirmed) {
        // Rust refused the replacement and named its consequence: ask.
        setReplaceNotice(err.message);
      } else {
        setStopped(err.code === 'cancelled');
        setError(err.code === 'cancelled' ? null : err);
      }
    } finally {
      setPhase('idle');
      setStarted(null);
    }
  };

  const cancel = () => {
    const command = phase === 'starting' ? 'start_native_auth' : 'finish_native_auth';
    void api.cancelRemote(command).catch((e: unknown) => setError(toWizardError(e)));
  };

  if (planError !== null) {
    return (
      <div data-testid="native-auth-step">
        <ErrorCard error={planError} />
      </div>
    );
  }

  return (
    <div class="test-sign-in-step" data-testid="native-auth-step">
      <section class="step-section" aria-labelledby="na-intro">
        <h2 class="group-title" id="na-intro">
          Connect Microsoft 365 accounts to your Nylas v2 app
        </h2>
        <p class="group-help" data-testid="native-auth-explain">
          {practice
            ? 'A page of the practice simulator opens in the browser; approve it as a made-up Contoso user. Nothing real is touched.'
            : 'A browser window opens on Microsoft\u2019s sign-in page. The person whose account you connect signs in there (you can do this with each person, one after the other).'}{' '}
          The wizard hands Nylas the sign-in and never keeps it.
        </p>
      </section>

      {plan === null ? <p class="field-hint">Loading what will happen…</p> : <PlanView plan={plan} />}

      {plan !== null && (
        <form
          class="step-section field-block"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <label class="field-label" for="na-email">
            Email of the person to connect (optional)
          </label>
          <input
            ref={hint}
            id="na-email"
            class="text-input"
            type="email"
            autoComplete="off"
            spellcheck={false}
            placeholder="name@your-company.com"
            data-testid="native-auth-login-hint"
            disabled={phase !== 'idle'}
          />
          <details class="support-details" data-testid="native-auth-replace">
            <summary>Replace existing Nylas accounts instead of adding new ones</summary>
            <p class="field-hint">
              Only if these people are already connected and you want to re-authenticate their accounts. Leave empty to
              add new accounts.
            </p>
            {plan.authorizations.map((a, i) => (
              <div key={i}>
                <label class="field-label" for={`na-reauth-${i}`}>
                  Account ID to replace ({a.purpose})
                </label>
                <input
                  ref={(el) => {
                    reauth.current[i] = el;
                  }}
                  id={`na-reauth-${i}`}
                  class="text-input"
                  autoComplete="off"
                  spellcheck={false}
                  data-testid={`native-auth-reauth-${i}`}
                  disabled={phase !== 'idle'}
                />
              </div>
            ))}
          </details>
          {replaceNotice !== null && (
            <Callout tone="danger" title="Replacing accounts can't be undone here" testId="native-auth-replace-notice">
              <p>{replaceNotice}</p>
              <label>
                <input ref={confirm} type="checkbox" data-testid="native-auth-confirm-replace" /> Replace these
                accounts
              </label>
            </Callout>
          )}
          <button
            type="submit"
            class={outcomes.length > 0 ? 'btn btn-secondary' : 'btn btn-primary'}
            data-testid="native-auth-start"
            aria-disabled={phase !== 'idle' ? 'true' : undefined}
          >
            {phase !== 'idle' ? 'Connecting…' : outcomes.length > 0 ? 'Connect another person' : 'Sign in and connect'}
          </button>
        </form>
      )}

      <div aria-live="polite">
        {phase !== 'idle' && (
          <div class="note test-sign-in-waiting" role="status" data-testid="native-auth-waiting">
            <div class="test-sign-in-waiting-head">
              <p>
                <strong>
                  {phase === 'starting'
                    ? 'Opening Microsoft\u2019s sign-in page…'
                    : 'Waiting for the sign-in in the browser, then connecting to Nylas…'}
                </strong>
              </p>
              <button type="button" class="btn btn-secondary btn-small" data-testid="native-auth-cancel" onClick={cancel}>
                Cancel
              </button>
            </div>
            {started !== null && (
              <div class="detail-block">
                <p class="field-hint">
                  {started.opened
                    ? 'If no browser window opened, open this address yourself:'
                    : "Your browser didn't open by itself. Open this address in it:"}
                </p>
                <CopyValue value={started.authorize_url} label="sign-in address" testId="native-auth-url" />
              </div>
            )}
            <ul data-testid="native-auth-progress">
              {lines.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          </div>
        )}
        {stopped && phase === 'idle' && (
          <p class="field-hint" data-testid="native-auth-stopped">
            Stopped. Nothing more was sent to Nylas; start again when you're ready.
          </p>
        )}
      </div>

      {error !== null && <ErrorCard error={error} />}
      {outcomes.length > 0 && (
        <section aria-labelledby="na-done">
          <h2 class="group-title" id="na-done">
            Connected in this session
          </h2>
          <ul data-testid="native-auth-outcomes">
            {outcomes.map((o, i) => (
              <Outcome key={i} outcome={o} />
            ))}
          </ul>
          <p class="field-hint" data-testid="native-auth-token-note">
            Nylas hands out an account&apos;s access token only when it is connected. Your app needs it to call Nylas
            for that account: copy it now (it goes to the clipboard, never onto this page). The wizard forgets the
            tokens when you leave this step.
          </p>
        </section>
      )}
    </div>
  );
}
