// A step's status as icon AND words: colour never carries it alone.

import type { StepStatus } from '../bindings/StepStatus';
import { AlertIcon, CheckCircleIcon, CircleIcon, InProgressIcon, SkipIcon } from './icons';

/** The words for each status, as shown in the step list. */
export const STATUS_TEXT: Record<StepStatus, string> = {
  'not-started': 'Not started',
  'in-progress': 'In progress',
  done: 'Done',
  'needs-attention': 'Needs attention',
  skipped: 'Skipped',
};

export function StatusIcon({ status, size = 20 }: { status: StepStatus; size?: number }) {
  const cls = `status-icon status-${status}`;
  switch (status) {
    case 'done':
      return <CheckCircleIcon size={size} class={cls} />;
    case 'in-progress':
      return <InProgressIcon size={size} class={cls} />;
    case 'needs-attention':
      return <AlertIcon size={size} class={cls} />;
    case 'not-started':
      return <CircleIcon size={size} class={cls} />;
    case 'skipped':
      return <SkipIcon size={size} class={cls} />;
  }
}
