// Where secrets go. Without a keychain the admin can choose to keep secrets
// for this run only; once chosen, a small note stays as a reminder.

import type { KeychainStatus } from '../bindings/KeychainStatus';
import { ERROR_TEXT } from '../api';
import { Callout } from './callout';
import { LockIcon } from './icons';

interface KeychainCardProps {
  keychain: KeychainStatus;
  /** Ask the keychain again, after the admin unlocked or installed it. */
  onRecheck: () => void;
  onSessionOnly: () => void;
  busy?: boolean;
}

export function KeychainCard({ keychain, onSessionOnly, onRecheck, busy = false }: KeychainCardProps) {
  if (keychain.session_only) {
    return (
      <p class="note" data-testid="keychain-card" role="note">
        <LockIcon size={16} />
        <span>
          Secrets you enter are kept in memory for this run only and are forgotten when you close the wizard.
        </span>
      </p>
    );
  }
  if (keychain.available) return null;
  const fallback = ERROR_TEXT.keychain_unavailable;
  const problem = keychain.problem;
  return (
    <Callout
      tone="warning"
      icon="lock"
      title="Secrets can't be saved between runs"
      testId="keychain-card"
      role="region"
      headingId="keychain-card-title"
      actions={
        <>
          <button
            type="button"
            class="btn btn-secondary btn-small"
            data-testid="keychain-recheck-button"
            onClick={onRecheck}
            aria-disabled={busy ? 'true' : undefined}
          >
            I've unlocked it — check again
          </button>
          <button
            type="button"
            class="btn btn-secondary btn-small"
            data-testid="session-only-button"
            onClick={onSessionOnly}
            aria-disabled={busy ? 'true' : undefined}
          >
            Keep secrets for this run only
          </button>
        </>
      }
    >
      <p>{problem?.message ?? "The wizard can't store secrets safely between runs."}</p>
      <p class="callout-next">
        <strong>What to do: </strong>
        {problem?.hint ?? fallback.hint}
      </p>
    </Callout>
  );
}
