// "Check my app live": sign in to Microsoft, read the app registration from
// Microsoft Graph and show the same findings as the manifest check, plus
// what only the tenant knows. "Fix all" previews the changes in plain words
// and applies them after confirmation; the app is then read and checked
// again. A new client secret can be made here too. While Microsoft is
// being read or changed, Cancel stops the running call (Rust cancels it; it
// then ends with code `cancelled`, shown as a quiet note, not an error).

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type OpenLink, type SignedInAs, type WizardApiError } from '../api';
import type { Change } from '../bindings/Change';
import type { CheckId } from '../bindings/CheckId';
import type { FixPlan } from '../bindings/FixPlan';
import type { LivePlan } from '../bindings/LivePlan';
import { CHECK_NAMES } from '../check-names';
import type { LiveAudit } from '../bindings/LiveAudit';
import type { ProgressView } from '../bindings/ProgressView';
import { JustChanged } from '../components/change-list';
import { ErrorCard } from '../components/error-card';
import { AdminConsent } from './admin-consent';
import { AuditResults } from './audit-results';
import { FixPreview } from './fix-preview';
import { MicrosoftSignIn } from './microsoft-sign-in';
import { NewSecretDialog } from './new-secret-dialog';
import '../styles/live.css';

interface Props {
  /** The saved tenant answer. */
  tenant: string | null;
  /** The saved Application (client) ID: checked before, or created here. */
  clientId?: string | null;
  onOpen: (link: OpenLink) => void;
  onAskTenant: () => void;
  applyProgress: (p: ProgressView) => void;
}

function Facts({ live }: { live: LiveAudit }) {
  const f = live.facts;
  return (
    <>
    <h3 class="live-facts-title">What your tenant says</h3>
    <ul class="live-facts" data-testid="live-facts">
      <li>
        Tenant: {f.tenant_name ?? f.tenant_id}
        {f.verified_domains.length > 0 ? ` (${f.verified_domains.join(', ')})` : ''}
      </li>
      <li data-testid="live-consent">
        {!f.service_principal_exists
          ? 'Nobody has consented to the app in this tenant yet.'
          : f.admin_consent_missing.length === 0
            ? 'An admin has consented to every permission for everyone.'
            : `Admin consent is missing for: ${f.admin_consent_missing.join(', ')}.`}
      </li>
    </ul>
    </>
  );
}

export function LiveCheck({ tenant, clientId: savedClientId, onOpen, onAskTenant, applyProgress }: Props) {
  const [who, setWho] = useState<SignedInAs | null>(null);
  const [live, setLive] = useState<LiveAudit | null>(null);
  const [plan, setPlan] = useState<LivePlan | null>(null);
  // The preview open: every fix (check null) or one check's.
  const [previewing, setPreviewing] = useState<{ check: CheckId | null; plan: FixPlan } | null>(null);
  const [applied, setApplied] = useState<number | null>(null);
  const [appliedChanges, setAppliedChanges] = useState<Change[]>([]);
  const [busy, setBusy] = useState<'check' | 'plan' | 'apply' | null>(null);
  const [stopped, setStopped] = useState<'check' | 'apply' | null>(null);
  // The Rust command running now, for Cancel to name.
  const running = useRef<string | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [secretOpen, setSecretOpen] = useState(false);
  const [secretNote, setSecretNote] = useState<string | null>(null);
  const clientId = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let on = true;
    api
      .microsoftSignedIn()
      .then((w) => on && setWho(w))
      .catch(() => undefined);
    return () => {
      on = false;
    };
  }, []);

  const id = () => clientId.current?.value.trim() ?? '';

  /** A failed call: stopped on purpose is a note, anything else a card. */
  const failed = (e: unknown, what: 'check' | 'apply') => {
    const err = toWizardError(e);
    if (err.code === 'cancelled') {
      setStopped(what);
      setError(null);
    } else {
      setError(err);
    }
  };

  const cancel = async () => {
    if (running.current === null) return;
    try {
      await api.cancelRemote(running.current);
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const check = async () => {
    setBusy('check');
    setError(null);
    setStopped(null);
    setApplied(null);
    try {
      running.current = 'check_app_live';
      const outcome = await api.checkAppLive(id());
      setLive(outcome.live);
      applyProgress(outcome.progress);
      running.current = 'plan_live_fixes';
      setPlan(await api.planLiveFixes(id()));
    } catch (e) {
      failed(e, 'check');
    } finally {
      running.current = null;
      setBusy(null);
    }
  };

  const preview = async (check: CheckId | null) => {
    if (plan === null) return;
    if (check === null) {
      setPreviewing({ check, plan: plan.plan });
      return;
    }
    setBusy('plan');
    setError(null);
    setStopped(null);
    try {
      running.current = 'plan_live_fixes';
      setPreviewing({ check, plan: (await api.planLiveFixes(id(), check)).plan });
    } catch (e) {
      failed(e, 'check');
    } finally {
      running.current = null;
      setBusy(null);
    }
  };

  const apply = async (check: CheckId | null) => {
    setBusy('apply');
    setError(null);
    setStopped(null);
    try {
      running.current = 'apply_live_fixes';
      const done = await api.applyLiveFixes(id(), check);
      applyProgress(done.progress);
      // What is left to fix, read fresh, before the result shows.
      running.current = 'plan_live_fixes';
      const left = await api.planLiveFixes(id());
      setLive(done.outcome.after);
      setPlan(left);
      setPreviewing(null);
      setApplied(done.outcome.applied.steps.length);
      setAppliedChanges(done.changes);
    } catch (e) {
      const err = toWizardError(e);
      // Some changes may be made: the preview no longer says what is left.
      if (err.code === 'cancelled') setPreviewing(null);
      failed(e, 'apply');
    } finally {
      running.current = null;
      setBusy(null);
    }
  };

  const signedOut = () => {
    setWho(null);
    setPreviewing(null);
  };

  const reSignIn = (
    <MicrosoftSignIn who={who} access="fix" tenant={tenant} onSignedIn={setWho} onSignedOut={signedOut} onAskTenant={onAskTenant} />
  );
  const canFix = who?.access === 'fix';
  const fixes = plan?.plan.steps.length ?? 0;

  return (
    <section class="step-section live-check" aria-labelledby="live-check-title" data-testid="live-check">
      <h2 class="group-title" id="live-check-title">
        Check my app live
      </h2>
      <p class="group-help">
        Instead of a manifest file, the wizard can read your app from Microsoft after you sign in, and fix what it
        finds once you agree.
      </p>
      <MicrosoftSignIn who={who} access="audit" tenant={tenant} onSignedIn={setWho} onSignedOut={signedOut} onAskTenant={onAskTenant} />
      {who !== null && (
        <div class="field-block">
          <label class="field-label" for="live-client-id">
            Application (client) ID
          </label>
          <input
            id="live-client-id"
            ref={clientId}
            class="text-input mono"
            type="text"
            spellcheck={false}
            autoComplete="off"
            placeholder="From your app's Overview page"
            defaultValue={savedClientId ?? ''}
            data-testid="live-client-id"
          />
          <div class="finding-actions">
            <button
              type="button"
              class="btn btn-secondary"
              aria-disabled={busy !== null ? 'true' : undefined}
              onClick={() => busy === null && void check()}
              data-testid="live-check-button"
            >
              {busy === 'check' || busy === 'plan' ? 'Reading your app…' : live === null ? 'Check my app' : 'Check again'}
            </button>
            {(busy === 'check' || busy === 'plan') && (
              <button type="button" class="btn btn-secondary" onClick={() => void cancel()} data-testid="live-check-cancel">
                Cancel
              </button>
            )}
            <button type="button" class="btn btn-quiet" onClick={() => setSecretOpen(true)} data-testid="new-secret-button">
              New client secret
            </button>
          </div>
        </div>
      )}
      {secretNote !== null && (
        <p class="note" role="status" data-testid="new-secret-note">
          {secretNote}
        </p>
      )}
      <div aria-live="polite">
        {stopped === 'check' && busy === null && (
          <p class="field-hint" data-testid="live-stopped">
            Stopped. Nothing was changed; check again when you're ready.
          </p>
        )}
        {stopped === 'apply' && busy === null && (
          <p class="field-hint" data-testid="live-stopped">
            Stopped before the next change. Any change already made stays: check again to see what was applied.
            Fixing again is safe, since the wizard only changes what still differs.
          </p>
        )}
      </div>
      {error !== null && <ErrorCard error={error} />}
      {applied !== null && <JustChanged changes={appliedChanges} />}
      {applied !== null && (
        <p class="note" role="status" data-testid="fix-applied">
          {applied === 0
            ? 'Nothing needed changing. Checked again:'
            : `Your app was changed (${applied === 1 ? 'one change' : `${applied} changes`}) and checked again:`}
        </p>
      )}
      {live !== null && plan !== null && fixes > 0 && previewing === null && (
        <div class="live-fixes" data-testid="live-fixes">
          <h3 class="live-facts-title">The wizard can fix {plan.fixable.length === 1 ? 'this' : 'these'} for you</h3>
          <ul class="live-fixable">
            {plan.fixable.map((c) => (
              <li key={c} data-testid={`fixable-${c}`}>
                <span>{CHECK_NAMES[c]}</span>
                <button
                  type="button"
                  class="btn btn-secondary btn-small"
                  onClick={() => void preview(c)}
                  data-testid={`fix-this-${c}`}
                >
                  Fix this
                </button>
              </li>
            ))}
          </ul>
          {plan.fixable.length > 1 && (
            <button type="button" class="btn btn-primary" onClick={() => void preview(null)} data-testid="fix-all">
              Fix all ({fixes} changes)
            </button>
          )}
          <p class="muted small">You'll see exactly what changes before anything is changed.</p>
        </div>
      )}
      {live !== null && plan !== null && fixes === 0 && live.report.summary.fail > 0 && (
        <p class="muted" data-testid="fix-nothing">
          The wizard can't change these for you: each problem below says what to do in the Azure portal.
        </p>
      )}
      {previewing !== null && (
        <FixPreview
          plan={previewing.plan}
          canApply={canFix}
          busy={busy === 'apply'}
          onApply={() => void apply(previewing.check)}
          onCancel={() => setPreviewing(null)}
          signIn={reSignIn}
        />
      )}
      {busy === 'apply' && (
        <div class="finding-actions">
          <button type="button" class="btn btn-secondary" onClick={() => void cancel()} data-testid="live-apply-cancel">
            Stop before the next change
          </button>
          <p class="field-hint">Changes already made stay. Check again afterwards to see what was applied.</p>
        </div>
      )}
      {live !== null && (
        <>
          <Facts live={live} />
          <AdminConsent
            live={live}
            clientId={id}
            // Fixing comes first (a fix may add a permission to consent to):
            // while fixes wait, Fix all is the primary button here.
            primary={fixes === 0}
            onDone={(o) => {
              setLive(o.live);
              applyProgress(o.progress);
            }}
          />
          <AuditResults
            report={live.report}
            source={`live from ${live.facts.tenant_name ?? 'Microsoft'}`}
            onOpen={onOpen}
            headingRef={heading}
            onAskTenant={onAskTenant}
            stale={busy !== null}
          />
        </>
      )}
      {secretOpen && (
        <NewSecretDialog
          clientId={id()}
          canCreate={canFix}
          signIn={reSignIn}
          onClose={(s) => {
            setSecretOpen(false);
            if (s !== null) setSecretNote(`New client secret “${s.display_name}” created and kept by the wizard (${s.hint}).`);
          }}
        />
      )}
    </section>
  );
}
