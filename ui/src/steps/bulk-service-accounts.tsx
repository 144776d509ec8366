// v2 service accounts (path E, issue 12 point 6): only for setups that
// already have a Nylas v2 Office 365 service account. The step says so
// first (ApplicationImpersonation is gone since May 2024; v3 uses the
// admin-consent credentials of this path's earlier steps), and shows the
// form only once the admin ticks that their setup has one. Rust checks the
// input (every address in the service account's domain) before anyone signs
// in, then the service account signs in in the browser and Rust checks each
// address with Microsoft Graph (a real mailbox, not an alias) before
// connecting it with `service_account: true`. Text inputs are uncontrolled;
// no token, code or secret reaches the window.

import { useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, WizardApiError, type ServiceAccountStarted } from '../api';
import type { ServiceAccountOutcome } from '../bindings/ServiceAccountOutcome';
import type { ServiceAccountPlan } from '../bindings/ServiceAccountPlan';
import type { ServiceAccountProgress } from '../bindings/ServiceAccountProgress';
import { Callout } from '../components/callout';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import type { StepViewProps } from './types';
import '../styles/test-sign-in.css';

type Phase = 'idle' | 'planning' | 'starting' | 'waiting';

function progressLine(e: ServiceAccountProgress): string {
  switch (e.state) {
    case 'signed_in':
      return `✓ Signed in as ${e.email}`;
    case 'checking':
      return `… Checking ${e.email} is a real mailbox`;
    case 'connecting':
      return `… Connecting ${e.email}`;
    case 'connected':
      return `✓ ${e.email}: account ${e.account_id}`;
    case 'failed':
      return `✗ ${e.email}: ${e.message}`;
  }
}

function PlanView({ plan }: { plan: ServiceAccountPlan }) {
  return (
    <section class="step-section" aria-labelledby="sa-what" data-testid="sa-plan">
      <h2 class="group-title" id="sa-what">
        What happens
      </h2>
      <ol class="group-help">
        <li>
          The service account <strong>{plan.service_account}</strong> signs in at Microsoft with your Azure app (
          {plan.azure_client_id}) and accepts: <span data-testid="sa-permissions">{plan.permissions.join('; ')}</span>.
        </li>
        <li data-testid="sa-users">
          Each of these {plan.users.length} address{plan.users.length === 1 ? '' : 'es'} in {plan.domain} is checked
          with Microsoft Graph (a real mailbox, not an alias), then connected to your Nylas v2 app (
          {plan.nylas_client_id}) as its own account with the scopes <code>{plan.v2_scopes}</code>:{' '}
          {plan.users.join(', ')}.
        </li>
      </ol>
      <div class="detail-block">
        <p class="field-hint">
          Your Azure app needs this address under Authentication → Platform configurations → Web, and Exchange&apos;s
          EWS.AccessAsUser.All permission:
        </p>
        <CopyValue value={plan.redirect_uri} label="redirect URI" testId="sa-redirect-uri" />
      </div>
      <details class="support-details">
        <summary>What will be sent to Nylas</summary>
        <pre data-testid="sa-preview">{plan.preview}</pre>
      </details>
      <Callout tone="info" title="Good to know" testId="sa-notes">
        <ul>
          {plan.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      </Callout>
    </section>
  );
}

function Results({ outcome }: { outcome: ServiceAccountOutcome }) {
  const connected = outcome.results.filter((r) => r.account !== null).length;
  return (
    <section class="step-section" aria-labelledby="sa-done" data-testid="sa-outcome">
      <h2 class="group-title" id="sa-done">
        {connected} of {outcome.results.length} connected through {outcome.service_account}
      </h2>
      <ul class="sa-results">
        {outcome.results.map((r, i) => (
          <li key={r.email} data-testid={`sa-result-${i}`}>
            {r.account !== null ? (
              <>
                ✓ <strong>{r.email}</strong> ({r.check.display_name ?? 'a real mailbox'}) is connected: Nylas v2 account{' '}
                <CopyValue value={r.account.account_id} label="account ID" testId={`sa-account-${i}`} />
              </>
            ) : r.check.ok ? (
              <>
                ✗ <strong>{r.email}</strong> is a real mailbox, but Nylas didn&apos;t connect it: {r.error?.message}
                {r.error?.hint ? ` ${r.error.hint}` : ''}
              </>
            ) : (
              <>
                ✗ <strong>{r.email}</strong>: not sent to Nylas. {r.check.reason}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function BulkServiceAccountsStep({ ctx }: StepViewProps) {
  const practice = ctx.session.practice.enabled;
  const [existing, setExisting] = useState(false);
  const [v2, setV2] = useState(ctx.session.progress.answers.nylas_v2);
  const [plan, setPlan] = useState<ServiceAccountPlan | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [started, setStarted] = useState<ServiceAccountStarted | null>(null);
  const [lines, setLines] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<ServiceAccountOutcome | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [stopped, setStopped] = useState(false);
  const v2Id = useRef<HTMLInputElement>(null);
  const v2Secret = useRef<HTMLInputElement>(null);
  const service = useRef<HTMLInputElement>(null);
  const users = useRef<HTMLTextAreaElement>(null);
  const scopes = useRef<HTMLInputElement>(null);

  const fields = (): [string, string, string, boolean] => [
    service.current?.value.trim() ?? '',
    users.current?.value ?? '',
    scopes.current?.value ?? '',
    existing,
  ];

  const checkV2 = async () => {
    setError(null);
    try {
      const id = v2Id.current?.value.trim() ?? '';
      const secret = v2Secret.current?.value.trim() ?? '';
      const view = await api.checkNylasV2App(id === '' ? null : id, secret === '' ? null : secret);
      if (v2Secret.current) v2Secret.current.value = '';
      ctx.applyProgress(view.progress);
      setV2(view.progress.answers.nylas_v2);
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const check = async () => {
    if (phase !== 'idle') return;
    setPhase('planning');
    setError(null);
    try {
      setPlan(await api.planServiceAccounts(...fields()));
    } catch (e) {
      setPlan(null);
      setError(toWizardError(e));
    } finally {
      setPhase('idle');
    }
  };

  const connect = async () => {
    if (phase !== 'idle') return;
    setPhase('starting');
    setError(null);
    setStopped(false);
    setLines([]);
    try {
      const s = await api.startServiceAccounts(...fields());
      setPlan(s.plan);
      setStarted(s);
      setPhase('waiting');
      setOutcome(await api.finishServiceAccounts((e) => setLines((l) => [...l, progressLine(e)])));
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
    const command = phase === 'starting' ? 'start_service_accounts' : 'finish_service_accounts';
    void api.cancelRemote(command).catch((e: unknown) => setError(toWizardError(e)));
  };

  return (
    <div class="test-sign-in-step" data-testid="sa-step">
      <Callout tone="warning" title="Only for existing Nylas v2 service accounts" testId="sa-only-existing">
        <p>
          This step is only for setups that already have a Nylas v2 Office 365 service account. Microsoft removed the
          ApplicationImpersonation role from Exchange Online in May 2024, so new service accounts can&apos;t be created;
          existing ones keep working.
        </p>
        <p>
          Setting up something new? Nylas v3 uses an admin-consent credential per tenant instead: that is what the
          earlier steps of this path did (tenants, admin consent, mailboxes). You can skip this step.
        </p>
        <label>
          <input
            type="checkbox"
            data-testid="sa-existing"
            checked={existing}
            onChange={(e) => setExisting((e.target as HTMLInputElement).checked)}
          />{' '}
          My setup already has a Nylas v2 service account, and I want to connect more mailboxes through it
        </label>
      </Callout>

      {existing && (
        <>
          <section class="step-section field-block" aria-labelledby="sa-v2" data-testid="sa-v2">
            <h2 class="group-title" id="sa-v2">
              Your Nylas v2 app
            </h2>
            {v2 !== null ? (
              <p data-testid="sa-v2-checked">
                ✓ Checked: client ID <code>{v2.client_id}</code> ({v2.region.toUpperCase()}).
              </p>
            ) : (
              <>
                <p class="field-hint">
                  {practice
                    ? 'Practice mode: leave both empty to use the practice v2 app.'
                    : 'From the Nylas v2 dashboard (App Settings). The secret is kept in this computer\u2019s keychain.'}
                </p>
                <label class="field-label" for="sa-v2-id">
                  Client ID
                </label>
                <input ref={v2Id} id="sa-v2-id" class="text-input" autoComplete="off" spellcheck={false} data-testid="sa-v2-id" />
                <label class="field-label" for="sa-v2-secret">
                  Client secret
                </label>
                <input
                  ref={v2Secret}
                  id="sa-v2-secret"
                  class="text-input"
                  type="password"
                  autoComplete="off"
                  data-testid="sa-v2-secret"
                />
                <button type="button" class="btn btn-secondary" data-testid="sa-v2-check" onClick={() => void checkV2()}>
                  Check the v2 app
                </button>
              </>
            )}
          </section>

          <form
            class="step-section field-block"
            onSubmit={(e) => {
              e.preventDefault();
              void check();
            }}
          >
            <label class="field-label" for="sa-service">
              The service account&apos;s address
            </label>
            <input
              ref={service}
              id="sa-service"
              class="text-input"
              type="email"
              autoComplete="off"
              spellcheck={false}
              placeholder={practice ? 'admin@contoso.com' : 'service@your-company.com'}
              data-testid="sa-service"
            />
            <label class="field-label" for="sa-users">
              Mailboxes to connect (one address a line or separated by commas, in the service account&apos;s domain)
            </label>
            <textarea ref={users} id="sa-users" class="text-input" rows={4} spellcheck={false} data-testid="sa-users-input" />
            <label class="field-label" for="sa-scopes">
              Nylas v2 scopes
            </label>
            <input
              ref={scopes}
              id="sa-scopes"
              class="text-input"
              autoComplete="off"
              spellcheck={false}
              defaultValue="email,calendar,contacts"
              data-testid="sa-scopes"
            />
            <div>
              <button type="submit" class="btn btn-secondary" data-testid="sa-check" aria-disabled={phase !== 'idle' ? 'true' : undefined}>
                {phase === 'planning' ? 'Checking…' : 'Check'}
              </button>{' '}
              <button
                type="button"
                class="btn btn-primary"
                data-testid="sa-start"
                aria-disabled={phase !== 'idle' || plan === null || v2 === null ? 'true' : undefined}
                onClick={() => {
                  if (plan !== null && v2 !== null) void connect();
                }}
              >
                {phase === 'starting' || phase === 'waiting' ? 'Connecting…' : 'Sign in as the service account and connect'}
              </button>
            </div>
            {plan === null && (
              <p class="field-hint" data-testid="sa-start-hint">
                Check the addresses first: nothing is sent to Microsoft or Nylas until you sign in.
              </p>
            )}
          </form>

          {plan !== null && <PlanView plan={plan} />}

          <div aria-live="polite">
            {(phase === 'starting' || phase === 'waiting') && (
              <div class="note test-sign-in-waiting" role="status" data-testid="sa-waiting">
                <div class="test-sign-in-waiting-head">
                  <p>
                    <strong>
                      {phase === 'starting'
                        ? 'Opening Microsoft\u2019s sign-in page…'
                        : practice
                          ? 'Waiting for the sign-in on the practice simulator\u2019s page, then checking and connecting…'
                          : 'Waiting for the service account to sign in in the browser, then checking and connecting…'}
                    </strong>
                  </p>
                  <button type="button" class="btn btn-secondary btn-small" data-testid="sa-cancel" onClick={cancel}>
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
                    <CopyValue value={started.authorize_url} label="sign-in address" testId="sa-url" />
                  </div>
                )}
                <ul data-testid="sa-progress">
                  {lines.map((l, i) => (
                    <li key={i}>{l}</li>
                  ))}
                </ul>
              </div>
            )}
            {stopped && phase === 'idle' && (
              <p class="field-hint" data-testid="sa-stopped">
                Stopped. Nothing more was sent to Nylas; start again when you&apos;re ready.
              </p>
            )}
          </div>
          {outcome !== null && <Results outcome={outcome} />}
        </>
      )}
      {error !== null && <ErrorCard error={error} />}
    </div>
  );
}
