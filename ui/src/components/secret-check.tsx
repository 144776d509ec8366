// The parts the two "check a Nylas secret" steps share (the Nylas API key,
// and the Nylas v2 app's client secret): whether one is saved, where a kept
// one goes, Check again / Use a different one, the "Asking Nylas…" line with
// Cancel, and the dashboard link. Wording and test ids come from the view;
// inputs stay in the view, uncontrolled.

import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type WizardApiError } from '../api';
import type { SecretName } from '../bindings/SecretName';
import type { StoredSecret } from '../bindings/StoredSecret';
import type { StepContext } from '../steps/types';
import { ExternalIcon } from './icons';

/** Whether Rust has the secret saved: undefined while asking. */
export function useStoredSecret(name: SecretName, onError: (e: WizardApiError) => void) {
  const [stored, setStored] = useState<StoredSecret | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    api
      .storedSecret(name)
      .then((s) => live && setStored(s))
      .catch((e: unknown) => {
        if (!live) return;
        setStored(null);
        onError(toWizardError(e));
      });
    return () => {
      live = false;
    };
  }, []);
  return [stored, setStored] as const;
}

/** After Nylas refused the saved secret (Rust removes it): show what is true now. */
export async function reloadAfterRefusal(
  name: SecretName,
  ctx: StepContext,
  setStored: (s: StoredSecret | null) => void,
): Promise<void> {
  const [s, session] = await Promise.all([api.storedSecret(name), api.getSession()]).catch(
    () => [undefined, undefined] as const,
  );
  if (s !== undefined) setStored(s);
  if (session !== undefined) ctx.applyProgress(session.progress);
}

/** Where a kept secret goes now, as the keychain card says it. */
export function keptWhere(ctx: StepContext): string {
  return ctx.session.practice.enabled
    ? "practice mode's memory"
    : ctx.session.keychain.session_only
      ? 'memory, for this run only'
      : 'your system keychain';
}

/** Check the saved secret again, or type a different one. */
export function SavedActions({
  prefix,
  primary,
  checking,
  busy,
  replaceLabel,
  onRecheck,
  onReplace,
}: {
  /** Test ids `${prefix}-recheck` and `${prefix}-replace`. */
  prefix: string;
  /** Checking again is the thing to do (the record is stale or missing). */
  primary: boolean;
  /** This check is the one under way. */
  checking: boolean;
  /** Any check is under way. */
  busy: boolean;
  replaceLabel: string;
  onRecheck: () => void;
  onReplace: () => void;
}) {
  return (
    <div class="nylas-key-actions">
      <button
        type="button"
        class={primary ? 'btn btn-primary' : 'btn btn-secondary'}
        data-testid={`${prefix}-recheck`}
        aria-disabled={busy ? 'true' : undefined}
        onClick={onRecheck}
      >
        {checking ? 'Checking…' : 'Check again'}
      </button>
      <button
        type="button"
        class="btn btn-quiet"
        data-testid={`${prefix}-replace`}
        aria-disabled={busy ? 'true' : undefined}
        onClick={onReplace}
      >
        {replaceLabel}
      </button>
    </div>
  );
}

/** "Asking Nylas…" with Cancel while a check runs; "Stopped" after Cancel. */
export function CheckingStatus({
  prefix,
  asking,
  busy,
  stopped,
  onCancel,
}: {
  /** Test ids `${prefix}-checking`, `${prefix}-cancel`, `${prefix}-stopped`. */
  prefix: string;
  asking: string;
  busy: boolean;
  stopped: boolean;
  onCancel: () => void;
}) {
  return (
    <div aria-live="polite">
      {busy && (
        <p class="nylas-checking" role="status" data-testid={`${prefix}-checking`}>
          <span>{asking}</span>
          <button type="button" class="btn btn-secondary btn-small" data-testid={`${prefix}-cancel`} onClick={onCancel}>
            Cancel
          </button>
        </p>
      )}
      {stopped && !busy && (
        <p class="field-hint" data-testid={`${prefix}-stopped`}>
          Stopped. Nothing was saved or changed; check again when you're ready.
        </p>
      )}
    </div>
  );
}

export function DashboardLink({ ctx }: { ctx: StepContext }) {
  return (
    <button
      type="button"
      class="btn btn-quiet btn-small inline-action"
      onClick={() => void ctx.openLink({ kind: 'docs', topic: { topic: 'nylas_dashboard' } })}
    >
      <ExternalIcon size={16} />
      <span>Open the Nylas dashboard</span>
    </button>
  );
}

/** A check of the secret against Nylas: one at a time, Cancel, and what a refusal leaves. */
export function useSecretCheck<S extends string>(name: SecretName, ctx: StepContext, command: (from: S) => string) {
  const [error, setError] = useState<WizardApiError | null>(null);
  const [stored, setStored] = useStoredSecret(name, setError);
  const [busy, setBusy] = useState<S | null>(null);
  const [stopped, setStopped] = useState(false);

  /** Run `call`; `onAnswer` takes Nylas's answer, `onFailed` clears the view's last answer. */
  const check = async <V,>(from: S, call: () => Promise<V>, onAnswer: (v: V) => void, onFailed: () => void) => {
    if (busy !== null) return;
    setBusy(from);
    setStopped(false);
    setError(null);
    try {
      onAnswer(await call());
    } catch (e) {
      const err = toWizardError(e);
      onFailed();
      setStopped(err.code === 'cancelled');
      setError(err.code === 'cancelled' ? null : err);
      // A saved secret Nylas refuses is removed: show what is true now.
      if (from === 'stored') await reloadAfterRefusal(name, ctx, setStored);
    } finally {
      setBusy(null);
    }
  };

  const cancel = () => {
    if (busy !== null) void api.cancelRemote(command(busy)).catch((e: unknown) => setError(toWizardError(e)));
  };

  return { stored, setStored, busy, stopped, error, setError, check, cancel };
}
