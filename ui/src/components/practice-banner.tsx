// Always at the top while practice mode is on, so nobody mistakes the
// simulator for their real tenant.

import { FlaskIcon } from './icons';

interface PracticeBannerProps {
  onLeave: () => void;
  busy?: boolean;
}

export function PracticeBanner({ onLeave, busy = false }: PracticeBannerProps) {
  return (
    <div class="practice-banner" data-testid="practice-banner" role="region" aria-label="Practice mode">
      <FlaskIcon size={18} />
      <p>
        <strong>Practice mode</strong> — you're working with a simulator, not your real Microsoft or Nylas accounts.
        Practice keeps its own answers; your real progress and keychain are untouched.
      </p>
      <button
        type="button"
        class="btn btn-small btn-practice"
        data-testid="leave-practice"
        onClick={onLeave} aria-disabled={busy ? 'true' : undefined}>
        Leave practice mode
      </button>
    </div>
  );
}
