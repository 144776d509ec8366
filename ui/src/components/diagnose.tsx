// Diagnose, reachable from every screen: a header button opens a dialog
// where the admin pastes an error (or the address a failed sign-in left in
// the browser) and gets what it means and what to do. A real modal: focus
// moves in and stays in, Esc closes, focus returns to the button.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { Diagnosis } from '../bindings/Diagnosis';
import type { DocTopic } from '../bindings/DocTopic';
import { CHECK_NAMES } from '../check-names';
import { CopyValue } from './copy-value';
import { ErrorCard } from './error-card';
import { Portal } from './portal';
import { CloseIcon, ExternalIcon, HelpIcon } from './icons';
import { RichText } from './rich-text';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/** Values quoted in the error worth copying, with the portal's names. */
const FOUND_LABELS: Record<string, string> = {
  redirect_uri: 'Redirect URI in the error',
  app_id: 'Application (client) ID in the error',
  tenant: 'Tenant in the error',
};
/** Values only support needs. */
const SUPPORT_LABELS: Record<string, string> = {
  trace_id: 'Trace ID',
  correlation_id: 'Correlation ID',
  timestamp: 'Time',
};

export function DiagnosisCard({
  d,
  onOpen,
  onShowCheck,
}: {
  d: Diagnosis;
  onOpen: (topic: DocTopic) => void;
  onShowCheck?: () => void;
}) {
  const support = Object.entries(d.found).filter(([k]) => k in SUPPORT_LABELS);
  return (
    <article class="diagnosis" data-testid={`diagnosis-${d.code}`}>
      <h3 class="diagnosis-title">{d.title}</h3>
      <p>
        <RichText text={d.cause} />
      </p>
      <p class="fix-label">What to do</p>
      <p>
        <RichText text={d.fix} />
      </p>
      {Object.keys(FOUND_LABELS)
        .flatMap((k) => (d.found[k] !== undefined ? [[k, d.found[k] as string] as const] : []))
        .map(([k, v]) => (
          <div key={k} class="detail-block">
            <p class="detail-title">{FOUND_LABELS[k]}:</p>
            <CopyValue value={v} label={FOUND_LABELS[k] ?? k} />
          </div>
        ))}
      {d.related_check !== null && (
        <p class="small" data-testid="diagnosis-related-check">
          Checked by: <strong>{CHECK_NAMES[d.related_check]}</strong>{' '}
          {onShowCheck !== undefined ? (
            <button type="button" class="btn btn-quiet btn-small" data-testid="diagnosis-go-to-check" onClick={onShowCheck}>
              Go to the Azure app step to check it
            </button>
          ) : (
            '(on the Azure app step)'
          )}
        </p>
      )}
      {d.docs !== null && (
        <div>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => onOpen(d.docs as DocTopic)}>
            <ExternalIcon size={16} />
            <span>Read more about this error</span>
          </button>
        </div>
      )}
      {(d.code !== 'unrecognised' || support.length > 0) && (
        <p class="finding-codes">
          {d.code !== 'unrecognised' && <>Code: {d.code}</>}
          {support.map(([k, v]) => (
            <span key={k}>
              {' · '}
              {SUPPORT_LABELS[k]}: {v}
            </span>
          ))}
        </p>
      )}
    </article>
  );
}

/** What the dialog holds; kept by the header button so closing the dialog
 *  (Esc, Close or a click outside) never throws away what was pasted. */
interface DiagnoseMemory {
  text: string;
  results: Diagnosis[] | null;
}

interface DialogProps {
  onClose: () => void;
  memory: DiagnoseMemory;
  remember: (m: DiagnoseMemory) => void;
  onShowCheck?: () => void;
}

function DiagnoseDialog({ onClose, memory, remember, onShowCheck }: DialogProps) {
  const [text, setTextState] = useState(memory.text);
  const [results, setResultsState] = useState<Diagnosis[] | null>(memory.results);
  const setText = (t: string) => {
    setTextState(t);
    remember({ text: t, results });
  };
  const setResults = (r: Diagnosis[] | null) => {
    setResultsState(r);
    remember({ text, results: r });
  };
  const [error, setError] = useState<WizardApiError | null>(null);
  const [working, setWorking] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const resultsRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const explain = async () => {
    if (working) return;
    if (text.trim() === '') {
      inputRef.current?.focus();
      return;
    }
    setWorking(true);
    try {
      setResults(await api.diagnose(text));
      setError(null);
      window.setTimeout(() => resultsRef.current?.focus(), 0);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setWorking(false);
    }
  };

  const open = (topic: DocTopic) => {
    api.openDocs(topic).catch((e: unknown) => setError(toWizardError(e)));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || dialogRef.current === null) return;
    const items = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = items[0];
    const last = items[items.length - 1];
    if (first === undefined || last === undefined) return;
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !dialogRef.current.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !dialogRef.current.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div class="dialog-backdrop" onClick={onClose}>
      <div
        ref={dialogRef}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="diagnose-title"
        aria-describedby="diagnose-desc"
        data-testid="diagnose-dialog"
        onKeyDown={onKeyDown}
        onClick={(e) => e.stopPropagation()}
      >
        <div class="dialog-head">
          <h2 id="diagnose-title">Diagnose an error</h2>
          <button type="button" class="icon-button" aria-label="Close" data-testid="diagnose-close" onClick={onClose}>
            <CloseIcon size={18} />
          </button>
        </div>
        <div class="dialog-body">
          <p id="diagnose-desc">
            When someone can't connect, Microsoft or Nylas shows an error. Paste it here and you'll see what it means and
            what to do. Nothing you paste is saved or sent anywhere.
          </p>
          <label class="field-label" for="diagnose-input">
            Paste an error message or the address from your browser's address bar
          </label>
          <textarea
            id="diagnose-input"
            ref={inputRef}
            class="text-input diagnose-input"
            rows={4}
            spellcheck={false}
            value={text}
            data-testid="diagnose-input"
            placeholder="AADSTS50011: The redirect URI … does not match …"
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void explain();
              }
            }}
          />
          <div class="dialog-actions">
            <span class="muted small">Ctrl+Enter also explains.</span>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="diagnose-submit"
              aria-disabled={working ? 'true' : undefined}
              onClick={() => void explain()}
            >
              {working ? 'Explaining…' : 'Explain'}
            </button>
          </div>
          {error !== null && <ErrorCard error={error} />}
          {results !== null && (
            <section class="diagnoses" aria-labelledby="diagnoses-title">
              <h2 class="group-title" id="diagnoses-title" ref={resultsRef} tabIndex={-1}>
                {results.length === 1 ? 'What it means' : `What it means (${results.length} errors found)`}
              </h2>
              {results.map((d, i) => (
                <DiagnosisCard
                  key={`${d.code}-${i}`}
                  d={d}
                  onOpen={open}
                  onShowCheck={
                    onShowCheck === undefined
                      ? undefined
                      : () => {
                          onClose();
                          onShowCheck();
                        }
                  }
                />
              ))}
            </section>
          )}
        </div>
      </div>
    </div>
  );
}

/** The header button and its dialog. */
export function DiagnoseButton({ onShowCheck }: { onShowCheck?: () => void } = {}) {
  const [open, setOpen] = useState(false);
  const memory = useRef<DiagnoseMemory>({ text: '', results: null });
  const buttonRef = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        class="btn btn-quiet btn-small"
        data-testid="diagnose-button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        <HelpIcon size={16} />
        <span>Diagnose an error</span>
      </button>
      {open && (
        <Portal>
          <DiagnoseDialog
            onClose={close}
            memory={memory.current}
            remember={(m) => {
              memory.current = m;
            }}
            onShowCheck={onShowCheck}
          />
        </Portal>
      )}
    </>
  );
}
