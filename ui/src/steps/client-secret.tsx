// The Azure app's client secret Value, for the audit to compare with the
// manifest (expired? the Secret ID pasted by mistake?). Handed to Rust once,
// stored in the keychain at once, and shown afterwards only as a hint. The
// field is uncontrolled so the value never sits in component state.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { type WizardApiError, toWizardError } from '../api';
import type { StoredSecret } from '../bindings/StoredSecret';
import { ErrorCard } from '../components/error-card';
import { LockIcon } from '../components/icons';

const NAME = 'azure_client_secret';

interface Props {
  /** The stored secret changed (saved, replaced or removed): check again. */
  onChanged: () => void;
}

export function ClientSecretField({ onChanged }: Props) {
  // undefined while asking Rust whether one is stored.
  const [stored, setStored] = useState<StoredSecret | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<WizardApiError | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    api
      .storedSecret(NAME)
      .then((s) => live && setStored(s))
      .catch((e: unknown) => {
        if (!live) return;
        setStored(null);
        setError(toWizardError(e));
      });
    return () => {
      live = false;
    };
  }, []);

  const act = async (work: () => Promise<StoredSecret | null>) => {
    if (busy) return;
    setBusy(true);
    try {
      setStored(await work());
      setEditing(false);
      setError(null);
      onChanged();
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    void act(async () => {
      const s = await api.saveSecret(NAME, input.current?.value ?? '');
      if (input.current !== null) input.current.value = '';
      return s;
    });
  const forget = () =>
    void act(async () => {
      await api.forgetSecret(NAME);
      return null;
    });

  const showForm = stored === null || editing;
  return (
    <div class="field-block client-secret" data-testid="client-secret">
      <label class="field-label" for="client-secret-input" id="client-secret-label">
        Your client secret's Value <span class="optional">(optional)</span>
      </label>
      <p class="field-hint" id="client-secret-help">
        From Certificates &amp; secrets → Client secrets, the <strong>Value</strong> column (not Secret ID). With it,
        the check can tell which of your secrets you have and whether it still works. It goes straight to your system
        keychain; the wizard never shows it again.
      </p>
      {stored !== undefined && stored !== null && !editing && (
        <p class="secret-stored" data-testid="client-secret-stored">
          <LockIcon size={16} />
          <span>
            Saved {stored.persistent ? 'in your system keychain' : 'for this run only'}:{' '}
            <code data-testid="client-secret-hint">{stored.hint}</code>
          </span>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => setEditing(true)}>
            Replace
          </button>
          <button
            type="button"
            class="btn btn-quiet btn-small"
            data-testid="client-secret-remove"
            aria-disabled={busy ? 'true' : undefined}
            onClick={forget}
          >
            Remove
          </button>
        </p>
      )}
      {showForm && stored !== undefined && (
        <form
          class="field-row"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <input
            ref={input}
            id="client-secret-input"
            class="text-input mono"
            type="password"
            autoComplete="off"
            spellcheck={false}
            aria-describedby="client-secret-help"
            data-testid="client-secret-input"
          />
          <button
            type="submit"
            class="btn btn-secondary"
            data-testid="client-secret-save"
            aria-disabled={busy ? 'true' : undefined}
          >
            {busy ? 'Saving…' : 'Save to keychain'}
          </button>
        </form>
      )}
      {error !== null && <ErrorCard error={error} />}
    </div>
  );
}
