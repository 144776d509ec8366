// The top bar: the app's name and version, Diagnose (on every screen), and
// (inside a path) a way back to the welcome screen. The path itself is named
// above the step list.

import type { PathInfo } from '../bindings/PathInfo';
import { ChangesButton } from './change-list';
import { DiagnoseButton } from './diagnose';
import { AppMark } from './icons';

interface AppHeaderProps {
  version: string | null;
  path: PathInfo | null;
  onChangePath?: () => void;
  busy?: boolean;
  /** Diagnose's "Go to the Azure app step", when the path has that step. */
  onShowCheck?: () => void;
}

export function AppHeader({ version, path, onChangePath, busy = false, onShowCheck }: AppHeaderProps) {
  return (
    <header class="app-header">
      <div class="app-brand">
        <AppMark size={22} class="app-mark" />
        <span class="app-name">Nylas Microsoft Setup Wizard</span>
        {version !== null && <span class="app-version">v{version}</span>}
      </div>
      <div class="app-header-path">
        <ChangesButton />
        <DiagnoseButton onShowCheck={onShowCheck} />
        {path !== null && onChangePath !== undefined && (
          <button
            type="button"
            class="btn btn-quiet btn-small"
            data-testid="change-path-button"
            onClick={onChangePath}
            aria-disabled={busy ? 'true' : undefined}
            aria-describedby="change-path-note"
            title="Your progress on this path is kept; come back to it any time."
          >
            Change path
            <span class="change-path-note" id="change-path-note">
              {' '}
              · progress is kept
            </span>
          </button>
        )}
      </div>
    </header>
  );
}
