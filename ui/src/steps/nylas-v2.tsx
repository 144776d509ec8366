// Nylas v2 app (paths B and C): the v2 application's client ID and client
// secret, checked in the region from the Region step. Rust keeps the secret
// only when Nylas accepts it (system keychain, or memory in practice mode)
// and answers with what the check proved, what it can't prove yet, and the
// secret's hint, never the secret. Both fields are uncontrolled; the secret
// field is cleared once the secret is kept.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { NylasV2AppView } from '../api';
import type { Region } from '../bindings/Region';
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
import '../styles/nylas-v2.css';

const REGION_WORDS: Record<Region, string> = { us: 'US', eu: 'EU' };
const COMMAND = 'check_nylas_v2_app';
/** Accounts shown by name; the rest are counted. */
const SHOWN_ACCOUNTS = 10;

/** Which values the last check used. */
type Source = 'typed' | 'practice' | 'stored';

export function NylasV2Step({ ctx }: StepViewProps) {
  const progress = ctx.session.progress;
  const region: Region = progress.current?.region ?? 'us';
  const record = progress.answers.nylas_v2;
  const teams = progress.path === 'teams';
  const practice = ctx.session.practice.enabled;
  // undefined while asking Rust whether a secret is saved.
  const [editing, setEditing] = useState(false);
  const [view, setView] = useState<NylasV2AppView | null>(null);
  const { stored, setStored, busy, stopped, error, check, cancel } = useSecretCheck<Source>(
    'nylas_v2_client_secret',
    ctx,
    () => COMMAND,
  );
  const idInput = useRef<HTMLInputElement>(null);
  const secretInput = useRef<HTMLInputElement>(null);
  const result = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (view !== null) result.current?.scrollIntoView?.({ block: 'start' });
  }, [view]);

  const run = (from: Source) =>
    check(
      from,
      () =>
        from === 'typed'
          ? api.checkNylasV2App(idInput.current?.value ?? '', secretInput.current?.value ?? '')
          : api.checkNylasV2App(null, null),
      (v) => {
        setView(v);
        ctx.applyProgress(v.progress);
        setStored(v.stored);
        // Kept in Rust: nothing of the secret stays in the window.
        if (secretInput.current !== null) secretInput.current.value = '';
        setEditing(false);
      },
      () => setView(null),
    );

  const saved = stored !== undefined && stored !== null && record !== null;
  const showForm = stored !== undefined && (!saved || editing);
  const stale = record !== null && record.region !== region;

  return (
    <div class="nylas-account-step nylas-v2-step" data-testid="nylas-v2-step">
      <section class="step-section" aria-labelledby="nylas-v2-title">
        <h2 class="group-title" id="nylas-v2-title">
          Your Nylas v2 application
        </h2>
        <p class="group-help" data-testid="nylas-v2-region">
          We check its client ID and client secret in the <strong>{REGION_WORDS[region]}</strong> region, the one you
          picked on the Region step.{' '}
          {teams
            ? 'We also ask the Nylas Teams integrations service (a beta) whether it accepts this app.'
            : 'We read the list of accounts the app has.'}{' '}
          Checking only reads; nothing in Nylas changes.
        </p>

        {saved && !editing && (
          <div class="nylas-key-saved" data-testid="nylas-v2-saved">
            <p class="secret-stored">
              <LockIcon size={16} />
              <span>
                Client ID <code data-testid="nylas-v2-saved-id">{record.client_id}</code>, secret saved{' '}
                {stored.persistent ? 'in your system keychain' : 'for this run only'}:{' '}
                <code data-testid="nylas-v2-hint">{stored.hint}</code>
              </span>
            </p>
            {view === null && (
              <p class={stale ? 'field-hint nylas-key-stale' : 'field-hint'} data-testid="nylas-v2-record">
                {stale
                  ? `They were checked in the ${REGION_WORDS[record.region]} region, but your region is now ${REGION_WORDS[region]}. Check them again.`
                  : `Checked on ${localDate(record.checked_at)} in the ${REGION_WORDS[record.region]} region.`}
              </p>
            )}
            <SavedActions
              prefix="nylas-v2"
              primary={stale}
              checking={busy === 'stored'}
              busy={busy !== null}
              replaceLabel="Use a different app"
              onRecheck={() => void run('stored')}
              onReplace={() => {
                setEditing(true);
                setView(null);
              }}
            />
          </div>
        )}

        {stored === null && record !== null && view === null && (
          <p class="field-hint nylas-key-stale" data-testid="nylas-v2-missing">
            Client ID {record.client_id} was checked on {localDate(record.checked_at)}, but its secret isn't saved any
            more (secrets entered in practice mode are forgotten when it ends). Paste it again.
          </p>
        )}

        {practice && showForm && (
          <div class="note nylas-practice-key" data-testid="nylas-v2-practice-note">
            <p>
              <strong>Practice mode:</strong> use a made-up {REGION_WORDS[region]} v2 application. It only opens the
              simulator.
            </p>
            <button
              type="button"
              class="btn btn-secondary btn-small"
              data-testid="nylas-v2-practice"
              aria-disabled={busy !== null ? 'true' : undefined}
              onClick={() => void run('practice')}
            >
              {busy === 'practice' ? 'Checking…' : 'Use the practice app'}
            </button>
          </div>
        )}

        {showForm && (
          <form
            class="field-block"
            onSubmit={(e) => {
              e.preventDefault();
              void run('typed');
            }}
          >
            <label class="field-label" for="nylas-v2-id-input">
              Client ID
            </label>
            <input
              ref={idInput}
              id="nylas-v2-id-input"
              class="text-input mono"
              type="text"
              autoComplete="off"
              spellcheck={false}
              defaultValue={record?.client_id ?? ''}
              aria-describedby="nylas-v2-where"
              data-testid="nylas-v2-id-input"
            />
            <label class="field-label" for="nylas-v2-secret-input">
              Client secret
            </label>
            <div class="field-row">
              <input
                ref={secretInput}
                id="nylas-v2-secret-input"
                class="text-input mono"
                type="password"
                autoComplete="off"
                spellcheck={false}
                aria-describedby="nylas-v2-where"
                data-testid="nylas-v2-secret-input"
              />
              <button
                type="submit"
                class="btn btn-primary"
                data-testid="nylas-v2-check"
                aria-disabled={busy !== null ? 'true' : undefined}
              >
                {busy === 'typed' ? 'Checking…' : 'Check'}
              </button>
            </div>
            <p class="field-hint" id="nylas-v2-where" data-testid="nylas-v2-where">
              Where to find them: in the Nylas v2 dashboard, open your application, then <strong>App Settings</strong>.
              They are not a Nylas v3 API key.
            </p>
            <p class="field-hint">
              The secret goes straight to {keptWhere(ctx)}, and only once Nylas accepts it; the wizard shows just its first
              and last characters afterwards.
            </p>
            {editing && saved && (
              <button type="button" class="btn btn-quiet btn-small" onClick={() => setEditing(false)}>
                Keep the saved app ({stored.hint})
              </button>
            )}
          </form>
        )}

        <CheckingStatus
          prefix="nylas-v2"
          asking="Asking Nylas about your v2 app…"
          busy={busy !== null}
          stopped={stopped}
          onCancel={cancel}
        />
        {error !== null && <ErrorCard error={error} />}
        <DashboardLink ctx={ctx} />
      </section>

      <div class="nylas-result" ref={result}>
        {view !== null && <CheckCard view={view} teams={teams} />}
      </div>
    </div>
  );
}

function CheckCard({ view, teams }: { view: NylasV2AppView; teams: boolean }) {
  const c = view.check;
  const shown = c.accounts.slice(0, SHOWN_ACCOUNTS);
  const more = c.accounts.length - shown.length;
  return (
    <section class="step-section nylas-app-card" aria-labelledby="nylas-v2-ok-title" data-testid="nylas-v2-card">
      <h2 class="group-title" id="nylas-v2-ok-title">
        <CheckCircleIcon size={20} class="nylas-app-ok" />
        <span>Nylas accepts your v2 app</span>
      </h2>
      <dl class="nylas-app-facts">
        <dt>Client ID</dt>
        <dd>
          <code data-testid="nylas-v2-client-id">{c.client_id}</code>
        </dd>
        <dt>Region</dt>
        <dd data-testid="nylas-v2-card-region">{REGION_WORDS[c.region]}</dd>
        {teams && c.teams !== null && (
          <>
            <dt>Teams integration</dt>
            <dd data-testid="nylas-v2-teams">
              {c.teams.microsoft ? 'Already set up (checked on the next step)' : 'Not set up yet (the next step does it)'}
            </dd>
          </>
        )}
      </dl>
      <h3 class="nylas-app-subtitle">What we checked</h3>
      <ul class="nylas-v2-list" data-testid="nylas-v2-verified">
        {c.verified.map((v) => (
          <li key={v}>{v}</li>
        ))}
      </ul>
      {c.accounts.length > 0 && (
        <>
          <h3 class="nylas-app-subtitle">Accounts in the app</h3>
          <ul class="nylas-v2-list" data-testid="nylas-v2-accounts">
            {shown.map((a) => (
              <li key={a.id}>
                {a.email || a.id}
                {a.provider !== '' && <span class="field-hint"> ({a.provider})</span>}
              </li>
            ))}
          </ul>
          {(more > 0 || c.more_accounts) && (
            <p class="field-hint" data-testid="nylas-v2-more-accounts">
              {c.more_accounts ? 'And more: the v2 dashboard lists them all.' : `And ${more} more.`}
            </p>
          )}
        </>
      )}
      <h3 class="nylas-app-subtitle">What we can't check yet</h3>
      <ul class="nylas-v2-list" data-testid="nylas-v2-unverified">
        {c.unverified.map((u) => (
          <li key={u}>{u}</li>
        ))}
      </ul>
    </section>
  );
}
