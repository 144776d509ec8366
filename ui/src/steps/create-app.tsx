// "Create it for me": the plan of the new app registration from the saved
// answers (plain words, and the exact JSON folded away), the name and the
// secret's expiry to choose, why the sign-in asks for more, a confirmation,
// each call ticked off as Rust makes it (streamed through a channel), the
// live check of the new app, and, when its permissions need one, admin
// consent right there (the same view and command as for an existing app).
// Rust plans, creates and keeps the client secret; this view only
// displays. Stop cancels the running call (Rust cancels it; it ends with
// code `cancelled`, shown as a quiet note); creating again then finishes
// without a second app.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type NewAppCreated, type NewAppPlan, type OpenLink, type SignedInAs, type WizardApiError } from '../api';
import type { CreateCall } from '../bindings/CreateCall';
import type { CreateProgress } from '../bindings/CreateProgress';
import type { ProgressView } from '../bindings/ProgressView';
import { CHECK_NAMES } from '../check-names';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import { AdminConsent } from './admin-consent';
import { CALLS, CallList } from './create-app-calls';
import { AuditResults } from './audit-results';
import { MicrosoftSignIn } from './microsoft-sign-in';
import '../styles/live.css';
import '../styles/create-app.css';

interface Props {
  /** The saved tenant answer. */
  tenant: string | null;
  onOpen: (link: OpenLink) => void;
  onAskTenant: () => void;
  applyProgress: (p: ProgressView) => void;
}

/** The secret lifetimes offered, in days (Microsoft recommends under two years). */
const EXPIRY: { days: number; label: string }[] = [
  { days: 182, label: '6 months' },
  { days: 365, label: '1 year (recommended)' },
  { days: 730, label: '2 years' },
];

function secretText(done: NewAppCreated): string {
  const s = done.outcome.secret;
  if (s.kind === 'already_there') return 'The app already had a client secret, so no second one was added.';
  // Its expiry is in the steps above, as a plain date from Rust.
  const where = s.secret.stored_persistently ? 'in your system keychain' : 'for this run only (no keychain)';
  return `Its client secret (${s.secret.hint}) is kept by the wizard ${where}. You don't need to copy it: the next steps use it.`;
}

export function CreateApp({ tenant, onOpen, onAskTenant, applyProgress }: Props) {
  const [who, setWho] = useState<SignedInAs | null>(null);
  const [planned, setPlanned] = useState<NewAppPlan | null>(null);
  const [days, setDays] = useState(365);
  const [confirming, setConfirming] = useState(false);
  const [creating, setCreating] = useState(false);
  const [done, setDone] = useState<NewAppCreated | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [planning, setPlanning] = useState(false);
  const [stopped, setStopped] = useState<'plan' | 'create' | null>(null);
  // The latest event per call, as Rust streams them while creating.
  const [heard, setHeard] = useState<Partial<Record<CreateCall, CreateProgress>>>({});
  const nameInput = useRef<HTMLInputElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const auditHeading = useRef<HTMLHeadingElement>(null);
  const seq = useRef(0);

  const name = () => nameInput.current?.value.trim() ?? '';

  /** Ask Rust for the plan again (a new name, expiry or sign-in). */
  const plan = async (n: string | null, d: number) => {
    const mine = ++seq.current;
    setPlanning(true);
    try {
      const p = await api.planNewApp(n === '' ? null : n, d);
      if (mine !== seq.current) return;
      setPlanned(p);
      setError(null);
      // A stopped create stays said: the re-read plan follows from it.
      setStopped((s) => (s === 'plan' ? null : s));
      // A default name follows the sign-in (the organization's name).
      if (nameInput.current !== null && n === null) nameInput.current.value = p.plan.display_name;
    } catch (e) {
      if (mine !== seq.current) return;
      const err = toWizardError(e);
      setStopped(err.code === 'cancelled' ? 'plan' : null);
      setError(err.code === 'cancelled' ? null : err);
    } finally {
      if (mine === seq.current) setPlanning(false);
    }
  };

  const cancel = async (command: 'plan_new_app' | 'create_new_app') => {
    try {
      await api.cancelRemote(command);
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  useEffect(() => {
    let on = true;
    api
      .microsoftSignedIn()
      .then((w) => on && setWho(w))
      .catch(() => undefined);
    void plan(null, days);
    return () => {
      on = false;
    };
  }, []);

  useEffect(() => {
    if (done !== null) resultHeading.current?.focus();
  }, [done]);

  // The plan follows the saved answers: a tenant saved after it was read
  // (typed, then "create it for me" clicked while the answer was on its
  // way) is read again, or the plan would stay refused for a tenant the
  // admin has given.
  const tenantSeen = useRef(tenant);
  useEffect(() => {
    if (tenantSeen.current === tenant) return;
    tenantSeen.current = tenant;
    if (done !== null || creating) return;
    const typed = name();
    void plan(typed === planned?.plan.display_name || typed === 'Nylas' ? null : typed, days);
  }, [tenant]);

  const signedIn = (w: SignedInAs) => {
    setWho(w);
    // The default name now knows the organization; an app to reuse may show.
    const typed = name();
    void plan(typed === planned?.plan.display_name || typed === 'Nylas' ? null : typed, days);
  };

  const create = async () => {
    setCreating(true);
    setConfirming(false);
    setError(null);
    setStopped(null);
    setHeard({});
    try {
      const result = await api.createNewApp(name(), days, (e) => setHeard((h) => ({ ...h, [e.call]: e })));
      applyProgress(result.progress);
      setDone(result);
    } catch (e) {
      const err = toWizardError(e);
      if (err.code === 'cancelled') {
        setStopped('create');
        // Part of the app may exist now: the plan says what reusing it means.
        void plan(name(), days);
      } else {
        setError(err);
      }
    } finally {
      setCreating(false);
    }
  };

  const p = planned?.plan ?? null;
  const canCreate = who !== null && who.access !== 'audit';
  const reuses = planned?.reuses ?? null;
  const plannedCalls = (
    <ol class="create-calls" data-testid="create-calls">
      {CALLS.map((c) => (
        <li key={c.call}>{c.label}</li>
      ))}
    </ol>
  );
  // Rust's verdict on admin consent, from the live check shown now.
  const consentCheck = done?.outcome.audit.report.findings.find((f) => f.check === 'admin_consent') ?? null;
  const consentLeft = consentCheck !== null && consentCheck.status !== 'pass';
  const toGrant = done?.admin_consent_to_grant ?? [];

  return (
    <section class="step-section live-check create-app" aria-labelledby="create-app-title" data-testid="create-app">
      <h2 class="group-title" id="create-app-title">
        Create the app for me
      </h2>
      <p class="group-help">
        The wizard registers the app in your tenant with exactly what Nylas needs for your answers, then checks it.
        Nothing is created until you confirm.
      </p>

      {/* Only while no plan shows yet: re-plans as the admin types are quick
          and superseded, and a row flashing per keystroke would shift the page. */}
      {planning && planned === null && done === null && !creating && (
        <div class="finding-actions">
          <p class="field-hint" role="status">
            Reading what will be created…
          </p>
          <button
            type="button"
            class="btn btn-secondary btn-small"
            onClick={() => void cancel('plan_new_app')}
            data-testid="create-plan-cancel"
          >
            Cancel
          </button>
        </div>
      )}
      <div aria-live="polite">
        {stopped === 'plan' && !planning && (
          <p class="field-hint" data-testid="create-stopped">
            Stopped. Nothing was created.{' '}
            <button type="button" class="btn btn-quiet btn-small" onClick={() => void plan(name() || null, days)} data-testid="create-plan-again">
              Read the plan again
            </button>
          </p>
        )}
        {stopped === 'create' && !creating && (
          <p class="field-hint" data-testid="create-stopped">
            Stopped. Microsoft may already have part of the app; running it again finishes it without creating a
            second app.
          </p>
        )}
      </div>

      {p !== null && done === null && (
        <>
          <h3 class="live-facts-title">What will be created</h3>
          <ul class="create-plan" data-testid="create-plan">
            {p.lines.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
          <details class="create-json" data-testid="create-json">
            <summary>What will be sent to Microsoft</summary>
            <pre class="mono">{JSON.stringify(p.body, null, 2)}</pre>
          </details>

          <div class="field-block">
            <label class="field-label" for="create-name">
              The app's name
            </label>
            <input
              id="create-name"
              ref={nameInput}
              class="text-input"
              type="text"
              spellcheck={false}
              autoComplete="off"
              // Uncontrolled: a plan arriving while the admin types must
              // never write an older name over fresh keystrokes.
              defaultValue={p.display_name}
              aria-describedby="create-name-help"
              data-testid="create-name"
              onChange={(e) => void plan(e.currentTarget.value.trim(), days)}
            />
            <p class="field-hint" id="create-name-help">
              As it will appear in the Azure portal and on Microsoft's sign-in page.
            </p>
          </div>
          <div class="field-block">
            <label class="field-label" for="create-expiry">
              The client secret expires after
            </label>
            <select
              id="create-expiry"
              class="select-input"
              value={String(days)}
              data-testid="create-expiry"
              onChange={(e) => {
                const d = Number(e.currentTarget.value);
                setDays(d);
                void plan(name(), d);
              }}
            >
              {EXPIRY.map((x) => (
                <option key={x.days} value={String(x.days)}>
                  {x.label}
                </option>
              ))}
            </select>
            <p class="field-hint">Put a reminder in your calendar: Nylas stops working when it expires.</p>
          </div>

          {reuses !== null && (
            <div class="note create-reuses" data-testid="create-reuses">
              <p>
                <strong>
                  You already have an app named “{reuses.display_name}” (client ID {reuses.app_id}).
                </strong>{' '}
                The wizard will use that one instead of creating a second app.
              </p>
              {reuses.changes.length === 0 ? (
                <p>It already has everything Nylas needs; nothing in it will change.</p>
              ) : (
                <>
                  <p>These changes will be made to it:</p>
                  <ul>
                    {reuses.changes.map((c) => (
                      <li key={c.id}>
                        {c.title} (now: {c.before}; after: {c.after})
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}

          <h3 class="live-facts-title">Why the wizard asks for more access now</h3>
          <p class="group-help" data-testid="create-why">
            {planned?.why}
          </p>
          <MicrosoftSignIn
            who={who}
            access="create"
            tenant={tenant}
            onSignedIn={signedIn}
            onSignedOut={() => setWho(null)}
            onAskTenant={onAskTenant}
          />

          {canCreate && !creating && !confirming && (
            <div class="finding-actions">
              <button type="button" class="btn btn-primary" onClick={() => setConfirming(true)} data-testid="create-start">
                {reuses !== null ? 'Use this app…' : 'Create the app…'}
              </button>
            </div>
          )}
          {confirming && (
            <div class="fix-preview" role="group" aria-labelledby="create-confirm-title" data-testid="create-confirm">
              <h3 class="live-facts-title" id="create-confirm-title">
                {reuses !== null
                  ? `Use “${reuses.display_name}” in ${who?.tenant_name ?? who?.tenant ?? 'your tenant'}?`
                  : `Create “${p.display_name}” in ${who?.tenant_name ?? who?.tenant ?? 'your tenant'}?`}
              </h3>
              <p>
                The wizard makes these calls to Microsoft, in this order, and then checks the app. You can delete the
                app later in the Azure portal under App registrations.
              </p>
              {plannedCalls}
              <div class="finding-actions">
                <button type="button" class="btn btn-primary" onClick={() => void create()} data-testid="create-confirm-yes">
                  {reuses !== null ? 'Yes, use it' : 'Yes, create it'}
                </button>
                <button type="button" class="btn btn-quiet" onClick={() => setConfirming(false)} data-testid="create-confirm-no">
                  Not yet
                </button>
              </div>
            </div>
          )}
          {creating && (
            <div class="fix-preview" data-testid="create-working">
              <p>Working with Microsoft… this takes a few seconds.</p>
              <div role="status" aria-live="polite">
                <CallList heard={heard} />
              </div>
              <div class="finding-actions">
                <button
                  type="button"
                  class="btn btn-secondary"
                  onClick={() => void cancel('create_new_app')}
                  data-testid="create-app-cancel"
                >
                  Stop
                </button>
                <p class="field-hint">Running it again later finishes the job without creating a second app.</p>
              </div>
            </div>
          )}
        </>
      )}

      {!creating && done === null && Object.keys(heard).length > 0 && (
        <div data-testid="create-calls-after">
          <p class="field-hint">{stopped === 'create' ? 'What was done before it stopped:' : 'What was done:'}</p>
          <CallList heard={heard} />
        </div>
      )}
      {error !== null && <ErrorCard error={error} />}

      {done !== null && (
        <div class="create-done" data-testid="create-done">
          <h3 class="live-facts-title" tabIndex={-1} ref={resultHeading}>
            {done.outcome.created ? 'Your app is created' : 'Your existing app was used — no second app was created'}
          </h3>
          <ul class="create-done-steps" data-testid="create-steps">
            {done.outcome.steps.map((s) => (
              <li key={s}>✓ {s}</li>
            ))}
            <li>✓ Checked the app live.</li>
          </ul>
          <p class="field-label">Application (client) ID</p>
          <CopyValue value={done.outcome.app_id} label="Application (client) ID" testId="create-client-id" />
          <p class="muted small">
            You'll give it to Nylas later; it is also on the app's Overview page in the Azure portal. Your tenant
            ID, {done.outcome.tenant_id}, is saved as your tenant answer.
          </p>
          <p data-testid="create-secret">{secretText(done)}</p>
          {done.unmet.length === 0 ? (
            <p class="note" role="status" data-testid="create-verdict">
              Every check the app's settings can pass, passed.
              {consentLeft ? ' Admin consent is still to be given: see below.' : ' You can go on to the next step.'}
            </p>
          ) : (
            <p class="note" role="status" data-testid="create-verdict">
              Something is still not right: {done.unmet.map((c) => CHECK_NAMES[c]).join(', ')}. Each problem below
              says what to do.
            </p>
          )}
          {toGrant.length > 0 && (
            <div class="create-consent" data-testid="create-consent">
              <h3 class="live-facts-title">{consentLeft ? 'One more step: admin consent' : 'Admin consent is given'}</h3>
              {consentLeft ? (
                <p>
                  Only an administrator can approve {toGrant.join(', ')} for everyone in your organization. Until then,
                  nobody can connect with the features that need {toGrant.length === 1 ? 'it' : 'them'}. It changes
                  nothing else and can be revoked under Enterprise applications.
                </p>
              ) : (
                <p class="note" role="status" data-testid="create-consent-done">
                  ✓ {consentCheck?.title}. Checked again: the admin consent check passes.
                </p>
              )}
              <AdminConsent
                live={done.outcome.audit}
                clientId={() => done.outcome.app_id}
                label="Grant admin consent now"
                onDone={(o) => {
                  applyProgress(o.progress);
                  setDone({ ...done, outcome: { ...done.outcome, audit: o.live } });
                }}
              />
            </div>
          )}
          <AuditResults
            report={done.outcome.audit.report}
            source={`live from ${done.outcome.audit.facts.tenant_name ?? 'Microsoft'}`}
            onOpen={onOpen}
            headingRef={auditHeading}
            onAskTenant={onAskTenant}
          />
        </div>
      )}
    </section>
  );
}
