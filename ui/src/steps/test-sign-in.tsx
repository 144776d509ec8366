// Test sign-in (path A): a real Microsoft 365 account signs in through
// Nylas hosted auth in the system browser. Rust checks the key and the
// registered callback, opens the page, waits (Cancel stops it), exchanges
// the code and reads the grant; this view shows what Rust answers: the
// email, the grant's status and each scope granted or missing, or the
// refusal with Diagnose's explanation and fix. No token, code or key ever
// reaches the window. The email field is uncontrolled.

import { useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type TestSignInStarted, type WizardApiError } from '../api';
import type { ScopeVerdict } from '../bindings/ScopeVerdict';
import type { TestSignInOutcome } from '../bindings/TestSignInOutcome';
import type { TestSignInRefusal } from '../bindings/TestSignInRefusal';
import type { TestSignInResult } from '../bindings/TestSignInResult';
import { Callout } from '../components/callout';
import { CopyValue } from '../components/copy-value';
import { DiagnosisCard } from '../components/diagnose';
import { ErrorCard } from '../components/error-card';
import type { StepViewProps } from './types';
import '../styles/test-sign-in.css';

/** Icon and words per verdict: never colour alone. */
const VERDICT: Record<ScopeVerdict, { icon: string; word: string }> = {
  granted: { icon: '✓', word: 'Granted' },
  missing: { icon: '✗', word: 'Missing' },
  extra: { icon: '+', word: 'Extra (not asked for)' },
};

type Phase = 'idle' | 'starting' | 'waiting';

function Result({ result }: { result: TestSignInResult }) {
  const valid = result.grant_status === 'valid';
  const ok = valid && result.missing.length === 0;
  return (
    <section class="step-section test-sign-in-result" data-testid="test-sign-in-result" aria-labelledby="tsi-result">
      <h2 class="group-title" id="tsi-result">
        {ok ? '✓ The sign-in worked' : '⚠ The sign-in worked, with a problem'}
      </h2>
      <dl class="test-sign-in-facts">
        <dt>Account</dt>
        <dd data-testid="test-sign-in-email">{result.email}</dd>
        <dt>Connection status in Nylas</dt>
        <dd data-testid="test-sign-in-status">
          {valid ? '✓ Valid' : `✗ ${result.grant_status}`}
        </dd>
        <dt>Grant ID</dt>
        <dd>
          <CopyValue value={result.grant_id} label="grant ID" testId="test-sign-in-grant-id" />
        </dd>
      </dl>
      <h3 class="test-sign-in-subtitle">Permissions: what your app asks for, and what Microsoft granted</h3>
      <ul class="test-sign-in-scopes" data-testid="test-sign-in-scopes">
        {result.scopes.map((c) => (
          <li key={c.scope} class={`is-${c.verdict}`} data-testid={`test-sign-in-scope-${c.scope}`}>
            <span class="test-sign-in-mark" aria-hidden="true">
              {VERDICT[c.verdict].icon}
            </span>
            <code>{c.scope}</code>
            <span class="test-sign-in-verdict">{VERDICT[c.verdict].word}</span>
          </li>
        ))}
      </ul>
      {result.missing.length > 0 && (
        <Callout tone="warning" title="Some permissions weren't granted" testId="test-sign-in-missing">
          <p>
            Microsoft didn't grant {result.missing.join(', ')}. Check that your Azure app lists{' '}
            {result.missing.length === 1 ? 'it' : 'them'} under API permissions → Microsoft Graph → Delegated, that
            admin consent was given where needed, and that the connector asks for{' '}
            {result.missing.length === 1 ? 'it' : 'them'} (Configure Nylas). Then sign in again.
          </p>
        </Callout>
      )}
      {result.extra.length > 0 && (
        <p class="field-hint" data-testid="test-sign-in-extra">
          The connection also holds {result.extra.join(', ')}, which your features don't need. That is safe; it
          usually comes from an earlier consent.
        </p>
      )}
      {!valid && (
        <p class="field-hint" data-testid="test-sign-in-invalid">
          Nylas marks this connection as not valid: the account has to sign in again before Nylas can use it.
        </p>
      )}
    </section>
  );
}

function Refusal({ refusal, onOpen }: { refusal: TestSignInRefusal; onOpen: (d: api.OpenLink) => void }) {
  return (
    <section class="step-section" data-testid="test-sign-in-refused" aria-labelledby="tsi-refused">
      <h2 class="group-title" id="tsi-refused">
        ✗ The sign-in didn't complete
      </h2>
      {refusal.diagnoses.map((d) => (
        <DiagnosisCard key={d.code} d={d} onOpen={(topic) => onOpen({ kind: 'docs', topic })} />
      ))}
      <details class="support-details">
        <summary>Details for support</summary>
        <p class="finding-codes">
          {refusal.error}
          {refusal.description !== '' && `: ${refusal.description}`}
        </p>
      </details>
    </section>
  );
}

export function TestSignInStep({ ctx }: StepViewProps) {
  const practice = ctx.session.practice.enabled;
  const [phase, setPhase] = useState<Phase>('idle');
  const [started, setStarted] = useState<TestSignInStarted | null>(null);
  const [outcome, setOutcome] = useState<TestSignInOutcome | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [stopped, setStopped] = useState(false);
  const hint = useRef<HTMLInputElement>(null);

  const start = async () => {
    if (phase !== 'idle') return;
    setPhase('starting');
    setError(null);
    setOutcome(null);
    setStopped(false);
    try {
      const email = hint.current?.value.trim() ?? '';
      const s = await api.startTestSignIn(email === '' ? null : email);
      setStarted(s);
      setPhase('waiting');
      const view = await api.finishTestSignIn();
      setOutcome(view.outcome);
      ctx.applyProgress(view.progress);
    } catch (e) {
      const err = toWizardError(e);
      setStopped(err.code === 'cancelled');
      setError(err.code === 'cancelled' ? null : err);
    } finally {
      setPhase('idle');
      setStarted(null);
    }
  };

  const cancel = () => {
    const command = phase === 'starting' ? 'start_test_sign_in' : 'finish_test_sign_in';
    void api.cancelRemote(command).catch((e: unknown) => setError(toWizardError(e)));
  };

  const again = outcome !== null || error !== null || stopped;
  // After a sign-in that fully worked, Next is the thing to do: trying again
  // becomes a secondary action.
  const worked =
    outcome !== null &&
    outcome.outcome === 'signed_in' &&
    outcome.result.grant_status === 'valid' &&
    outcome.result.missing.length === 0;

  return (
    <div class="test-sign-in-step" data-testid="test-sign-in-step">
      <section class="step-section" aria-labelledby="tsi-what">
        <h2 class="group-title" id="tsi-what">
          Prove it works with a real sign-in
        </h2>
        <p class="group-help" data-testid="test-sign-in-explain">
          {practice
            ? 'A browser page of the practice simulator opens; approve it as a made-up Contoso user. Nothing real is touched.'
            : 'A browser window opens on the Nylas sign-in page. Sign in with a real Microsoft 365 account of your organization and accept the permissions.'}{' '}
          The wizard then asks Nylas what it got: the account, whether the connection is valid, and which permissions
          Microsoft granted. This adds that account as a connection (a grant) in your Nylas application; signing in
          again later updates the same one.
        </p>
        <form
          class="field-block"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <label class="field-label" for="tsi-email">
            Email to sign in with (optional)
          </label>
          <div class="field-row">
            <input
              ref={hint}
              id="tsi-email"
              class="text-input"
              type="email"
              autoComplete="off"
              spellcheck={false}
              placeholder="name@your-company.com"
              aria-describedby="tsi-email-help"
              data-testid="test-sign-in-login-hint"
              disabled={phase !== 'idle'}
            />
            <button
              type="submit"
              class={worked ? 'btn btn-secondary' : 'btn btn-primary'}
              data-testid="test-sign-in-start"
              aria-disabled={phase !== 'idle' ? 'true' : undefined}
            >
              {phase !== 'idle' ? 'Signing in…' : again ? 'Try again' : 'Start test sign-in'}
            </button>
          </div>
          <p class="field-hint" id="tsi-email-help">
            Fills in the account on Microsoft's page. Leave it empty to choose the account there.
          </p>
        </form>
      </section>

      <div aria-live="polite">
        {phase !== 'idle' && (
          <div class="note test-sign-in-waiting" role="status" data-testid="test-sign-in-waiting">
            <div class="test-sign-in-waiting-head">
              <p>
                <strong>
                  {phase === 'starting'
                    ? 'Checking your Nylas application and opening the sign-in page…'
                    : 'Waiting for you to finish signing in in the browser…'}
                </strong>
              </p>
              <button
                type="button"
                class="btn btn-secondary btn-small"
                data-testid="test-sign-in-cancel"
                onClick={cancel}
              >
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
                <CopyValue value={started.authorize_url} label="sign-in address" testId="test-sign-in-url" />
              </div>
            )}
            <p class="field-hint">
              If the browser shows an error page instead, copy its message into <strong>Diagnose an error</strong> (top
              of the window).
            </p>
          </div>
        )}
        {stopped && phase === 'idle' && (
          <p class="field-hint" data-testid="test-sign-in-stopped">
            Stopped. Nothing was connected; start again when you're ready.
          </p>
        )}
      </div>

      {error !== null && <ErrorCard error={error} />}
      {outcome?.outcome === 'signed_in' && <Result result={outcome.result} />}
      {outcome?.outcome === 'refused' && <Refusal refusal={outcome.refusal} onOpen={(l) => void ctx.openLink(l)} />}
    </div>
  );
}
