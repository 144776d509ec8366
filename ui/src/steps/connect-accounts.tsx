// Connect accounts (path B): each Nylas v2 account's user signs in to the
// Teams integration in the system browser, one after the other. Rust posts
// the sign-in request, opens the login page, listens for the browser's way
// back (or takes the address the admin pastes), keeps a journal so a
// stopped run resumes without signing a connected account in again, and
// streams each row's change here. This view shows the table, the progress,
// Cancel and Resume. The account list and the pasted address are
// uncontrolled inputs; the client secret never reaches the window.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { AccountRow } from '../bindings/AccountRow';
import type { AccountStatus } from '../bindings/AccountStatus';
import type { TeamsAuthEvent } from '../bindings/TeamsAuthEvent';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import type { StepViewProps } from './types';
import '../styles/connect-accounts.css';

/** Icon and words per status: never colour alone. */
const STATUS: Record<AccountStatus, { icon: string; word: string }> = {
  waiting: { icon: '○', word: 'Not connected yet' },
  signing_in: { icon: '…', word: 'Signing in' },
  connected: { icon: '✓', word: 'Connected' },
  failed: { icon: '✗', word: 'Failed' },
};

interface Current {
  account_id: string;
  index: number;
  total: number;
  login_url: string;
  opened: boolean;
}

function upsert(rows: AccountRow[], row: AccountRow): AccountRow[] {
  const at = rows.findIndex((r) => r.account_id === row.account_id);
  if (at < 0) return [...rows, row];
  const next = rows.slice();
  next[at] = row;
  return next;
}

function Detail({ row }: { row: AccountRow }) {
  if (row.status === 'connected') {
    return <span>{row.grant_id !== null ? `Grant ${row.grant_id}` : ''}</span>;
  }
  const parts = [row.message ?? '', row.event_code !== null ? `(event code ${row.event_code})` : ''];
  return <span>{parts.filter((p) => p !== '').join(' ')}</span>;
}

function AccountsTable({ rows }: { rows: AccountRow[] }) {
  return (
    <table class="accounts-table" data-testid="accounts-table">
      <thead>
        <tr>
          <th scope="col">Account ID</th>
          <th scope="col">Status</th>
          <th scope="col">Email</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.account_id} class={`is-${r.status}`} data-testid={`account-row-${r.account_id}`}>
            <td>
              <code>{r.account_id}</code>
            </td>
            <td data-testid={`account-status-${r.account_id}`}>
              <span aria-hidden="true">{STATUS[r.status].icon}</span> {STATUS[r.status].word}
            </td>
            <td>{r.email ?? ''}</td>
            <td class="accounts-detail">
              <Detail row={r} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ConnectAccountsStep({ ctx }: StepViewProps) {
  const practice = ctx.session.practice.enabled;
  const [view, setView] = useState<api.TeamsAccountsView | null>(null);
  const [rows, setRows] = useState<AccountRow[]>([]);
  const [running, setRunning] = useState(false);
  const [current, setCurrent] = useState<Current | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [pasteError, setPasteError] = useState<WizardApiError | null>(null);
  const [ended, setEnded] = useState<api.TeamsAccountsDone | null>(null);
  const ids = useRef<HTMLTextAreaElement>(null);
  const pasted = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api
      .teamsAccountsView()
      .then((v) => {
        setView(v);
        setRows(v.rows);
      })
      .catch((e: unknown) => setError(toWizardError(e)));
  }, []);

  const onEvent = (e: TeamsAuthEvent) => {
    if (e.event === 'rows') {
      setRows((old) => e.rows.reduce(upsert, old));
    } else if (e.event === 'signing_in') {
      setCurrent(e);
      setPasteError(null);
      setRows((old) => {
        const row = old.find((r) => r.account_id === e.account_id);
        return row === undefined ? old : upsert(old, { ...row, status: 'signing_in', message: null });
      });
    } else {
      setRows((old) => upsert(old, e.row));
    }
  };

  const run = async (list: string | null) => {
    if (running) return;
    setRunning(true);
    setError(null);
    setEnded(null);
    try {
      const done = await api.connectTeamsAccounts(list, onEvent);
      setRows((old) => done.outcome.rows.reduce(upsert, old));
      setEnded(done);
      ctx.applyProgress(done.progress);
    } catch (e) {
      setError(toWizardError(e));
      // The journal knows where each account got to.
      void api
        .teamsAccountsView()
        .then((v) => setRows(v.rows))
        .catch(() => undefined);
    } finally {
      setRunning(false);
      setCurrent(null);
    }
  };

  const paste = async () => {
    const url = pasted.current?.value.trim() ?? '';
    if (url === '') return;
    setPasteError(null);
    try {
      await api.pasteTeamsCallback(url);
      if (pasted.current !== null) pasted.current.value = '';
    } catch (e) {
      setPasteError(toWizardError(e));
    }
  };

  const cancel = () => {
    void api.cancelRemote('connect_teams_accounts').catch((e: unknown) => setError(toWizardError(e)));
  };

  const left = rows.filter((r) => r.status !== 'connected').length;
  const connected = rows.length - left;
  const blocked = view?.blocked ?? null;
  const allConnected = rows.length > 0 && left === 0 && !running;

  return (
    <div class="connect-accounts-step" data-testid="connect-accounts-step">
      <section class="step-section" aria-labelledby="ca-what">
        <h2 class="group-title" id="ca-what">
          Connect each account to Teams
        </h2>
        <p class="group-help" data-testid="connect-accounts-explain">
          Each Nylas v2 account's user signs in once with Microsoft and accepts the Teams permission (
          <code>OnlineMeetings.ReadWrite</code>).{' '}
          {practice
            ? 'In practice mode the simulator signs the made-up Contoso users in at once; nothing real is touched.'
            : 'The wizard opens each sign-in page in your browser, one account after the other: sign in there as that account (or send the page to its user).'}{' '}
          A stopped run can be resumed: accounts already connected are not signed in again.
        </p>
      </section>

      {blocked !== null && <ErrorCard error={toWizardError(blocked)} />}

      <section class="step-section" aria-labelledby="ca-list">
        <form
          class="field-block"
          onSubmit={(e) => {
            e.preventDefault();
            void run(ids.current?.value ?? '');
          }}
        >
          <label class="field-label" for="ca-ids" id="ca-list">
            Nylas v2 account IDs
          </label>
          <textarea
            ref={ids}
            id="ca-ids"
            class="text-input accounts-input"
            rows={4}
            spellcheck={false}
            autoComplete="off"
            placeholder={practice ? 'v2acct-contoso-adele\nv2acct-contoso-megan' : 'anz2nojgkfzfo4094wi291hzq'}
            aria-describedby="ca-ids-help"
            data-testid="connect-accounts-ids"
            disabled={running}
          />
          <p class="field-hint" id="ca-ids-help">
            One per line (commas work too). You find them in your v2 application's accounts in the Nylas Dashboard.
          </p>
          <div class="field-row">
            {/* Once every account is connected, Next is the thing to do. */}
            <button
              type="submit"
              class={allConnected ? 'btn btn-secondary' : 'btn btn-primary'}
              data-testid="connect-accounts-start"
              aria-disabled={running || blocked !== null ? 'true' : undefined}
              disabled={blocked !== null}
            >
              {running ? 'Connecting…' : 'Connect accounts'}
            </button>
            {!running && left > 0 && (
              <button
                type="button"
                class="btn btn-secondary"
                data-testid="connect-accounts-resume"
                disabled={blocked !== null}
                onClick={() => void run(null)}
              >
                Resume ({left} left)
              </button>
            )}
          </div>
        </form>
      </section>

      <div aria-live="polite">
        {running && (
          <div class="note connect-accounts-waiting" role="status" data-testid="connect-accounts-progress">
            <div class="connect-accounts-waiting-head">
              <p>
                <strong>
                  {current === null
                    ? 'Starting…'
                    : `Account ${current.index} of ${current.total} (${current.account_id}): waiting for the sign-in in the browser…`}
                </strong>
              </p>
              <button
                type="button"
                class="btn btn-secondary btn-small"
                data-testid="connect-accounts-cancel"
                onClick={cancel}
              >
                Cancel
              </button>
            </div>
            {current !== null && (
              <div class="detail-block">
                <p class="field-hint">
                  {current.opened
                    ? 'If no browser window opened, open this address yourself:'
                    : "Your browser didn't open by itself. Open this address in it:"}
                </p>
                <CopyValue value={current.login_url} label="sign-in address" testId="connect-accounts-url" />
                <form
                  class="field-block"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void paste();
                  }}
                >
                  <label class="field-label" for="ca-paste">
                    Browser didn't come back to the wizard? Paste the address it ended on
                  </label>
                  <div class="field-row">
                    <input
                      ref={pasted}
                      id="ca-paste"
                      class="text-input"
                      type="url"
                      autoComplete="off"
                      spellcheck={false}
                      placeholder={view?.redirect_uri ?? ''}
                      data-testid="connect-accounts-paste"
                    />
                    <button type="submit" class="btn btn-secondary" data-testid="connect-accounts-paste-use">
                      Use this address
                    </button>
                  </div>
                </form>
                {pasteError !== null && (
                  <p class="field-error" role="alert" data-testid="connect-accounts-paste-error">
                    {pasteError.message}
                  </p>
                )}
              </div>
            )}
          </div>
        )}
        {ended !== null && !running && (
          <p class="field-hint" data-testid="connect-accounts-summary">
            {ended.outcome.cancelled
              ? `Stopped. ${connected} of ${rows.length} connected; Resume goes on with the others.`
              : left === 0
                ? rows.length === 1
                  ? 'The account is connected.'
                  : `All ${rows.length} accounts are connected.`
                : `${connected} of ${rows.length} connected. Resume tries the others again.`}
          </p>
        )}
      </div>

      {error !== null && error.code !== 'cancelled' && <ErrorCard error={error} />}
      {rows.length > 0 && <AccountsTable rows={rows} />}
    </div>
  );
}
