// The summary to keep, reachable from every step: save it as Markdown or
// as print-friendly HTML (into Downloads, never over another file), or copy
// it. Rust builds the text from the saved progress; secrets never appear in
// it, only where they are kept and their hint.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { WizardApiError, toWizardError } from '../api';
import type { AuditReport } from '../bindings/AuditReport';
import type { LastAudit } from '../bindings/LastAudit';
import type { SummaryFormat } from '../bindings/SummaryFormat';
import { CopyButton } from './copy-button';
import { writeClipboard } from './copy-value';
import { ErrorCard } from './error-card';
import { Portal } from './portal';
import { CheckIcon, CloseIcon, CopyIcon, FileIcon, SaveIcon } from './icons';
import '../styles/summary.css';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

// The progress keeps only the last check's counts; the full report of the
// manifest check shown on the Azure app step is remembered here for the
// summary and the hand-off (never saved, gone when the window closes).
let lastReport: AuditReport | null = null;

/** Called with the manifest check's report while it is on screen. */
export function rememberAudit(report: AuditReport | null) {
  if (report !== null) lastReport = report;
}

/** What the window still has of the last audit. */
export function lastAudit(): LastAudit | null {
  return lastReport === null ? null : { report: lastReport, source: 'manifest' };
}

/** The checked app's client ID, when a manifest was checked. */
export function lastClientId(): string | null {
  return lastReport?.app_id ?? null;
}

/** For tests. */
export function forgetAudit() {
  lastReport = null;
}

interface PanelProps {
  title: string;
  testId: string;
  onClose: () => void;
  children: ComponentChildren;
}

/** A small modal panel: Esc, Close or a click outside closes it; Tab stays inside. */
export function Panel({ title, testId, onClose, children }: PanelProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || ref.current === null) return;
    const items = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = items[0];
    const last = items[items.length - 1];
    if (first === undefined || last === undefined) return;
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !ref.current.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !ref.current.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <Portal>
    <div class="dialog-backdrop" onClick={onClose}>
      <div
        ref={ref}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        data-testid={testId}
        onKeyDown={onKeyDown}
        onClick={(e) => e.stopPropagation()}
      >
        <div class="dialog-head">
          <h2 id={`${testId}-title`}>{title}</h2>
          <button type="button" class="icon-button" aria-label="Close" data-testid={`${testId}-close`} onClick={onClose}>
            <CloseIcon size={18} />
          </button>
        </div>
        <div class="dialog-body">{children}</div>
      </div>
    </div>
    </Portal>
  );
}

export function SummaryPanel({ onClose }: { onClose: () => void }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [error, setError] = useState<WizardApiError | null>(null);
  const [working, setWorking] = useState(false);

  const save = async (format: SummaryFormat) => {
    if (working) return;
    setWorking(true);
    try {
      setSaved(await api.exportSummary(format, lastClientId(), lastAudit()));
      setError(null);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setWorking(false);
    }
  };

  const copy = async () => {
    try {
      const text = await api.summaryText(lastClientId(), lastAudit());
      setCopied((await writeClipboard(text)) ? 'copied' : 'failed');
      setError(null);
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  return (
    <Panel title="Summary to keep" testId="summary-panel" onClose={onClose}>
      <p>
        What you have decided and checked so far, and what is left: the permissions and why, the redirect URIs, your
        tenant and app IDs and the last check. Useful for a change ticket or a colleague. It never contains a secret.
      </p>
      <div class="dialog-actions summary-actions">
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="summary-save-markdown"
          aria-disabled={working ? 'true' : undefined}
          onClick={() => void save('markdown')}
        >
          <SaveIcon size={16} />
          <span>Save as Markdown</span>
        </button>
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="summary-save-html"
          aria-disabled={working ? 'true' : undefined}
          onClick={() => void save('html')}
        >
          <FileIcon size={16} />
          <span>Save as HTML</span>
        </button>
        <button type="button" class="btn btn-secondary" data-testid="summary-copy" onClick={() => void copy()}>
          {copied === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
          <span>{copied === 'copied' ? 'Copied' : 'Copy as Markdown'}</span>
        </button>
      </div>
      <p class="muted small">To make a PDF, open the HTML file in your browser and print it to PDF.</p>
      <p class="visually-hidden" role="status">
        {copied === 'copied'
          ? 'The summary was copied'
          : copied === 'failed'
            ? "The summary couldn't be copied; save it instead."
            : ''}
      </p>
      {saved !== null && (
        <p role="status" class="summary-saved" data-testid="summary-saved">
          Saved as <code data-testid="summary-saved-path">{saved}</code>{' '}
          <CopyButton text={saved} label="Copy path" what="The file's path" testId="summary-copy-path" />
        </p>
      )}
      {error !== null && <ErrorCard error={error} />}
    </Panel>
  );
}

/** The "Summary" button for the frame, on every step. */
export function SummaryButton() {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={button}
        type="button"
        class="btn btn-quiet btn-small"
        data-testid="summary-button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        <FileIcon size={16} />
        <span>Summary</span>
      </button>
      {open && (
        <SummaryPanel
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}
