// The before/after preview of the fixes, in plain words, and the one
// button that applies them. Nothing changes until the admin presses it.

import type { ComponentChildren } from 'preact';
import type { FixPlan } from '../bindings/FixPlan';

interface Props {
  plan: FixPlan;
  /** Signed in with permission to change the app. */
  canApply: boolean;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
  /** Shown instead of the Apply button when the admin must sign in again. */
  signIn?: ComponentChildren;
}

export function FixPreview({ plan, canApply, busy, onApply, onCancel, signIn }: Props) {
  const n = plan.steps.length;
  return (
    <section class="fix-preview" aria-labelledby="fix-preview-title" data-testid="fix-preview">
      <h3 class="group-title" id="fix-preview-title">
        {n === 1 ? 'One change to your app' : `${n} changes to your app`}
      </h3>
      <p class="group-help">
        Check what will change. Everything else stays as it is: no redirect URI or permission you have now is removed.
      </p>
      <ol class="fix-steps">
        {plan.steps.map((s) => (
          <li key={s.id} class="fix-step" data-testid="fix-step">
            <p class="fix-step-title">{s.title}</p>
            <dl class="fix-step-change">
              <dt>Now</dt>
              <dd data-testid="fix-before">{s.before}</dd>
              <dt>After</dt>
              <dd data-testid="fix-after">{s.after}</dd>
            </dl>
          </li>
        ))}
      </ol>
      {canApply ? (
        <div class="finding-actions">
          <button
            type="button"
            class="btn btn-primary"
            aria-disabled={busy ? 'true' : undefined}
            onClick={() => !busy && onApply()}
            data-testid="fix-apply"
          >
            {busy ? 'Changing your app…' : n === 1 ? 'Make this change' : `Make these ${n} changes`}
          </button>
          <button type="button" class="btn btn-quiet" onClick={onCancel} data-testid="fix-cancel">
            Cancel
          </button>
        </div>
      ) : (
        <>
          {signIn}
          <button type="button" class="btn btn-quiet" onClick={onCancel} data-testid="fix-cancel">
            Don't change anything
          </button>
        </>
      )}
    </section>
  );
}
