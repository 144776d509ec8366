// A failed call, as a card: plain-words title, what happened, the next
// action, and the code small for support. Never an alert().

import { useEffect, useRef } from 'preact/hooks';
import type { WizardApiError } from '../api';
import { Callout } from './callout';

interface ErrorCardProps {
  error: WizardApiError;
  onRetry?: () => void;
  onDismiss?: () => void;
  busy?: boolean;
}

export function ErrorCard({ error, onRetry, onDismiss, busy = false }: ErrorCardProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Bring the card into view when a new error arrives (the content may be
  // scrolled down to the button that failed).
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [error]);

  const showMessage = error.message.trim() !== '' && error.message !== error.title;
  return (
    <div ref={ref}>
      <Callout
        tone="danger"
        title={error.title}
        testId="error-card"
        role="alert"
        actions={
          onRetry !== undefined || onDismiss !== undefined ? (
            <>
              {onRetry !== undefined && (
                <button type="button" class="btn btn-secondary btn-small" onClick={onRetry} aria-disabled={busy ? 'true' : undefined}>
                  Try again
                </button>
              )}
              {onDismiss !== undefined && (
                <button type="button" class="btn btn-quiet btn-small" onClick={onDismiss}>
                  Dismiss
                </button>
              )}
            </>
          ) : undefined
        }
        footnote={
          <>
            Code for support: <code data-testid="error-code">{error.code}</code>
          </>
        }
      >
        {showMessage && <p>{error.message}</p>}
        <p class="callout-next">
          <strong>What to do: </strong>
          {error.nextAction}
        </p>
      </Callout>
    </div>
  );
}
