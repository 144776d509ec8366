// Path D, Accounts: the admin chooses the exported list of their Nylas v2
// accounts (CSV with a header, or the v2 accounts API's JSON; or pastes it);
// Rust sorts every row into seed 002's four classes, and the window shows the
// counts, each account's action, the rows that couldn't be sorted and why,
// and saves the list of who must sign in again as CSV (through Rust). The
// file's text stays in memory only; the progress keeps counts, never an
// address.

import { useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { type WizardApiError, toWizardError } from '../api';
import type { Classification } from '../bindings/Classification';
import { Callout } from '../components/callout';
import { ErrorCard } from '../components/error-card';
import { FileIcon } from '../components/icons';
import type { StepViewProps } from './types';
import '../styles/migrate.css';

/** Accounts shown in the table at once; the saved CSV has them all. */
const SHOWN = 200;

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(file);
  });
}

export function MigrateAccountsStep({ ctx }: StepViewProps) {
  const record = ctx.session.progress.answers.migrate_accounts;
  const [sorted, setSorted] = useState<Classification | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  // The list as read: kept to save the re-authentication CSV from it.
  const text = useRef<string>('');
  const fileRef = useRef<HTMLInputElement>(null);
  const pasted = useRef<HTMLTextAreaElement>(null);

  const sort = async (body: string, from: string | null) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setSavedTo(null);
    try {
      const v = await api.classifyV2Accounts(body, from);
      text.current = body;
      setSorted(v.classification);
      setSource(from);
      ctx.applyProgress(v.progress);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const takeFile = async (file: File | undefined) => {
    if (file === undefined) return;
    try {
      await sort(await readFile(file), file.name);
    } catch {
      setError(
        toWizardError({
          code: 'io',
          message: `${file.name} couldn't be read.`,
          hint: 'Export the accounts again and choose the new file.',
        }),
      );
    }
  };

  const save = async () => {
    if (busy || text.current === '') return;
    setBusy(true);
    setError(null);
    try {
      setSavedTo(await api.saveReauthCsv(text.current));
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="migrate-accounts-step" data-testid="migrate-accounts-step">
      <p class="step-intro">
        When Nylas imports your v2 accounts into v3, some keep working and some must sign in again. Choose the list of
        your v2 accounts and we sort each one and say what to do.
      </p>
      <section class="step-section" aria-labelledby="migrate-file-title">
        <h2 class="group-title" id="migrate-file-title">
          Your v2 account list
        </h2>
        <p class="group-help">
          A CSV file with a header row (<code>email,provider,authentication_type</code> at least), or the JSON your v2
          accounts API returns. Nothing is uploaded: the list stays on this computer.
        </p>
        <input
          ref={fileRef}
          id="migrate-accounts-file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          class="visually-hidden"
          data-testid="migrate-accounts-file"
          disabled={busy}
          onChange={(e) => {
            const input = e.currentTarget;
            void takeFile(input.files?.[0]).finally(() => {
              // Choosing the same file again sorts it again.
              input.value = '';
            });
          }}
        />
        <button
          type="button"
          class="btn btn-primary"
          data-testid="migrate-choose-file"
          disabled={busy}
          onClick={() => fileRef.current?.click()}
        >
          <FileIcon size={16} />
          <span>{busy ? 'Sorting…' : 'Choose the account list…'}</span>
        </button>
        <details class="migrate-paste-details">
          <summary>Or paste the list</summary>
          <textarea
            ref={pasted}
            class="text-input migrate-paste"
            rows={5}
            aria-label="The account list, pasted"
            placeholder={'email,provider,authentication_type\nana@contoso.com,office365,token'}
            data-testid="migrate-accounts-paste"
            disabled={busy}
          />
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="migrate-sort-pasted"
            disabled={busy}
            onClick={() => void sort(pasted.current?.value ?? '', null)}
          >
            Sort the pasted list
          </button>
        </details>
      </section>
      {error !== null && <ErrorCard error={error} />}
      {sorted !== null ? (
        <Sorted c={sorted} source={source} busy={busy} savedTo={savedTo} onSave={() => void save()} />
      ) : (
        record !== null && (
          <p class="muted" data-testid="migrate-accounts-last">
            Last sorted{record.source !== null ? ` (${record.source})` : ''}: {record.total} rows, {record.reauth} must
            sign in again, {record.unclassified} couldn't be sorted. Choose the list again to see each account.
          </p>
        )
      )}
    </div>
  );
}

interface SortedProps {
  c: Classification;
  source: string | null;
  busy: boolean;
  savedTo: string | null;
  onSave: () => void;
}

function Sorted({ c, source, busy, savedTo, onSave }: SortedProps) {
  const shown = c.accounts.slice(0, SHOWN);
  return (
    <section class="step-section" aria-labelledby="migrate-sorted-title" data-testid="migrate-sorted">
      <h2 class="group-title" id="migrate-sorted-title">
        {c.total} {c.total === 1 ? 'account' : 'accounts'}
        {source !== null ? ` in ${source}` : ''}
      </h2>
      <table class="migrate-table migrate-counts" data-testid="migrate-counts">
        <thead>
          <tr>
            <th scope="col">What happens</th>
            <th scope="col" class="num">
              Accounts
            </th>
          </tr>
        </thead>
        <tbody>
          {c.counts.map((k) => (
            <tr key={k.class} data-testid={`migrate-count-${k.category}`}>
              <td>
                <strong>
                  {k.category}. {k.label}
                </strong>
                <div class="muted">{k.explanation}</div>
              </td>
              <td class="num">{k.count}</td>
            </tr>
          ))}
          <tr data-testid="migrate-count-unclassified">
            <td>
              <strong>Couldn't be sorted</strong>
              <div class="muted">Listed below with the reason; fix the rows and choose the list again.</div>
            </td>
            <td class="num">{c.unclassified.length}</td>
          </tr>
        </tbody>
      </table>
      {c.needs_ews_connector && (
        <Callout tone="info" icon="info" testId="migrate-ews" title="You have Exchange on your own servers">
          Those users sign in again through the EWS connector: set it up in Nylas v3 before asking them.
        </Callout>
      )}
      <div class="migrate-save">
        <button
          type="button"
          class={c.reauth > 0 ? 'btn btn-primary' : 'btn btn-secondary'}
          data-testid="migrate-save-csv"
          disabled={busy || c.reauth === 0}
          onClick={onSave}
        >
          Save the {c.reauth} {c.reauth === 1 ? 'account' : 'accounts'} to re-authenticate (CSV)
        </button>
        {savedTo !== null && (
          <p class="migrate-saved" role="status" data-testid="migrate-saved">
            Saved to <code>{savedTo}</code>
          </p>
        )}
      </div>
      {c.unclassified.length > 0 && (
        <>
          <h3 class="scope-subhead">Rows that couldn't be sorted</h3>
          <table class="migrate-table" data-testid="migrate-unclassified">
            <thead>
              <tr>
                <th scope="col" class="num">
                  Row
                </th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {c.unclassified.map((u) => (
                <tr key={u.row}>
                  <td class="num">{u.row}</td>
                  <td>{u.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {shown.length > 0 && (
        <>
          <h3 class="scope-subhead">Each account</h3>
          <table class="migrate-table" data-testid="migrate-accounts">
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col" class="num">
                  Class
                </th>
                <th scope="col">What to do</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={`${a.row}-${a.email}`}>
                  <td>{a.email}</td>
                  <td class="num">{a.category}</td>
                  <td>{a.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {c.accounts.length > SHOWN && (
            <p class="muted">
              The first {SHOWN} of {c.accounts.length} are shown; the saved CSV lists everyone who must sign in again.
            </p>
          )}
        </>
      )}
    </section>
  );
}
