// Path E's two bulk steps share this panel (issue 12, points 2, 4 and 5):
// choose a CSV file (or paste it; the text area stays uncontrolled), see
// its rows and the rows left out with their reason, then run. While it
// runs: a progress bar with counts and time left, Stop, and a status per
// row as Rust reports it. A list an earlier run didn't finish offers to
// continue. Afterwards: what happened, and the failures saved as CSV.
// Rust parses, runs, journals and words every reason; this view shows.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { type BulkStepView, type WizardApiError, toWizardError } from '../api';
import type { BulkItem } from '../bindings/BulkItem';
import type { BulkKind } from '../bindings/BulkKind';
import type { BulkProgress } from '../bindings/BulkProgress';
import type { BulkSummary } from '../bindings/BulkSummary';
import type { ItemState } from '../bindings/ItemState';
import { Callout } from '../components/callout';
import { ErrorCard } from '../components/error-card';
import { FileIcon } from '../components/icons';
import type { StepViewProps } from './types';
import '../styles/bulk.css';
import '../styles/migrate.css';

/** Rows shown in the table at once; the failures CSV has them all. */
const SHOWN = 200;

export interface BulkWords {
  /** "tenant" / "mailbox", and their plurals. */
  one: string;
  many: string;
  fileTitle: string;
  fileHelp: ComponentChildren;
  placeholder: string;
  chooseLabel: string;
  /** The start button for `n` items. */
  start: (n: number) => string;
  /** The sentence when every item is done. */
  allDone: (s: BulkSummary) => string;
  /** What the result adds when all is done (where to go next). */
  next: string;
}

const STATE_TEXT: Record<ItemState, string> = {
  pending: 'Not done yet',
  running: 'Working…',
  created: 'Created',
  reused: 'Already there',
  failed: 'Failed',
  skipped: 'Skipped',
};

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(file);
  });
}

/** "about 2 minutes left" from Rust's estimate. */
export function timeLeft(seconds: number | null): string {
  if (seconds === null) return 'working out the time left…';
  if (seconds < 5) return 'almost done';
  if (seconds < 60) return `about ${seconds} seconds left`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'about 1 minute left' : `about ${minutes} minutes left`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface BulkRunPanelProps extends StepViewProps {
  kind: BulkKind;
  words: BulkWords;
  read: () => Promise<BulkStepView>;
  readFileText: (text: string, source: string | null) => Promise<BulkStepView>;
  /** Shown just above the start button (e.g. the Tenants step's plan). */
  children?: ComponentChildren;
  /** Called when the list changed (a new file) or a run finished. */
  onChanged?: (view: BulkStepView | null) => void;
}

export function BulkRunPanel({ ctx, kind, words, read, readFileText, children, onChanged }: BulkRunPanelProps) {
  const [view, setView] = useState<BulkStepView | null>(null);
  const [items, setItems] = useState<BulkItem[]>([]);
  const [live, setLive] = useState<BulkProgress | null>(null);
  const [running, setRunning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BulkSummary | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const pasted = useRef<HTMLTextAreaElement>(null);
  const resultRef = useRef<HTMLElement>(null);

  const show = (v: BulkStepView) => {
    setView(v);
    // This window's last run shows its reasons; else the journal's states.
    setItems(v.last_run?.items ?? v.items);
    setResult(v.last_run);
  };

  useEffect(() => {
    let alive = true;
    read()
      .then((v) => {
        if (!alive) return;
        show(v);
        onChanged?.(v);
      })
      .catch((e: unknown) => alive && setError(toWizardError(e)));
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    if (result !== null && !running) resultRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [result, running]);

  const take = async (text: string, source: string | null) => {
    if (busy || running) return;
    setBusy(true);
    setError(null);
    setSavedTo(null);
    try {
      const v = await readFileText(text, source);
      show({ ...v, last_run: null });
      setResult(null);
      ctx.applyProgress(v.progress);
      onChanged?.(v);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const takeFile = async (file: File | undefined) => {
    if (file === undefined) return;
    let text: string;
    try {
      text = await readFile(file);
    } catch {
      setError(
        toWizardError({ code: 'io', message: `${file.name} couldn't be read.`, hint: 'Save the file again and choose it again.' }),
      );
      return;
    }
    await take(text, file.name);
  };

  const start = async (fresh: boolean) => {
    if (running || view === null) return;
    setRunning(true);
    setError(null);
    setSavedTo(null);
    setResult(null);
    setLive(null);
    // A fresh start shows every row waiting; a continued one keeps the done ones.
    setItems(view.items.map((i) => (fresh || i.state === 'failed' ? { ...i, state: 'pending', reason: null } : i)));
    try {
      const done = await api.bulkRun(kind, fresh, (p) => {
        setLive(p);
        const item = p.item;
        if (item !== null) setItems((old) => old.map((i) => (i.key === item.key ? item : i)));
      });
      setItems(done.summary.items);
      setResult(done.summary);
      ctx.applyProgress(done.progress);
      setView({ ...view, last_run: done.summary, done_before: done.summary.created + done.summary.reused });
      onChanged?.({ ...view, last_run: done.summary });
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setRunning(false);
    }
  };

  const goBack = async (step: string) => {
    try {
      ctx.applyProgress(await api.goToStep(step));
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const stop = () => void api.cancelRemote(kind === 'credentials' ? 'bulk_run_credentials' : 'bulk_run_grants');

  const saveFailures = async () => {
    try {
      setSavedTo(await api.bulkSaveFailures(kind));
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const total = view?.items.length ?? 0;
  const missing = view?.missing ?? [];
  const resumable = view !== null && result === null && !running && view.done_before > 0 && view.done_before < total;
  const allBefore = view !== null && result === null && !running && total > 0 && view.done_before === total;

  return (
    <div class="bulk-run" data-testid={`bulk-${kind}`}>
      {missing.length > 0 && (
        <Callout tone="warning" icon="warning" testId="bulk-missing" title="An earlier step needs finishing first">
          <ul class="bulk-list">
            {missing.map((m) => (
              <li key={m.what}>
                {m.what}{' '}
                <button
                  type="button"
                  class="btn btn-secondary btn-small"
                  data-testid={`bulk-goto-${m.step}`}
                  onClick={() => void goBack(m.step)}
                >
                  Go back to {m.step_title}
                </button>
              </li>
            ))}
          </ul>
        </Callout>
      )}
      <section class="step-section" aria-labelledby={`bulk-${kind}-file-title`}>
        <h2 class="group-title" id={`bulk-${kind}-file-title`}>
          {words.fileTitle}
        </h2>
        <p class="group-help">{words.fileHelp}</p>
        <input
          ref={fileRef}
          type="file"
          accept=".csv,text/csv"
          class="visually-hidden"
          data-testid={`bulk-${kind}-file`}
          disabled={busy || running}
          onChange={(e) => {
            const input = e.currentTarget;
            void takeFile(input.files?.[0]).finally(() => {
              // Choosing the same file again reads it again.
              input.value = '';
            });
          }}
        />
        <button
          type="button"
          class={view !== null && total > 0 ? 'btn btn-secondary' : 'btn btn-primary'}
          data-testid={`bulk-${kind}-choose`}
          disabled={busy || running}
          onClick={() => fileRef.current?.click()}
        >
          <FileIcon size={16} />
          <span>{busy ? 'Reading…' : total > 0 ? 'Choose another file…' : words.chooseLabel}</span>
        </button>
        <details class="migrate-paste-details">
          <summary>Or paste the list</summary>
          <textarea
            ref={pasted}
            class="text-input migrate-paste"
            rows={4}
            aria-label={`The ${words.many} list, pasted`}
            placeholder={words.placeholder}
            spellcheck={false}
            data-testid={`bulk-${kind}-paste`}
          />
          <button
            type="button"
            class="btn btn-secondary"
            data-testid={`bulk-${kind}-read-pasted`}
            // Not disabled while running (take() waits its turn): a state
            // change inside the closed <details> starts transitions WebKit
            // never finishes, and the window never settles.
            onClick={() => void take(pasted.current?.value ?? '', null)}
          >
            Read the pasted list
          </button>
        </details>
        {view !== null && view.problems.length > 0 && (
          <div data-testid={`bulk-${kind}-problems`}>
            <h3 class="scope-subhead">
              {plural(view.problems.length, 'row was', 'rows were')} left out: fix {view.problems.length === 1 ? 'it' : 'them'} in
              the file and choose it again
            </h3>
            <table class="migrate-table">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Row
                  </th>
                  <th scope="col">What it says</th>
                  <th scope="col">Why it was left out</th>
                </tr>
              </thead>
              <tbody>
                {view.problems.map((p) => (
                  <tr key={p.row}>
                    <td class="num">{p.row}</td>
                    <td>
                      <code>{p.text}</code>
                    </td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {error !== null && <ErrorCard error={error} />}

      {view !== null && total > 0 && (
        <section class="step-section" aria-labelledby={`bulk-${kind}-list-title`} data-testid={`bulk-${kind}-list`}>
          <h2 class="group-title" id={`bulk-${kind}-list-title`}>
            {plural(total, words.one, words.many)}
            {view.source !== null ? ` in ${view.source}` : ''}
          </h2>

          {resumable && (
            <Callout tone="info" icon="info" testId={`bulk-${kind}-resume`} title={`${view.done_before} of ${total} were done last time`}>
              <p>Continue to do the other {total - view.done_before}. Nothing that is already done is created twice.</p>
            </Callout>
          )}
          {allBefore && (
            <p class="muted" data-testid={`bulk-${kind}-all-before`}>
              All {plural(total, words.one, words.many)} were done last time. Running it again checks each one and creates
              nothing twice.
            </p>
          )}

          {result !== null && !running && (
            <Result
              result={result}
              words={words}
              savedTo={savedTo}
              onSave={() => void saveFailures()}
              headingRef={resultRef}
            />
          )}

          {!running && result === null && children}
          {!running && (
            <div class="bulk-actions">
              <button
                type="button"
                class={result !== null && result.failed === 0 && !result.cancelled ? 'btn btn-secondary' : 'btn btn-primary'}
                data-testid={`bulk-${kind}-start`}
                disabled={missing.length > 0 || busy}
                onClick={() => void start(false)}
              >
                {resumable
                  ? `Continue with the other ${total - view.done_before}`
                  : result === null
                    ? words.start(total)
                    : result.cancelled
                      ? 'Continue with the rest'
                      : result.failed > 0
                        ? `Try the ${plural(result.failed, words.one, words.many)} that failed again`
                        : 'Run it again (nothing is created twice)'}
              </button>
              {resumable && (
                <button
                  type="button"
                  class="btn btn-secondary"
                  data-testid={`bulk-${kind}-fresh`}
                  disabled={missing.length > 0 || busy}
                  onClick={() => void start(true)}
                >
                  Start again from the first
                </button>
              )}
            </div>
          )}

          {running && <RunProgress live={live} total={total} words={words} onStop={stop} />}

          <table class="migrate-table bulk-items" data-testid={`bulk-${kind}-items`}>
            <thead>
              <tr>
                <th scope="col">{words.one[0]!.toUpperCase() + words.one.slice(1)}</th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.slice(0, SHOWN).map((i) => (
                <tr key={i.key} class={`bulk-item bulk-item-${i.state}`} data-testid="bulk-item">
                  <td>{i.label}</td>
                  <td class="bulk-state">{STATE_TEXT[i.state]}</td>
                  <td>{i.reason ?? (i.id !== null ? <code class="bulk-id">{i.id}</code> : null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length > SHOWN && (
            <p class="muted">
              The first {SHOWN} of {items.length} are shown; the failures file lists every one that failed.
            </p>
          )}
        </section>
      )}
    </div>
  );
}

function RunProgress({ live, total, words, onStop }: { live: BulkProgress | null; total: number; words: BulkWords; onStop: () => void }) {
  const finished = live?.finished ?? 0;
  const max = live?.total ?? total;
  return (
    <div class="bulk-progress" data-testid="bulk-progress">
      <progress value={finished} max={Math.max(max, 1)} aria-label={`${finished} of ${max} ${words.many} done`} />
      <p role="status" aria-live="polite" data-testid="bulk-progress-text">
        <strong>
          {finished} of {max} done
        </strong>{' '}
        · {live?.created ?? 0} created · {live?.reused ?? 0} already there · {live?.failed ?? 0} failed ·{' '}
        {timeLeft(live?.eta_seconds ?? null)}
      </p>
      <button type="button" class="btn btn-secondary" data-testid="bulk-stop" onClick={onStop}>
        Stop
      </button>
      <p class="field-hint">
        Stop lets the ones under way finish and starts no more. You can continue later: nothing is created twice.
      </p>
    </div>
  );
}

interface ResultProps {
  result: BulkSummary;
  words: BulkWords;
  savedTo: string | null;
  onSave: () => void;
  headingRef: { current: HTMLElement | null };
}

function Result({ result, words, savedTo, onSave, headingRef }: ResultProps) {
  const done = result.created + result.reused;
  const title = result.cancelled ? 'Stopped' : result.failed > 0 ? 'Finished, with failures' : 'Done';
  const tone = result.cancelled || result.failed > 0 ? 'warning' : 'info';
  let text: string;
  if (result.cancelled) {
    text = `Stopped after ${done} of ${result.total}. Continue later to do the rest: nothing is created twice.`;
  } else if (result.failed > 0) {
    text = `${done} of ${result.total} done (${result.created} created, ${result.reused} already there); ${plural(result.failed, words.one, words.many)} failed. The reason is next to each below: fix it and run again.`;
  } else {
    text = `${words.allDone(result)} ${words.next}`;
  }
  return (
    <section class="bulk-result" data-testid="bulk-result" ref={headingRef} tabIndex={-1}>
      <Callout tone={tone} icon={tone === 'info' ? 'info' : 'warning'} testId="bulk-result-card" title={title} role="status">
        <p data-testid="bulk-result-text">{text}</p>
        {result.failed > 0 && (
          <div class="bulk-actions">
            <button type="button" class="btn btn-secondary" data-testid="bulk-save-failures" onClick={onSave}>
              Save the {plural(result.failed, 'failure', 'failures')} as a CSV file
            </button>
          </div>
        )}
        {savedTo !== null && (
          <p class="migrate-saved" role="status" data-testid="bulk-failures-saved">
            Saved to <code>{savedTo}</code>
          </p>
        )}
      </Callout>
    </section>
  );
}
