// One step of a plan from the plan/apply engine, as every step view that
// shows such a plan displays it: what it does, whether it is safe, the
// settings before → after, the exact request with secrets hidden, and how to
// undo it. The views differ only in wording and test ids, passed as props.

import type { PlanStep } from '../bindings/PlanStep';

/** The test ids a view gives the parts (the e2e tests find them by these). */
export interface PlanStepTestIds {
  item: string;
  /** Left out: the part carries no test id. */
  safety?: string;
  diff: string;
  before?: string;
  after?: string;
  request: string;
}

export interface PlanStepItemProps {
  step: PlanStep;
  /** The action's words, e.g. create → "Will be added". */
  actions: Record<PlanStep['action'], string>;
  /** A setting's name in plain words (unknown ones show as they are). */
  fields: Record<string, string>;
  testIds: PlanStepTestIds;
}

export function PlanStepItem({ step, actions, fields, testIds }: PlanStepItemProps) {
  return (
    <li class="configure-step" data-testid={testIds.item} data-action={step.action}>
      <p class="configure-step-title">
        <span class={`configure-action is-${step.action}`}>{actions[step.action]}</span> {step.summary}
      </p>
      {step.action !== 'nothing_to_do' && (
        <p class="configure-safety" data-testid={testIds.safety}>
          <strong>Is it safe?</strong> {step.safety}
        </p>
      )}
      {step.changes.length > 0 && (
        <table class="configure-diff" data-testid={testIds.diff}>
          <caption class="visually-hidden">What changes</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Now</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {step.changes.map((c) => (
              <tr key={c.field}>
                <th scope="row">{fields[c.field] ?? c.field}</th>
                <td data-testid={testIds.before}>{c.before}</td>
                <td data-testid={testIds.after}>{c.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {step.request !== null && (
        <details class="create-json" data-testid={testIds.request}>
          <summary>What will be sent</summary>
          <p class="muted small">
            <code>
              {step.request.method} {step.request.path}
            </code>{' '}
            (secrets are shown as •••; the real values go only to Nylas)
          </p>
          {step.request.body !== null && <pre class="mono">{JSON.stringify(step.request.body, null, 2)}</pre>}
        </details>
      )}
      {step.undo.length > 0 && (
        <details class="change-undo">
          <summary>How to undo this</summary>
          <ol class="change-undo-steps">
            {step.undo.map((u) => (
              <li key={u}>{u}</li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
