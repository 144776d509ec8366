// A failed call, as a card: plain-words title, what happened, the next
// action, and the code small for support, with "Copy support details".
// Never an alert().

import { useEffect, useMemo, useRef } from 'preact/hooks';
import { appVersion, type WizardApiError } from '../api';
import { Callout } from './callout';
import { CopyButton } from './copy-button';

/** What support needs to find a failure: the stable code, the service's
 *  request id, when, and which version. Never the message or the hint: they
 *  may quote what the admin pasted. */
export function supportDetails(error: WizardApiError, at: Date, version: string | undefined): string {
  const lines = [
    'Nylas Microsoft Setup Wizard: support details',
    `Problem: ${error.title}`,
    `Code: ${error.code}`,
  ];
  if (error.requestId !== undefined) lines.push(`Request ID: ${error.requestId}`);
  lines.push(`Time: ${at.toISOString()}`, `Version: ${version ?? 'unknown'}`);
  return lines.join('\n');
}

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

  // When this error arrived (a new error is a new time).
  const at = useMemo(() => new Date(), [error]);

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
            {error.requestId !== undefined && (
              <>
                {' '}
                · Request ID: <code data-testid="error-request-id">{error.requestId}</code>
              </>
            )}{' '}
            <CopyButton
              text={supportDetails(error, at, appVersion())}
              label="Copy support details"
              what="Support details"
              testId="copy-support-details"
            />
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
