// "Grant admin consent": when the live check finds permissions without
// admin consent, open Microsoft's approval page in the browser and wait
// while the admin approves it there; Rust re-checks the tenant until the
// consent shows, then checks the app again and the new results replace the
// old. Cancel stops the wait (code `cancelled`: a quiet note, no error).

import { useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type LiveOutcome, type WizardApiError } from '../api';
import type { LiveAudit } from '../bindings/LiveAudit';
import { ErrorCard } from '../components/error-card';

interface Props {
  live: LiveAudit;
  /** The Application (client) ID as typed now. */
  clientId: () => string;
  onDone: (outcome: LiveOutcome) => void;
  /** The button's words (default "Grant admin consent"). */
  label?: string;
  /** The next thing to do here (default): a primary button; else secondary. */
  primary?: boolean;
}

export function AdminConsent({ live, clientId, onDone, label = 'Grant admin consent', primary = true }: Props) {
  const [waiting, setWaiting] = useState(false);
  const [stopped, setStopped] = useState(false);
  const [error, setError] = useState<WizardApiError | null>(null);
  if (live.facts.admin_consent_missing.length === 0) return null;

  const grant = async () => {
    setWaiting(true);
    setStopped(false);
    setError(null);
    try {
      onDone(await api.grantAdminConsent(clientId()));
    } catch (e) {
      const err = toWizardError(e);
      if (err.code === 'cancelled') setStopped(true);
      else setError(err);
    } finally {
      setWaiting(false);
    }
  };

  const cancel = async () => {
    try {
      await api.cancelRemote('grant_admin_consent');
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  return (
    <div class="live-admin-consent" data-testid="admin-consent">
      {waiting ? (
        <>
          <p class="field-hint" role="status" data-testid="admin-consent-waiting">
            Waiting for your approval in the browser…
          </p>
          <button type="button" class="btn btn-secondary" onClick={() => void cancel()} data-testid="admin-consent-cancel">
            Cancel
          </button>
        </>
      ) : (
        <>
          <button
            type="button"
            class={`btn ${primary ? 'btn-primary' : 'btn-secondary'}`}
            onClick={() => void grant()}
            data-testid="admin-consent-button"
          >
            {label}
          </button>
          <p class="field-hint">
            Opens Microsoft's approval page in your browser; approve it there and the wizard checks again.
          </p>
        </>
      )}
      {stopped && (
        <p class="field-hint" data-testid="admin-consent-stopped">
          Stopped waiting. If you approve later, press “Check again”.
        </p>
      )}
      {error !== null && <ErrorCard error={error} onDismiss={() => setError(null)} />}
    </div>
  );
}
