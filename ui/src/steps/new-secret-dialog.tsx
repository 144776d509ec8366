// A new client secret on the app: a description and how long it lasts.
// Rust creates it, stores its value (keychain, or memory for this run) and
// hands it to this dialog once, for the Copy button; closing the dialog
// forgets it.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { NewSecret } from '../bindings/NewSecret';
import type { SecretLifetime } from '../bindings/SecretLifetime';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import { localDate } from './finding-details';

const LIFETIMES: { id: SecretLifetime; label: string }[] = [
  { id: 'six_months', label: '6 months' },
  { id: 'one_year', label: '1 year' },
  { id: 'two_years', label: '2 years' },
];

interface Props {
  clientId: string;
  /** Signed in with permission to change the app. */
  canCreate: boolean;
  /** Shown instead of the form when the admin must sign in again. */
  signIn?: ComponentChildren;
  onClose: (created: NewSecret | null) => void;
}

export function NewSecretDialog({ clientId, canCreate, signIn, onClose }: Props) {
  const description = useRef<HTMLInputElement>(null);
  const lifetime = useRef<HTMLSelectElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WizardApiError | null>(null);
  // The value lives here only while the dialog is open.
  const [created, setCreated] = useState<{ secret: NewSecret; value: string } | null>(null);

  useEffect(() => {
    description.current?.focus();
  }, [canCreate]);

  const create = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const life = (lifetime.current?.value ?? 'six_months') as SecretLifetime;
      setCreated(await api.createNewClientSecret(clientId, description.current?.value ?? '', life));
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    const secret = created?.secret ?? null;
    setCreated(null);
    onClose(secret);
  };

  return (
    <div class="dialog-backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="new-secret-title"
        data-testid="new-secret-dialog"
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <div class="dialog-head">
          <h2 id="new-secret-title">New client secret</h2>
        </div>
        <div class="dialog-body">
          {created === null && !canCreate && signIn}
          {created === null && canCreate && (
            <>
              <p>
                Microsoft shows a secret's value only once. The wizard keeps it for you and shows it here once, so you
                can paste it into Nylas. Your old secrets keep working until they expire.
              </p>
              <label class="field-label" for="new-secret-description">
                Description
              </label>
              <input
                id="new-secret-description"
                ref={description}
                class="text-input"
                type="text"
                defaultValue="Nylas"
                autoComplete="off"
                data-testid="new-secret-description"
              />
              <label class="field-label" for="new-secret-lifetime">
                Expires after
              </label>
              <select id="new-secret-lifetime" ref={lifetime} class="select-input" defaultValue="six_months" data-testid="new-secret-lifetime">
                {LIFETIMES.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.label}
                  </option>
                ))}
              </select>
              <div class="dialog-actions">
                <button type="button" class="btn btn-quiet" onClick={close} data-testid="new-secret-cancel">
                  Cancel
                </button>
                <button
                  type="button"
                  class="btn btn-primary"
                  aria-disabled={busy ? 'true' : undefined}
                  onClick={() => void create()}
                  data-testid="new-secret-create"
                >
                  {busy ? 'Creating…' : 'Create the secret'}
                </button>
              </div>
            </>
          )}
          {created !== null && (
            <div data-testid="new-secret-created">
              <p>
                <strong>Copy the value now.</strong> You won't see it again after closing this window
                {created.secret.stored_persistently ? '; the wizard keeps it in your keychain.' : '; the wizard keeps it until you close the wizard.'}
              </p>
              <CopyValue value={created.value} label="client secret value" testId="new-secret-value" />
              <p class="muted small">
                “{created.secret.display_name}”, expires on {localDate(created.secret.expires)}. Secret ID{' '}
                <code>{created.secret.key_id}</code>
              </p>
              <div class="dialog-actions">
                <button type="button" class="btn btn-primary" onClick={close} data-testid="new-secret-done">
                  I've copied it
                </button>
              </div>
            </div>
          )}
          {!canCreate && created === null && (
            <div class="dialog-actions">
              <button type="button" class="btn btn-quiet" onClick={close} data-testid="new-secret-cancel">
                Cancel
              </button>
            </div>
          )}
          {error !== null && <ErrorCard error={error} />}
        </div>
      </div>
    </div>
  );
}
