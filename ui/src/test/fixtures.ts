// Test data shaped by the generated bindings and taken from what Rust
// returns (./generated/, via requirements.ts), so a change on the Rust side
// shows up here rather than silently drifting.
import type { ProgressView } from '../bindings/ProgressView';
import type { PathInfo } from '../bindings/PathInfo';
import type { StepInfo } from '../bindings/StepInfo';
import { fixturePaths, fixtureProgress, makeSession } from './requirements';

export { makeSession };

/** The paths as `list_paths` returns them. */
export function makePaths(): PathInfo[] {
  return fixturePaths();
}

/** `step` as Rust sends a step this version can't do (paths.rs `by_hand`):
 *  not available, with by-hand lines and documentation. Every path's steps
 *  may be built, so the not-built panel's tests make their own. */
export function asNotBuilt(step: StepInfo): StepInfo {
  return {
    ...step,
    available: false,
    by_hand: [
      'In Nylas, create an admin-consent credential for each Microsoft tenant (Connectors → Microsoft → Credentials).',
      'A Global Administrator of each tenant opens the admin-consent link and accepts.',
    ],
    docs: [
      {
        label: 'Microsoft: Grant admin consent',
        topic: { topic: 'microsoft_admin_consent' },
        url: 'https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent',
      },
      { label: 'Nylas documentation', topic: { topic: 'nylas_docs' }, url: 'https://developer.nylas.com/docs/' },
    ],
  };
}

/** `path` with nothing built. */
export function nothingBuilt(path: PathInfo): PathInfo {
  return { ...path, steps: path.steps.map(asNotBuilt), steps_built: 0 };
}

/** A progress on the welcome screen (the generated "welcome" state), with
 *  `overrides`. For a state on a path, prefer a named one from
 *  `fixtureProgress`. */
export function makeProgress(overrides: Partial<ProgressView> = {}): ProgressView {
  return { ...fixtureProgress('welcome'), ...overrides };
}
