// Nylas account: the admin's Nylas API key, checked against the region from
// the Region step. Rust keeps the key only when it works there (system
// keychain, or memory in practice mode) and answers with the application and
// the key's hint, never the key. A key of the other region gets a clear
// offer to switch. The field is uncontrolled and cleared once the key is kept.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { NylasAccountView } from '../api';
import type { Region } from '../bindings/Region';
import type { RegionOffer } from '../bindings/RegionOffer';
import { Callout } from '../components/callout';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import {
  CheckingStatus,
  DashboardLink,
  SavedActions,
  keptWhere,
  useSecretCheck,
} from '../components/secret-check';
import { CheckCircleIcon, LockIcon } from '../components/icons';
import { localDate } from './finding-details';
import type { StepViewProps } from './types';
import '../styles/nylas-account.css';

const REGION_WORDS: Record<Region, string> = { us: 'US', eu: 'EU' };

/** Which key the last check used, so "Switch" checks the same one. */
type KeySource = 'typed' | 'practice' | 'stored';

const COMMAND: Record<KeySource, string> = {
  typed: 'check_nylas_account',
  practice: 'check_nylas_account',
  stored: 'check_stored_nylas_account',
};

export function NylasAccountStep({ ctx }: StepViewProps) {
  const progress = ctx.session.progress;
  const region: Region = progress.current?.region ?? 'us';
  const record = progress.answers.nylas_account;
  const practice = ctx.session.practice.enabled;
  // undefined while asking Rust whether a key is saved.
  const [editing, setEditing] = useState(false);
  const [view, setView] = useState<NylasAccountView | null>(null);
  const [source, setSource] = useState<KeySource>('typed');
  const { stored, setStored, busy, stopped, error, check, cancel } = useSecretCheck<KeySource>(
    'nylas_api_key',
    ctx,
    (from) => COMMAND[from],
  );
  // The region was switched to where the key works: what that changes.
  const [switched, setSwitched] = useState<RegionOffer | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const result = useRef<HTMLDivElement>(null);

  // A new answer shows below the field, often below the fold: bring it up.
  useEffect(() => {
    if (view !== null) result.current?.scrollIntoView?.({ block: 'start' });
  }, [view]);

  const run = (from: KeySource, target: Region | null) =>
    check(
      from,
      () =>
        from === 'stored'
          ? api.checkStoredNylasAccount(target)
          : api.checkNylasAccount(from === 'typed' ? (input.current?.value ?? '') : null, target),
      (v) => {
        const offered = view?.check.other_region ?? null;
        setSwitched(v.kept && target !== null && offered?.region === target ? offered : null);
        setSource(from);
        setView(v);
        ctx.applyProgress(v.progress);
        setStored(v.stored);
        if (v.kept) {
          // Kept in Rust: nothing of it stays in the window.
          if (input.current !== null) input.current.value = '';
          setEditing(false);
        }
      },
      () => setView(null),
    );

  const offer = view !== null && !view.kept ? view.check.other_region : null;
  const kept = view !== null && view.kept ? view : null;
  const showForm = stored === null || editing || (stored !== undefined && offer !== null && source !== 'stored');
  const stale = record !== null && record.region !== region;

  return (
    <div class="nylas-account-step" data-testid="nylas-account-step">
      <section class="step-section" aria-labelledby="nylas-key-title">
        <h2 class="group-title" id="nylas-key-title">
          Your Nylas API key
        </h2>
        <p class="group-help" data-testid="nylas-key-region">
          We check the key in the <strong>{REGION_WORDS[region]}</strong> region, the one you picked on the Region
          step. Checking only reads your application; nothing in Nylas changes.
        </p>
        {stored !== undefined && stored !== null && !editing && (
          <div class="nylas-key-saved" data-testid="nylas-key-saved">
            <p class="secret-stored">
              <LockIcon size={16} />
              <span>
                Key saved {stored.persistent ? 'in your system keychain' : 'for this run only'}:{' '}
                <code data-testid="nylas-key-hint">{stored.hint}</code>
              </span>
            </p>
            {record !== null && kept === null && (
              <p class={stale ? 'field-hint nylas-key-stale' : 'field-hint'} data-testid="nylas-key-record">
                {stale
                  ? `It was checked in the ${REGION_WORDS[record.region]} region, but your region is now ${REGION_WORDS[region]}. Check it again.`
                  : `Checked on ${localDate(record.checked_at)}: it opens ${record.name ?? 'your application'} in the ${REGION_WORDS[record.region]} region.`}
              </p>
            )}
            <SavedActions
              prefix="nylas-key"
              primary={stale || record === null}
              checking={busy === 'stored'}
              busy={busy !== null}
              replaceLabel="Use a different key"
              onRecheck={() => void run('stored', null)}
              onReplace={() => {
                setEditing(true);
                setView(null);
              }}
            />
          </div>
        )}

        {stored === null && record !== null && kept === null && (
          <p class="field-hint nylas-key-stale" data-testid="nylas-key-missing">
            A key was checked on {localDate(record.checked_at)}, but it isn't saved any more (keys entered in practice
            mode are forgotten when it ends). Paste it again.
          </p>
        )}

        {practice && showForm && stored !== undefined && (
          <div class="note nylas-practice-key" data-testid="nylas-practice-note">
            <p>
              <strong>Practice mode:</strong> use the practice key of a made-up {REGION_WORDS[region]} application. It
              only opens the simulator.
            </p>
            <button
              type="button"
              class="btn btn-secondary btn-small"
              data-testid="nylas-practice-key"
              aria-disabled={busy !== null ? 'true' : undefined}
              onClick={() => void run('practice', null)}
            >
              {busy === 'practice' ? 'Checking…' : 'Use the practice key'}
            </button>
          </div>
        )}

        {showForm && stored !== undefined && (
          <form
            class="field-block"
            onSubmit={(e) => {
              e.preventDefault();
              void run('typed', null);
            }}
          >
            <label class="field-label" for="nylas-key-input">
              Nylas API key
            </label>
            <div class="field-row">
              <input
                ref={input}
                id="nylas-key-input"
                class="text-input mono"
                type="password"
                autoComplete="off"
                spellcheck={false}
                aria-describedby="nylas-key-where"
                data-testid="nylas-key-input"
              />
              <button
                type="submit"
                class="btn btn-primary"
                data-testid="nylas-key-check"
                aria-disabled={busy !== null ? 'true' : undefined}
              >
                {busy === 'typed' ? 'Checking…' : 'Check the key'}
              </button>
            </div>
            <p class="field-hint" id="nylas-key-where" data-testid="nylas-key-where">
              Where to find it: in the Nylas Dashboard, open your application, then <strong>API Keys</strong>. Copy an
              existing key, or create one for this setup.
            </p>
            <p class="field-hint">
              It goes straight to {keptWhere(ctx)}, and only once it works; the wizard shows just its first and last
              characters afterwards.
            </p>
            {editing && stored !== null && (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => setEditing(false)}>
                Keep the saved key ({stored.hint})
              </button>
            )}
          </form>
        )}

        <CheckingStatus
          prefix="nylas-key"
          asking="Asking Nylas about your key…"
          busy={busy !== null}
          stopped={stopped}
          onCancel={cancel}
        />
        {error !== null && <ErrorCard error={error} />}
        <p class="no-account">
          <strong>No Nylas account yet?</strong> Create it first in the Nylas dashboard: you pick its region there.
        </p>
        <DashboardLink ctx={ctx} />
      </section>

      <div class="nylas-result" ref={result}>
        {offer !== null && view !== null && (
          <Callout
            tone="warning"
            title={offer.message}
            testId="nylas-region-offer"
            role="status"
            actions={
              <>
                <button
                  type="button"
                  class="btn btn-primary"
                  data-testid="nylas-switch-region"
                  aria-disabled={busy !== null ? 'true' : undefined}
                  onClick={() => void run(source, offer.region)}
                >
                  Switch to the {REGION_WORDS[offer.region]} region
                </button>
                <button
                  type="button"
                  class="btn btn-quiet"
                  data-testid="nylas-offer-other-key"
                  onClick={() => {
                    setView(null);
                    setEditing(true);
                    input.current?.focus();
                  }}
                >
                  Use a different key
                </button>
              </>
            }
          >
            <p>
              It opens <strong>{view.check.application.branding_name ?? 'an application'}</strong>, but your region
              answer is {REGION_WORDS[view.check.chosen_region]}, so the key isn't saved yet.
            </p>
            <p>{offer.what_changes}</p>
          </Callout>
        )}

        {kept !== null && switched !== null && (
          <Callout
            tone="info"
            title={`Your region is now ${REGION_WORDS[switched.region]}`}
            testId="nylas-region-switched"
            role="status"
          >
            <p>
              Your Azure app needs the {REGION_WORDS[switched.region]} redirect URI. Check the Azure app step again
              before you go on:
            </p>
            <CopyValue value={switched.redirect_uri} label="redirect URI" testId="nylas-switched-redirect-uri" />
          </Callout>
        )}
        {kept !== null && (
          <ApplicationCard view={kept} next={ctx.path.steps.find((st) => st.id === 'connector')?.title ?? 'Configure Nylas'} />
        )}
      </div>
    </div>
  );
}

/** `next`: the title of the step that configures Nylas on this path
 *  ("Configure Nylas", or migration's "Microsoft connector"). */
function ApplicationCard({ view, next }: { view: NylasAccountView; next: string }) {
  const app = view.check.application;
  return (
    <section class="step-section nylas-app-card" aria-labelledby="nylas-app-title" data-testid="nylas-app-card">
      <h2 class="group-title" id="nylas-app-title">
        <CheckCircleIcon size={20} class="nylas-app-ok" />
        <span>The key works: {app.branding_name ?? 'your Nylas application'}</span>
      </h2>
      <dl class="nylas-app-facts">
        <dt>Name</dt>
        <dd data-testid="nylas-app-name">{app.branding_name ?? 'No name set in the dashboard'}</dd>
        <dt>Application ID</dt>
        <dd>
          <CopyValue value={app.application_id} label="application ID" testId="nylas-app-id" />
        </dd>
        <dt>Region</dt>
        <dd data-testid="nylas-app-region">{REGION_WORDS[app.region]}</dd>
        <dt>Environment</dt>
        <dd data-testid="nylas-app-environment">{app.environment ?? 'Not stated'}</dd>
        {app.organization_id !== null && (
          <>
            <dt>Organization ID</dt>
            <dd>
              <code class="nylas-org-id">{app.organization_id}</code>
            </dd>
          </>
        )}
      </dl>
      <h3 class="nylas-app-subtitle">Callback URIs already registered</h3>
      {app.callback_uris.length === 0 ? (
        <p class="field-hint" data-testid="nylas-app-no-callbacks">
          None yet. The {next} step adds the ones this setup needs.
        </p>
      ) : (
        <ul class="uri-list" data-testid="nylas-app-callbacks">
          {app.callback_uris.map((c) => (
            <li key={c.id ?? c.url}>
              <CopyValue value={c.url} label="callback URI" testId="nylas-app-callback" />
            </li>
          ))}
        </ul>
      )}
      <p class="field-hint" data-testid="nylas-app-next">
        Nothing in Nylas was changed. Next, {next} shows exactly what it will set up before it changes anything.
      </p>
    </section>
  );
}
