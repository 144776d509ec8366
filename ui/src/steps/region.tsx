// Region: US or EU (where the Nylas account was created), the redirect URIs
// that follow for this path, where they go in the Azure portal, and (for v3)
// the admin's own callback URIs, checked as they are typed.

import { Term } from '../components/term';
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { RedirectUriSet } from '../bindings/RedirectUriSet';
import type { Region } from '../bindings/Region';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import { ExternalIcon } from '../components/icons';
import { CallbackUris } from './callback-uris';
import type { StepViewProps } from './types';


const REGIONS: Array<{ id: Region; label: string; desc: string }> = [
  {
    id: 'us',
    label: 'United States (US)',
    desc: 'Your Nylas data is stored and processed in the United States. Most Nylas accounts are here.',
  },
  {
    id: 'eu',
    label: 'European Union (EU)',
    desc: 'Your Nylas data is stored and processed in the European Union.',
  },
];

/** "Authentication → Platform configurations → Web" with the portal's
 *  labels in bold, as the admin will see them in the portal. */
export function PortalTrail({ trail }: { trail: string }) {
  const parts = trail.split('→').map((p) => p.trim());
  return (
    <span class="portal-trail">
      {parts.map((p, i) => (
        <span key={`${i}-${p}`}>
          {i > 0 && ' → '}
          <strong>{p}</strong>
        </span>
      ))}
    </span>
  );
}

export function RegionStep({ ctx }: StepViewProps) {
  const pathId = ctx.path.id;
  const answers = ctx.session.progress.current;
  const [region, setRegion] = useState<Region>(answers?.region ?? 'us');
  const [uris, setUris] = useState<RedirectUriSet | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    api
      .redirectUris(pathId, region)
      .then((u) => {
        if (!live) return;
        setUris(u);
        setError(null);
      })
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, [pathId, region, tick]);

  const choose = (r: Region) => {
    setRegion(r);
    void ctx.setAnswer({ key: 'region', value: r });
  };

  const current = uris !== null && uris.region === region ? uris : null;
  return (
    <div class="region-step" data-testid="region-step">
      <fieldset class="choice-group">
        <legend class="group-title">Where was your Nylas account created?</legend>
        <p class="group-help">
          Pick the region your Nylas account was created in — it's shown on the Nylas dashboard. If you're not sure,
          keep US.
        </p>
        <div class="region-options">
          {REGIONS.map((r) => (
            <label key={r.id} class={region === r.id ? 'region-option is-checked' : 'region-option'}>
              <input
                type="radio"
                name="region"
                value={r.id}
                checked={region === r.id}
                data-testid={`region-${r.id}`}
                aria-describedby={`region-${r.id}-desc`}
                onChange={() => choose(r.id)}
              />
              <span class="region-text">
                <span class="region-label">{r.label}</span>
                <span class="region-desc" id={`region-${r.id}-desc`}>
                  {r.desc}
                </span>
              </span>
            </label>
          ))}
        </div>
        <p class="no-account" data-testid="no-nylas-account">
          <strong>No Nylas account yet?</strong> Create it first in the Nylas dashboard: you pick its region there, and
          that choice is what this step asks for. Come back here once it exists.
        </p>
        <button type="button" class="btn btn-quiet btn-small inline-action" onClick={() => void ctx.openLink({ kind: 'docs', topic: { topic: 'nylas_dashboard' } })}>
          <ExternalIcon size={16} />
          <span>Open the Nylas dashboard</span>
        </button>
      </fieldset>

      <section class="step-section" aria-labelledby="redirect-title">
        <h2 class="group-title" id="redirect-title">
          Redirect URI for your Azure app
        </h2>
        {error !== null && <ErrorCard error={error} onRetry={() => setTick((n) => n + 1)} />}
        {current === null && error === null && (
          <p class="muted" role="status">
            Looking up the redirect URI…
          </p>
        )}
        {current !== null && (
          <>
            {current.required.length > 0 && (
              <>
                <p class="group-help">
                  Add {current.required.length === 1 ? 'this' : 'these'}{' '}
                  <Term term="redirect_uri" onOpen={(l) => void ctx.openLink(l)}>
                    {current.required.length === 1 ? 'redirect URI' : 'redirect URIs'}
                  </Term>{' '}
                  exactly as shown — Microsoft compares them letter for letter, including the end.
                </p>
                <ul class="uri-list">
                  {current.required.map((u) => (
                    <li key={u}>
                      <CopyValue value={u} label="redirect URI" testId="redirect-uri-required" />
                    </li>
                  ))}
                </ul>
              </>
            )}
            {current.optional.length > 0 && (
              <>
                <p class="group-help">Only if you use Nylas Hosted Auth, add:</p>
                <ul class="uri-list">
                  {current.optional.map((u) => (
                    <li key={u}>
                      <CopyValue value={u} label="optional redirect URI" testId="redirect-uri-optional" />
                    </li>
                  ))}
                </ul>
              </>
            )}
            <p class="where-line">
              Where: in the Azure portal, open your app, then <PortalTrail trail={current.portal_location} />.
            </p>
            <p class="muted small">{current.note}</p>
          </>
        )}
      </section>

      {answers?.uses_callback_uris === true && <CallbackUris ctx={ctx} />}
    </div>
  );
}
