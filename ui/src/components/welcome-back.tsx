// A small, dismissible line when the wizard reopens on a saved step.

import { CloseIcon, SaveIcon } from './icons';

export function WelcomeBack({ onDismiss }: { onDismiss: () => void }) {
  return (
    <p class="welcome-back" data-testid="welcome-back" role="status">
      <SaveIcon size={16} />
      <span>Welcome back — you're where you left off.</span>
      <button type="button" class="icon-button" aria-label="Dismiss the welcome back message" onClick={onDismiss}>
        <CloseIcon size={16} />
      </button>
    </p>
  );
}
