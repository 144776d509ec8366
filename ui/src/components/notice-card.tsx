// A one-time notice about the saved progress (damaged, or from a newer
// version). It informs; it never blocks using the wizard.

import type { StateNotice } from '../bindings/StateNotice';
import { ERROR_TEXT } from '../api';
import { Callout } from './callout';
import { CopyValue } from './copy-value';

interface NoticeCardProps {
  notice: StateNotice;
  onDismiss: () => void;
  busy?: boolean;
}

export function NoticeCard({ notice, onDismiss, busy = false }: NoticeCardProps) {
  return (
    <Callout
      tone="warning"
      icon="info"
      title={ERROR_TEXT[notice.code].title}
      testId="notice-card"
      role="status"
      actions={
        <button type="button" class="btn btn-secondary btn-small" onClick={onDismiss} aria-disabled={busy ? 'true' : undefined}>
          Got it
        </button>
      }
    >
      <p>{notice.message}</p>
      {notice.backup_path !== null && (
        <>
          <p>The old file was kept here, in case you or support need it:</p>
          <CopyValue value={notice.backup_path} label="backup file location" />
        </>
      )}
    </Callout>
  );
}
