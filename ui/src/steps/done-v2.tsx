// The Done step's "What was set up" for the Nylas v2 paths: B (Teams
// meetings) and C (v2 Graph events). Only what Rust's report says: the v2
// application (its client ID and where its secret is kept, never the
// secret), the Teams integration (path B) and the connected accounts.

import type { AccountsRecord } from '../bindings/AccountsRecord';
import type { Region } from '../bindings/Region';
import type { SetupReport } from '../bindings/SetupReport';
import { CopyValue } from '../components/copy-value';
import { AlertIcon, CheckIcon } from '../components/icons';

const REGION_WORDS: Record<Region, string> = { us: 'US', eu: 'EU' };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 of 3 accounts connected, 1 didn't." */
function countsText(r: AccountsRecord): string {
  const failed = r.failed > 0 ? `, ${r.failed} didn’t` : '';
  return `${r.connected} of ${plural(r.total, 'account', 'accounts')} connected${failed}.`;
}

function Accounts({ report, title, none }: { report: SetupReport; title: string; none: string }) {
  const counts = report.path === 'teams' ? report.teams_accounts : report.v2_accounts;
  return (
    <li data-testid="done-fact-accounts">
      <strong>{title}</strong>
      {counts === null ? (
        <span class="done-fact-note">{none}</span>
      ) : (
        <>
          <span class="done-fact-note" data-testid="done-accounts-counts">
            {countsText(counts)}
          </span>
          {report.accounts.length > 0 && (
            <ul class="done-configure" data-testid="done-accounts-list">
              {report.accounts.map((a) => (
                <li
                  key={a.account}
                  class={a.connected ? 'done-ok-line' : 'done-todo-line'}
                  data-connected={a.connected ? 'true' : 'false'}
                >
                  {a.connected ? <CheckIcon size={16} /> : <AlertIcon size={16} />}
                  <span>
                    <span class="visually-hidden">{a.connected ? 'Connected: ' : 'Not connected: '}</span>
                    <code>{a.account}</code>
                    {!a.connected && a.detail !== null && <span class="done-fact-note">{a.detail}</span>}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </li>
  );
}

/** The facts of what was set up on path B or C, one line each. */
export function V2SetUp({ report }: { report: SetupReport }) {
  const a = report.answers;
  const audit = report.audit;
  const v2 = report.nylas_v2;
  const secret = report.nylas_v2_client_secret;
  const teams = report.teams_integration;
  return (
    <ul class="done-facts" data-testid="done-facts">
      <li data-testid="done-fact-azure">
        <strong>Azure app</strong>
        {a.client_id !== null ? (
          <>
            {' '}
            <CopyValue value={a.client_id} label="Application (client) ID" />
          </>
        ) : (
          ': no Application (client) ID given'
        )}
        {a.tenant !== null && <span class="done-fact-note">In the tenant {a.tenant}.</span>}
        {audit !== null && (
          <span class="done-fact-note">
            {audit.fail === 0
              ? 'Its last check found nothing to fix.'
              : `Its last check found ${plural(audit.fail, 'thing', 'things')} to fix.`}
          </span>
        )}
        <span class="done-fact-note">
          {plural(a.scopes.length, 'permission', 'permissions')}
          {a.features.length > 0 ? ` for: ${a.features.join(', ')}` : ''}.
        </span>
      </li>
      <li data-testid="done-fact-nylas-v2">
        <strong>Nylas v2 application</strong>
        {v2 !== null ? (
          <>
            {' '}
            <CopyValue value={v2.client_id} label="Nylas v2 client ID" />
            <span class="done-fact-note">Checked in the {REGION_WORDS[v2.region]} region.</span>
          </>
        ) : (
          <span class="done-fact-note">Its client ID and secret haven’t been checked yet.</span>
        )}
        <span class="done-fact-note" data-testid="done-v2-secret">
          {secret === null
            ? 'Its client secret isn’t stored by the wizard.'
            : `Its client secret is ${secret.persistent ? 'in the keychain' : 'kept in memory for this run only'} (it looks like ${secret.hint}).`}
        </span>
      </li>
      {report.path === 'teams' && (
        <li data-testid="done-fact-teams">
          <strong>Microsoft Teams integration</strong>
          {teams === null ? (
            <span class="done-fact-note">Not created yet.</span>
          ) : (
            <>
              {' '}
              <CopyValue value={teams.integration_id} label="Integration ID" />
              <span class="done-fact-note">
                {teams.created ? 'Created by the wizard' : 'It was already there; the wizard kept it'}
                {teams.tenant.toLowerCase() === 'common'
                  ? ', for people from any organization.'
                  : ', for people in your organization only.'}
              </span>
              <span class="done-fact-note">
                {plural(teams.redirect_uris.length, 'redirect URI', 'redirect URIs')}:{' '}
                {teams.redirect_uris.map((u, i) => (
                  <span key={u}>
                    {i > 0 && ', '}
                    <code>{u}</code>
                  </span>
                ))}
              </span>
            </>
          )}
        </li>
      )}
      <Accounts
        report={report}
        title={report.path === 'teams' ? 'Accounts connected to Teams' : 'Accounts connected through Microsoft Graph'}
        none="No account has been connected yet."
      />
    </ul>
  );
}

/** The headline once nothing is left, per path. */
export function completeWords(path: SetupReport['path']): { title: string; body: string } {
  switch (path) {
    case 'teams':
      return {
        title: 'You’re done: Nylas can add Teams meetings for your accounts',
        body: 'The Teams integration is in place and your accounts connected. Save the report below to keep a record.',
      };
    case 'v2-events':
      return {
        title: 'You’re done: your accounts are connected to Nylas v2 through Microsoft Graph',
        body: 'Your Nylas v2 application was checked and your accounts connected. Save the report below to keep a record.',
      };
    default:
      return {
        title: 'You’re done: Microsoft accounts can sign in to Nylas',
        body: 'Everything the wizard set up was checked with Nylas just now and is in place, and a test account signed in. Save the report below to keep a record.',
      };
  }
}
