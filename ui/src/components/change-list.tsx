// The changes this wizard made to Microsoft and Nylas in this run, each
// with how to reverse it (issue 17, point 11). Rust records every write and
// builds the undo steps and links; this only shows them. "Changes made" in
// the header opens the whole list; the steps that change something show
// their own changes right after applying.

import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Change } from '../bindings/Change';
import type { ChangeTarget } from '../bindings/ChangeTarget';
import { CopyValue } from './copy-value';
import { ErrorCard } from './error-card';
import { ExternalIcon, WrenchIcon } from './icons';
import { Panel } from './summary-panel';
import '../styles/changes.css';

const WHERE: Record<ChangeTarget, string> = {
  azure_app: 'Azure app registration',
  nylas_application: 'Nylas application',
};

function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function ChangeItem({ change }: { change: Change }) {
  const [failed, setFailed] = useState<api.WizardApiError | null>(null);
  const open = async () => {
    try {
      await api.openLink(change.undo.link);
      setFailed(null);
    } catch (e) {
      setFailed(api.toWizardError(e));
    }
  };
  return (
    <li class="change-item" data-testid="change-item" data-kind={change.kind}>
      <p class="change-what">{change.what}</p>
      <p class="change-meta muted small">
        <span data-testid="change-where">{WHERE[change.target]}</span>
        {change.at !== '' && <span> · {when(change.at)}</span>}
      </p>
      {change.ids.length > 0 && (
        <dl class="change-ids">
          {change.ids.map((r) => (
            <div key={r.label} class="change-id">
              <dt>{r.label}</dt>
              <dd>
                <CopyValue value={r.value} label={r.label} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {change.diff.length > 0 && (
        <dl class="fix-step-change change-diff" data-testid="change-diff">
          {change.diff.map((d) => (
            <Fragment key={d.field}>
              {change.diff.length > 1 && <dt class="change-field">{d.field}</dt>}
              <dt>Before</dt>
              <dd data-testid="change-before">{d.before}</dd>
              <dt>After</dt>
              <dd data-testid="change-after">{d.after}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      <details class="change-undo" data-testid="change-undo">
        <summary>How to undo this</summary>
        <ol class="change-undo-steps">
          {change.undo.steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        {change.undo.caution !== null && (
          <p class="change-caution" data-testid="change-caution">
            <strong>Before you undo it:</strong> {change.undo.caution}
          </p>
        )}
        <p class="change-undo-link">
          <button type="button" class="btn btn-secondary btn-small" data-testid="change-undo-open" onClick={() => void open()}>
            <ExternalIcon size={16} />
            <span>{change.undo.link_label}</span>
          </button>
        </p>
        <CopyValue value={change.undo.url} label="link" />
        {failed !== null && <ErrorCard error={failed} />}
      </details>
    </li>
  );
}

interface ListProps {
  changes: Change[];
  testId?: string;
}

/** The changes given, each with its folded "How to undo this". */
export function ChangeList({ changes, testId = 'change-list' }: ListProps) {
  return (
    <ol class="change-list" data-testid={testId}>
      {changes.map((c) => (
        <ChangeItem key={c.seq} change={c} />
      ))}
    </ol>
  );
}

/** After an apply: what just changed, for the result of a step. */
export function JustChanged({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return null;
  return (
    <section class="just-changed" data-testid="just-changed" aria-label="What was changed">
      <p class="muted small">
        Each change below says how to undo it. All changes of this run are under “Changes made” at the top of the
        window.
      </p>
      <ChangeList changes={changes} testId="just-changed-list" />
    </section>
  );
}

/** The whole run's list in a panel. */
export function ChangesPanel({ onClose }: { onClose: () => void }) {
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [error, setError] = useState<api.WizardApiError | null>(null);
  useEffect(() => {
    api.listChanges().then(
      (log) => setChanges(log.changes),
      (e: unknown) => setError(api.toWizardError(e)),
    );
  }, []);
  return (
    <Panel title="Changes made" testId="changes-panel" onClose={onClose}>
      <p>
        What this wizard changed in Microsoft and Nylas in this run, oldest first. Nothing here is undone
        automatically: each change says how to reverse it yourself, and what that would affect.
      </p>
      {changes !== null && changes.length === 0 && (
        <p class="note" data-testid="changes-none">
          Nothing has been changed in Microsoft or Nylas yet.
        </p>
      )}
      {changes !== null && changes.length > 0 && <ChangeList changes={changes} />}
      {error !== null && <ErrorCard error={error} />}
    </Panel>
  );
}

/** "Changes made (N)" for the header: shown once something was changed. */
export function ChangesButton() {
  const [count, setCount] = useState(0);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let live = true;
    const refresh = () => {
      // Outside the app (or a failed read) there is simply nothing to show.
      api.listChanges().then(
        (log) => live && setCount(log.changes.length),
        () => undefined,
      );
    };
    refresh();
    const stop = api.onChangesMayHaveChanged(refresh);
    return () => {
      live = false;
      stop();
    };
  }, []);
  if (count === 0 && !open) return null;
  return (
    <>
      <button
        ref={button}
        type="button"
        class="btn btn-quiet btn-small"
        data-testid="changes-button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        title="What this wizard changed in Microsoft and Nylas, and how to undo each change"
      >
        <WrenchIcon size={16} />
        <span>Changes made ({count})</span>
      </button>
      {open && (
        <ChangesPanel
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}
