// The line beside Next: what leaving this step marks it (Rust decides, in
// `ProgressView.leaving`), so "Skipped" is never a surprise, and whether the
// next step is built. Back leaves the step too; the same line covers it.

import type { PathInfo } from '../bindings/PathInfo';
import type { StepLeave } from '../bindings/StepLeave';

type Step = PathInfo['steps'][number];

export const LEAVE_NOTE_ID = 'leave-note';

/** The sentence, or null when leaving marks the step Done and the next step is built. */
export function leaveNoteText(step: Step, next: Step | undefined, leaving: StepLeave | null): string | null {
  if (leaving !== null && leaving.step === step.id && leaving.status !== 'done') {
    const reason = leaving.reason === null ? '' : ` ${leaving.reason}`;
    if (leaving.status === 'needs-attention') return `${step.title} stays "Needs attention" when you leave it.${reason}`;
    if (step.available) return `${step.title} will show as Skipped if you leave now.${reason} You can come back to it.`;
  }
  if (next === undefined) return 'This is the last step of the path.';
  if (step.available && !next.available)
    return `${next.title} isn't built in this version; it shows you what to do by hand.`;
  return null;
}

export function LeaveNote({ step, next, leaving }: { step: Step; next: Step | undefined; leaving: StepLeave | null }) {
  const text = leaveNoteText(step, next, leaving);
  if (text === null) return null;
  return (
    <span class="muted action-hint leave-note" id={LEAVE_NOTE_ID} data-testid="leave-note" role="status">
      {text}
    </span>
  );
}
