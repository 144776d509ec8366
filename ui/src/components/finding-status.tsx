// An audit result's status as icon AND words (colour never carries it alone).

import type { FindingStatus } from '../bindings/FindingStatus';
import { AlertIcon, CheckCircleIcon, XCircleIcon } from './icons';

/** The words for each status; also the names of the result groups. */
export const FINDING_STATUS_TEXT: Record<FindingStatus, string> = {
  fail: 'Needs fixing',
  warn: 'Worth a look',
  pass: 'All good',
};

export function FindingStatusIcon({ status, size = 20 }: { status: FindingStatus; size?: number }) {
  const cls = `status-icon finding-icon-${status}`;
  switch (status) {
    case 'pass':
      return <CheckCircleIcon size={size} class={cls} />;
    case 'warn':
      return <AlertIcon size={size} class={cls} />;
    case 'fail':
      return <XCircleIcon size={size} class={cls} />;
  }
}

/** Icon and word together, as a small label. */
export function FindingStatusLabel({ status }: { status: FindingStatus }) {
  return (
    <span class={`finding-status finding-status-${status}`}>
      <FindingStatusIcon status={status} size={18} />
      <span>{FINDING_STATUS_TEXT[status]}</span>
    </span>
  );
}
