// Path D, Permissions: the admin ticks the Nylas v2 scopes their app uses, or
// pastes its v2 `scopes` string; Rust translates them to the least-privilege
// Microsoft Graph permissions of the new v3 app, with the Features step's
// reasons (the same ScopeList), and records them as the path's permissions,
// which the Azure app step then checks. The pasted text stays uncontrolled.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { type SignedInAs, type WizardApiError, toWizardError } from '../api';
import type { ExchangeCheck } from '../bindings/ExchangeCheck';
import type { ScopeTranslation } from '../bindings/ScopeTranslation';
import type { V2Scope } from '../bindings/V2Scope';
import type { V2ScopeChoice } from '../bindings/V2ScopeChoice';
import { Callout } from '../components/callout';
import { ErrorCard } from '../components/error-card';
import { MicrosoftSignIn } from './microsoft-sign-in';
import { ScopeList } from './scope-list';
import type { StepContext, StepViewProps } from './types';
import '../styles/migrate.css';

export function MigrateScopesStep({ ctx }: StepViewProps) {
  const record = ctx.session.progress.answers.migrate_scopes;
  const [choices, setChoices] = useState<V2ScopeChoice[] | null>(null);
  const [ticked, setTicked] = useState<V2Scope[]>(record?.v2_scopes ?? []);
  const [translation, setTranslation] = useState<ScopeTranslation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WizardApiError | null>(null);
  const pasted = useRef<HTMLTextAreaElement>(null);
  const result = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    api
      .v2ScopeChoices()
      .then((c) => live && setChoices(c))
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (translation !== null) result.current?.scrollIntoView?.({ block: 'start' });
  }, [translation]);

  const toggle = (id: V2Scope, on: boolean) =>
    setTicked((t) => (on ? [...t.filter((x) => x !== id), id] : t.filter((x) => x !== id)));

  const run = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const text = pasted.current?.value ?? '';
      const v = await api.translateV2Scopes(ticked, text.trim() === '' ? null : text);
      setTranslation(v.translation);
      // What was pasted is now ticked: one list to look at.
      setTicked(v.translation.v2_scopes);
      if (pasted.current !== null) pasted.current.value = '';
      ctx.applyProgress(v.progress);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const changedElsewhere = ctx.session.progress.leaving?.status === 'needs-attention';

  return (
    <div class="migrate-scopes-step" data-testid="migrate-scopes-step">
      <p class="step-intro">
        Nylas v3 talks to Microsoft through Microsoft Graph only. Tell us which Nylas v2 scopes your app uses and we
        work out the smallest set of Graph permissions that does the same, for the new Azure app.
      </p>
      {changedElsewhere && (
        <Callout tone="warning" icon="warning" testId="migrate-scopes-changed" title="The permissions changed since you translated">
          {ctx.session.progress.leaving?.reason ?? ''}
        </Callout>
      )}
      <div class="features-layout">
        <div class="features-choices">
          <fieldset class="choice-group">
            <legend class="group-title">Which Nylas v2 scopes does your app use?</legend>
            <p class="group-help">
              Tick each one, or paste your app's v2 <code>scopes</code> string below.
            </p>
            {choices === null ? (
              error === null && <p class="muted">Loading the v2 scopes…</p>
            ) : (
              <ul class="feature-options">
                {choices.map((c) => (
                  <li key={c.id}>
                    <label class="check-option">
                      <input
                        type="checkbox"
                        checked={ticked.includes(c.id)}
                        disabled={busy}
                        data-testid={`v2-scope-${c.id}`}
                        onChange={(e) => toggle(c.id, e.currentTarget.checked)}
                      />
                      <span>
                        <code>{c.id}</code> <span class="muted">— {c.meaning}</span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
          <div class="field-block">
            <label class="field-label" for="v2-scopes-pasted">
              Or paste the v2 scopes string
            </label>
            <textarea
              id="v2-scopes-pasted"
              ref={pasted}
              class="text-input migrate-paste"
              rows={2}
              placeholder="email.read_only,calendar,contacts.read_only"
              data-testid="v2-scopes-paste"
              disabled={busy}
            />
          </div>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="translate-v2-scopes"
            disabled={busy}
            onClick={() => void run()}
          >
            {busy ? 'Translating…' : 'Translate to Graph permissions'}
          </button>
          <CurrentApp ctx={ctx} />
        </div>
        <section
          class="scope-panel"
          data-testid="migrate-scope-list"
          aria-labelledby="migrate-scope-title"
          ref={result}
        >
          <h2 class="group-title" id="migrate-scope-title">
            Permissions your new Azure app needs
          </h2>
          {error !== null && <ErrorCard error={error} />}
          {translation !== null ? (
            <Translation t={translation} />
          ) : record !== null ? (
            <p class="muted" data-testid="migrate-scopes-last">
              Last translated: <code>{record.scopes.join(' ')}</code>. Translate again to see why each is needed.
            </p>
          ) : (
            error === null && <p class="muted">Tick or paste your v2 scopes, then translate.</p>
          )}
        </section>
      </div>
    </div>
  );
}

function Translation({ t }: { t: ScopeTranslation }) {
  return (
    <>
      <ScopeList plan={t.plan} />
      <h3 class="scope-subhead">Where each comes from</h3>
      <table class="migrate-table" data-testid="migrate-mapping">
        <thead>
          <tr>
            <th scope="col">Nylas v2 scope</th>
            <th scope="col">Graph permissions on v3</th>
          </tr>
        </thead>
        <tbody>
          {t.mapping.map((m) => (
            <tr key={m.v2}>
              <td>
                <code>{m.v2}</code>
              </td>
              <td>
                {m.graph_scopes.map((g, i) => (
                  <span key={g}>
                    {i > 0 && ', '}
                    <code>{g}</code>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul class="migrate-notes" data-testid="migrate-notes">
        {t.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </>
  );
}

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(file);
  });
}

/** Optional: the current v2 app, read live from Microsoft in the signed-in
 *  session or from its manifest, checked for Exchange permissions (issue
 *  12, path D point 2). Nothing in Azure changes; nothing is recorded. */
function CurrentApp({ ctx }: { ctx: StepContext }) {
  const tenant = ctx.session.progress.answers.tenant;
  const [check, setCheck] = useState<{ result: ExchangeCheck; live: boolean } | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [who, setWho] = useState<SignedInAs | null>(null);
  const tenantField = useRef<HTMLInputElement>(null);
  const clientId = useRef<HTMLInputElement>(null);
  const take = async (file: File | undefined) => {
    if (file === undefined || busy) return;
    setBusy(true);
    setError(null);
    setCheck(null);
    try {
      setCheck({ result: await api.checkCurrentAppExchange(await readFile(file)), live: false });
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };
  const readLive = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setCheck(null);
    try {
      setCheck({ result: await api.checkCurrentAppExchangeLive(clientId.current?.value.trim() ?? ''), live: true });
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };
  const saveTenant = () => {
    const value = tenantField.current?.value.trim() ?? '';
    if (value !== '') void ctx.setAnswer({ key: 'tenant', value });
  };
  return (
    <details class="migrate-current-app" data-testid="migrate-current-app">
      <summary>Does your current app still use Exchange permissions? Check it</summary>
      <section data-testid="migrate-current-live">
        <h3 class="live-facts-title">Read it from Microsoft</h3>
        <p class="group-help">
          Sign in to your tenant (read-only) and type your current v2 app&apos;s Application (client) ID: the wizard
          reads its permissions the way the Azure app step&apos;s live check does. Nothing in Azure changes.
        </p>
        {tenant === null && (
          <div class="field-block">
            <label class="field-label" for="migrate-current-tenant">
              Your tenant (a domain such as contoso.com, or the Directory ID)
            </label>
            <input
              ref={tenantField}
              id="migrate-current-tenant"
              class="text-input"
              autoComplete="off"
              spellcheck={false}
              data-testid="migrate-current-tenant"
              onBlur={saveTenant}
              onKeyDown={(e) => {
                if (e.key === 'Enter') saveTenant();
              }}
            />
          </div>
        )}
        <MicrosoftSignIn
          who={who}
          access="audit"
          tenant={tenant}
          onSignedIn={setWho}
          onSignedOut={() => setWho(null)}
          onAskTenant={() => tenantField.current?.focus()}
        />
        {who !== null && (
          <form
            class="field-block"
            onSubmit={(e) => {
              e.preventDefault();
              void readLive();
            }}
          >
            <label class="field-label" for="migrate-current-client-id">
              Your current app&apos;s Application (client) ID
            </label>
            <input
              ref={clientId}
              id="migrate-current-client-id"
              class="text-input"
              autoComplete="off"
              spellcheck={false}
              placeholder="5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e"
              data-testid="migrate-current-client-id"
            />
            <button type="submit" class="btn btn-secondary btn-small" data-testid="migrate-current-read" disabled={busy}>
              {busy ? 'Reading…' : 'Read the app'}
            </button>
          </form>
        )}
      </section>
      <section>
        <h3 class="live-facts-title">Or choose its manifest</h3>
        <p class="group-help">
          In the Azure portal, open your v2 app&apos;s <strong>Manifest</strong>, click <strong>Download</strong>, and
          choose the file here. Nothing in Azure changes.
        </p>
        <label class="btn btn-secondary btn-small">
          {busy ? 'Reading…' : 'Choose the manifest…'}
          <input
            type="file"
            accept=".json,application/json"
            class="visually-hidden"
            data-testid="migrate-current-manifest"
            disabled={busy}
            onChange={(e) => {
              const input = e.currentTarget;
              void take(input.files?.[0]).finally(() => {
                input.value = '';
              });
            }}
          />
        </label>
      </section>
      {error !== null && <ErrorCard error={error} />}
      {check !== null && (
        <Callout
          tone={check.result.found.length > 0 ? 'warning' : 'info'}
          icon={check.result.found.length > 0 ? 'warning' : 'info'}
          testId="migrate-exchange-check"
          title={
            check.result.found.length > 0
              ? `${check.result.app_name ?? 'This app'} uses Exchange permissions`
              : `${check.result.app_name ?? 'This app'} has no Exchange permissions`
          }
          footnote={check.live ? 'Read live from Microsoft just now.' : 'From the manifest you chose.'}
        >
          {check.result.message}
        </Callout>
      )}
    </details>
  );
}
