// Azure app: check the app registration from its downloaded manifest
// (chosen, dropped or pasted) against what Nylas needs for this path, the
// saved features, region and callback URIs. The manifest is never saved;
// only that a check was done and its counts.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { WizardApiError, toWizardError } from '../api';
import type { AuditReport } from '../bindings/AuditReport';
import type { PresetChoice } from '../bindings/PresetChoice';
import type { Tenancy } from '../bindings/Tenancy';
import { ErrorCard } from '../components/error-card';
import { HandoffLink } from '../components/handoff-panel';
import { AuditResults, summaryText } from './audit-results';
import { localDate } from './finding-details';
import { ManifestInput } from './manifest-input';
import { ClientSecretField } from './client-secret';
import { TenantLookup } from './tenant-lookup';
import { LiveCheck } from './live-results';
import { CreateApp } from './create-app';
import { Term } from '../components/term';
import type { StepViewProps } from './types';

interface Manifest {
  text: string;
  source: string | null;
}

export function AzureAppStep({ ctx }: StepViewProps) {
  const pathId = ctx.path.id;
  const progress = ctx.session.progress;
  const answers = progress.answers;
  const current = progress.current;
  const [tenancy, setTenancy] = useState<Tenancy | null>(answers.tenancy);
  const [tenant, setTenant] = useState(answers.tenant ?? '');
  const [report, setReport] = useState<AuditReport | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [checking, setChecking] = useState(false);
  // "I've fixed it — check again" was pressed: waiting for the new manifest.
  const [waiting, setWaiting] = useState(false);
  const [presets, setPresets] = useState<PresetChoice[] | null>(null);
  const manifest = useRef<Manifest | null>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const options = useRef<HTMLDetailsElement>(null);
  const tenantInput = useRef<HTMLInputElement>(null);
  const focusResults = useRef(false);
  const seq = useRef(0);
  // Live: check an existing app, or have the wizard create one.
  const [liveMode, setLiveMode] = useState<'check' | 'create'>('check');

  const lastCheck = answers.last_check;
  const savedPreset = current?.features.preset ?? null;
  const missingFeatures = current?.needs_features ?? false;
  // Once offered, the preset choice stays on screen after it is made.
  const [askPreset, setAskPreset] = useState(missingFeatures);
  if (missingFeatures && !askPreset) setAskPreset(true);

  // With no features saved (the Features step skipped, or a path without
  // one), offer the presets here: the permissions checked depend on them.
  useEffect(() => {
    if (!askPreset || presets !== null) return undefined;
    let live = true;
    api
      .featureChoices(pathId)
      .then((c) => live && setPresets(c.presets))
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, [askPreset, pathId]);

  useEffect(() => {
    if (focusResults.current && resultsHeading.current !== null) {
      focusResults.current = false;
      resultsHeading.current.focus();
      resultsHeading.current.scrollIntoView?.({ block: 'start' });
    }
  });

  // Rust checks the manifest against the saved answers and records what it
  // found (the step's status, the last check) in the progress it returns.
  const check = async (m: Manifest) => {
    manifest.current = m;
    const mine = ++seq.current;
    setChecking(true);
    try {
      const outcome = await api.auditManifest(m.text);
      if (mine !== seq.current) return;
      setReport(outcome.report);
      setWaiting(false);
      setError(null);
      focusResults.current = true;
      ctx.applyProgress(outcome.progress);
    } catch (e) {
      if (mine !== seq.current) return;
      setReport(null);
      setError(toWizardError(e));
    } finally {
      if (mine === seq.current) setChecking(false);
    }
  };

  /** Check the same manifest again once an answer it depends on is saved. */
  const recheck = (saved: Promise<unknown>) => {
    const m = manifest.current;
    if (m === null || report === null) return;
    void saved.then((p) => {
      if (p !== null) void check(m);
    });
  };

  /** The admin fixed something in the portal: the old results dim, and the
   *  cursor goes where the new manifest comes in (the paste box, its text
   *  selected, when it was pasted; the file button otherwise). */
  const askForNewManifest = () => {
    setWaiting(true);
    const pasted = manifest.current?.source === null;
    const target = document.getElementById(pasted ? 'manifest-paste' : 'manifest-file');
    if (target === null) return;
    target.focus({ preventScroll: true });
    if (target instanceof HTMLTextAreaElement) target.select();
    requestAnimationFrame(() =>
      (pasted ? target : document.getElementById('manifest-title'))?.scrollIntoView?.({ block: 'start' }),
    );
  };

  const chooseTenancy = (value: string) => {
    const t: Tenancy | null = value === 'single' || value === 'multi' ? value : null;
    setTenancy(t);
    recheck(ctx.setAnswer({ key: 'tenancy', value: t }));
  };

  const commitTenant = (value: string) => {
    recheck(ctx.setAnswer({ key: 'tenant', value }));
  };

  /** The admin-consent finding asks for the tenant: open its section and
   *  put the cursor in the tenant field. */
  const askTenant = () => {
    if (options.current !== null) options.current.open = true;
    const input = tenantInput.current;
    if (input === null) return;
    input.focus({ preventScroll: true });
    // Scroll once the opened section has been laid out (WebKit places a
    // just-opened <details>'s content a frame late).
    requestAnimationFrame(() => input.scrollIntoView?.({ block: 'center' }));
  };

  const choosePreset = async (id: string) => {
    const p = presets?.find((x) => x.id === id);
    if (p === undefined) return;
    await ctx.setAnswer({ key: 'preset', value: p.id });
  };

  const teams = current?.audit_path === 'teams';
  return (
    <div class="azure-app-step" data-testid="azure-app-step">
      <HandoffLink report={report} />
      {lastCheck !== null && report === null && (
        <p class="note" data-testid="last-check">
          You checked {lastCheck.display_name !== null ? `“${lastCheck.display_name}”` : 'your app'} on{' '}
          {localDate(lastCheck.checked_at)}: {summaryText(lastCheck)} Check the manifest again to see the details.
        </p>
      )}

      {/* Drawn at once, disabled until the choices arrive, so what is below
          doesn't jump down under the admin's pointer a moment later. */}
      {askPreset && (
        <div class="field-block">
          <label class="field-label" for="audit-preset">
            What does your app do?
          </label>
          <p class="group-help" id="audit-preset-help">
            The permissions we check depend on it. Pick the closest setup; you can fine-tune it later.
          </p>
          <select
            id="audit-preset"
            class="select-input"
            aria-describedby="audit-preset-help"
            value={savedPreset ?? ''}
            disabled={presets === null}
            data-testid={presets === null ? 'audit-preset-loading' : 'audit-preset'}
            onChange={(e) => void choosePreset(e.currentTarget.value)}
          >
            <option value="">{presets === null ? 'Loading…' : 'Choose…'}</option>
            {(presets ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      )}

      <section class="step-section who-signs-in" aria-labelledby="who-signs-in-title">
        <h2 class="group-title" id="who-signs-in-title">
          Who will sign in?
        </h2>
        <p class="group-help" id="audit-tenancy-help">
          Answer this first: it changes what your app must allow, and so the verdict.
        </p>
        <select
          id="audit-tenancy"
          class="select-input"
          aria-labelledby="who-signs-in-title"
          aria-describedby="audit-tenancy-help"
          value={tenancy ?? ''}
          data-testid="audit-tenancy"
          onChange={(e) => chooseTenancy(e.currentTarget.value)}
        >
          <option value="">Not sure: decide from the tenant below</option>
          <option value="multi">People from any organization (multitenant)</option>
          <option value="single">Only people in my organization (single tenant)</option>
        </select>
      </section>

      <ManifestInput
        busy={checking}
        onManifest={(text, source) => void check({ text, source })}
        onReadError={(message) => {
          setReport(null);
          setError(new WizardApiError('io', message, 'Download the manifest again from the Azure portal and choose that file.'));
        }}
        maxBytes={ctx.session.limits.max_manifest_bytes}
        onOpenPortal={() => void ctx.openLink({ kind: 'portal', page: { blade: 'overview', app_id: null } })}
        waiting={waiting && report !== null}
        onOpenDocs={(l) => void ctx.openLink(l)}
      />

      <details class="audit-options" ref={options} data-testid="audit-options">
        <summary>Your tenant and your client secret (optional)</summary>
        <section class="options-section" aria-labelledby="tenant-section-title" data-testid="tenant-section">
          <h3 class="options-section-title" id="tenant-section-title">
            Your tenant
          </h3>
          <div class="field-block">
            <label class="field-label" for="audit-tenant">
              Tenant ID or domain
            </label>
            <input
              id="audit-tenant"
              ref={tenantInput}
              class="text-input mono"
              type="text"
              spellcheck={false}
              autoComplete="off"
              placeholder="contoso.com or the Directory (tenant) ID"
              // Uncontrolled: a re-render (a reply arriving while the admin
              // types) must never write an older value over fresh keystrokes.
              defaultValue={tenant}
              aria-describedby="audit-tenant-help"
              data-testid="audit-tenant"
              onInput={(e) => setTenant(e.currentTarget.value)}
              onChange={(e) => commitTenant(e.currentTarget.value)}
            />
            <p class="field-hint" id="audit-tenant-help">
              Your <Term term="tenant" onOpen={(l) => void ctx.openLink(l)}>tenant</Term>: the Directory (tenant) ID
              from your app's Overview page, or a verified domain.
              {teams ? ' Teams meetings usually use one tenant.' : ''}
            </p>
            <TenantLookup tenant={tenant} />
          </div>
        </section>
        <section class="options-section" aria-labelledby="secret-section-title" data-testid="secret-section">
          <h3 class="options-section-title" id="secret-section-title">
            Your client secret
          </h3>
          <p class="group-help">
            The <Term term="client_secret" onOpen={(l) => void ctx.openLink(l)}>client secret</Term> is how Nylas signs
            in as your app. Giving it here is optional.
          </p>
          <ClientSecretField onChanged={() => recheck(Promise.resolve(true))} />
        </section>
      </details>

      <div aria-live="polite" class="audit-status">
        {checking && <p class="muted" role="status">Checking the manifest…</p>}
      </div>
      {error !== null && (
        <div class="audit-error" data-testid="audit-error">
          <ErrorCard error={error} />
        </div>
      )}
      {report !== null && (
        <AuditResults
          report={report}
          source={manifest.current?.source ?? null}
          onOpen={(link) => void ctx.openLink(link)}
          headingRef={resultsHeading}
          onAskTenant={askTenant}
          stale={waiting || checking}
          onRecheck={askForNewManifest}
        />
      )}

      <div class="live-mode" role="group" aria-label="Your app in Microsoft" data-testid="live-mode">
        <button
          type="button"
          class={`btn ${liveMode === 'check' ? 'btn-secondary' : 'btn-quiet'}`}
          aria-pressed={liveMode === 'check'}
          onClick={() => setLiveMode('check')}
          data-testid="live-mode-check"
        >
          Check my existing app
        </button>
        <button
          type="button"
          class={`btn ${liveMode === 'create' ? 'btn-secondary' : 'btn-quiet'}`}
          aria-pressed={liveMode === 'create'}
          onClick={() => setLiveMode('create')}
          data-testid="live-mode-create"
        >
          I don't have an app yet — create it for me
        </button>
      </div>
      {liveMode === 'check' ? (
        <LiveCheck
          tenant={answers.tenant}
          clientId={answers.client_id}
          onOpen={(link) => void ctx.openLink(link)}
          onAskTenant={askTenant}
          applyProgress={ctx.applyProgress}
        />
      ) : (
        <CreateApp
          tenant={answers.tenant}
          onOpen={(link) => void ctx.openLink(link)}
          onAskTenant={askTenant}
          applyProgress={ctx.applyProgress}
        />
      )}
    </div>
  );
}
