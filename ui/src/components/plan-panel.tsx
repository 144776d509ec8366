// The plan as the step views on the one plan/apply engine show it before
// anything is sent (a title, the steps, confirm and "Read Nylas again"), and
// the list of earlier steps still to finish, each with a button back.
// Wording and test ids come from the view.

import type { ComponentChildren } from 'preact';
import type { MissingPrerequisite } from '../api';

export function PlanPanel({
  testIds,
  title,
  confirmLabel,
  planning,
  onConfirm,
  onReplan,
  children,
}: {
  testIds: { plan: string; confirm: string; replan: string };
  title: string;
  confirmLabel: string;
  /** A plan is being read: confirm waits (aria-disabled keeps it focusable). */
  planning: boolean;
  onConfirm: () => void;
  onReplan: () => void;
  /** The steps, and anything the admin must do before confirming. */
  children: ComponentChildren;
}) {
  return (
    <div data-testid={testIds.plan}>
      <h3 class="live-facts-title">{title}</h3>
      {children}
      <div class="finding-actions">
        <button
          type="button"
          class="btn btn-primary"
          data-testid={testIds.confirm}
          aria-disabled={planning ? 'true' : undefined}
          onClick={() => !planning && onConfirm()}
        >
          {confirmLabel}
        </button>
        <button type="button" class="btn btn-quiet" data-testid={testIds.replan} onClick={onReplan}>
          Read Nylas again
        </button>
      </div>
    </div>
  );
}

/** What is missing, one line each, with a button back to the step that provides it. */
export function MissingSteps({
  prefix,
  heading,
  missing,
  itemTestIds = false,
  onGoBack,
}: {
  /** Test ids: `${prefix}-missing`, `${prefix}-goto-<step>` (and `${prefix}-missing-<step>` per line with itemTestIds). */
  prefix: string;
  heading: string;
  missing: MissingPrerequisite[];
  itemTestIds?: boolean;
  onGoBack: (step: string) => void;
}) {
  return (
    <div class="note configure-missing" data-testid={`${prefix}-missing`} role="status">
      <p>
        <strong>{heading}</strong>
      </p>
      <ul>
        {missing.map((m) => (
          <li key={m.what} data-testid={itemTestIds ? `${prefix}-missing-${m.step}` : undefined}>
            {m.what}{' '}
            <button
              type="button"
              class="btn btn-secondary btn-small"
              data-testid={`${prefix}-goto-${m.step}`}
              onClick={() => onGoBack(m.step)}
            >
              Go back to {m.step_title}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
