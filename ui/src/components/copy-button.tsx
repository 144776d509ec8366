// A "Copy" button for text that isn't shown as one value (a finding's fix,
// a list of scope names): says "Copied" for a moment, and announces it.

import { useEffect, useRef, useState } from 'preact/hooks';
import { writeClipboard } from './copy-value';
import { CheckIcon, CopyIcon } from './icons';

interface CopyButtonProps {
  text: string;
  /** The visible words ("Copy the fix"). */
  label: string;
  /** What was copied, for the announcement ("The fix"). */
  what: string;
  testId?: string;
}

export function CopyButton({ text, label, what, testId }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    const ok = await writeClipboard(text);
    setState(ok ? 'copied' : 'failed');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 2500);
  };

  return (
    <>
      <button type="button" class="btn btn-small btn-quiet" onClick={copy} data-testid={testId}>
        {state === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
        <span>{state === 'copied' ? 'Copied' : label}</span>
      </button>
      <span class="visually-hidden" role="status">
        {state === 'copied' ? `${what} copied` : state === 'failed' ? `${what} couldn't be copied; select the text and copy it yourself.` : ''}
      </span>
    </>
  );
}
