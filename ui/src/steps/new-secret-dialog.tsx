// A new client secret on the app: a description and how long it lasts.
// Rust creates it and stores its value (keychain, or memory for this run);
// the window only ever gets its hint. "Copy the secret" asks Rust to put the
// value on the clipboard; closing the dialog makes Rust forget its copy.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { NewSecret } from '../bindings/NewSecret';
import type { SecretLifetime } from '../bindings/SecretLifetime';
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
  const [created, setCreated] = useState<NewSecret | null>(null);
  const [copied, setCopied] = useState(false);

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

  const copy = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setCopied((await api.copyNewClientSecret()).copied);
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    const secret = created;
    setCreated(null);
    // Rust keeps the value for copying only while this dialog is open.
    if (secret !== null) void api.forgetNewClientSecret().catch(() => undefined);
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
                Microsoft gives out a secret's value only once. The wizard keeps it for you and lets you copy it right
                after creating it, so you can paste it into Nylas. Your old secrets keep working until they expire.
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
                Created. Its value starts with <code data-testid="new-secret-hint">{created.hint.split('…')[0]}…</code> and{' '}
                {created.stored_persistently
                  ? 'is saved in your keychain.'
                  : 'is kept in memory until you close the wizard (practice mode).'}
              </p>
              <p>
                <strong>Copy the secret</strong> puts it on your clipboard now, so you can paste it into Nylas. It is never
                shown on screen, and once you close this box it can't be copied again (it stays saved).
              </p>
              {copied && (
                <p class="note" role="status" data-testid="new-secret-copied">
                  Copied — paste it where you need it.
                </p>
              )}
              <p class="muted small">
                “{created.display_name}”, expires on {localDate(created.expires)}. Secret ID <code>{created.key_id}</code>
              </p>
              <div class="dialog-actions">
                <button type="button" class="btn btn-quiet" onClick={close} data-testid="new-secret-done">
                  {copied ? 'Done' : 'Close'}
                </button>
                <button
                  type="button"
                  class="btn btn-primary"
                  aria-disabled={busy ? 'true' : undefined}
                  onClick={() => void copy()}
                  data-testid="new-secret-copy"
                >
                  {copied ? 'Copy again' : 'Copy the secret'}
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
