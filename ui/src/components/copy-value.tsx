// A technical value (URI, scope name, GUID, file path) in monospace with a
// Copy button. Later steps use it for everything an admin pastes into the
// Azure portal or the Nylas dashboard.

import { useEffect, useRef, useState } from 'preact/hooks';
import { CheckIcon, CopyIcon } from './icons';

type CopyState = 'idle' | 'copied' | 'selected';

interface CopyValueProps {
  value: string;
  /** What the value is, for the button's accessible name ("Copy redirect URI"). */
  label: string;
  /** Optional test id for the wrapper. */
  testId?: string;
}

export async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard !== undefined && typeof navigator.clipboard.writeText === 'function') {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the older way below.
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.appendChild(area);
    area.select();
    const ok = typeof document.execCommand === 'function' && document.execCommand('copy');
    area.remove();
    return ok;
  } catch {
    return false;
  }
}

function selectContents(el: HTMLElement | null): void {
  if (el === null) return;
  const selection = window.getSelection();
  if (selection === null) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  selection.removeAllRanges();
  selection.addRange(range);
}

export function CopyValue({ value, label, testId }: CopyValueProps) {
  const [state, setState] = useState<CopyState>('idle');
  const codeRef = useRef<HTMLElement>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    const ok = await writeClipboard(value);
    if (!ok) selectContents(codeRef.current);
    setState(ok ? 'copied' : 'selected');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), ok ? 2500 : 6000);
  };

  const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  return (
    <div class="copy-value" data-testid={testId}>
      <code class="copy-value-text" ref={codeRef}>
        {value}
      </code>
      <button type="button" class="btn btn-small btn-quiet copy-value-button" onClick={copy} aria-label={`Copy ${label}`}>
        {state === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
        <span aria-hidden="true">{state === 'copied' ? 'Copied' : 'Copy'}</span>
      </button>
      <span class="visually-hidden" role="status">
        {state === 'copied' ? `${label} copied` : ''}
      </span>
      {state === 'selected' && (
        <span class="copy-value-fallback" role="status">
          Selected. Press {isMac ? '⌘C' : 'Ctrl+C'} to copy.
        </span>
      )}
    </div>
  );
}
