// What every step view gets from the frame. Anything that changes saved
// progress or leaves the app (answers, the browser) goes through these
// callbacks, which queue behind other calls, show errors as cards, and
// re-render from what Rust returned. Pure look-ups (scope plans, redirect
// URIs, the audit) call api.ts themselves and show their own error cards.

import type { OpenLink } from '../api';
import type { PathInfo } from '../bindings/PathInfo';
import type { AnswerUpdate } from '../bindings/AnswerUpdate';
import type { ProgressView } from '../bindings/ProgressView';
import type { Session } from '../bindings/Session';
import type { StepInfo } from '../bindings/StepInfo';
import type { StepStatus } from '../bindings/StepStatus';

export interface StepContext {
  session: Session;
  path: PathInfo;
  step: StepInfo;
  /** True while a call to Rust is under way; disable buttons then. */
  busy: boolean;
  /** Change one answer (Rust validates it). Resolves to the new progress,
   *  or null when it failed (the error card is already shown). */
  setAnswer(update: AnswerUpdate): Promise<ProgressView | null>;
  /** Say how this step stands in the step list: done once its answer is
   *  complete, needs attention when a check found problems. Queued like
   *  answers; resolves to null when it failed. */
  setStatus(status: StepStatus): Promise<ProgressView | null>;
  /** Show progress Rust returned from a step's own call (e.g. the audit,
   *  which records what it found). */
  applyProgress(progress: ProgressView): void;
  /** Open a Microsoft or Nylas page in the system browser, by intent
   *  (Rust builds the link). */
  openLink(link: OpenLink): Promise<void>;
}

export interface StepViewProps {
  ctx: StepContext;
}
