// Test data shaped by the generated bindings and taken from what Rust
// returns (./generated/, via requirements.ts), so a change on the Rust side
// shows up here rather than silently drifting.
import type { ProgressView } from '../bindings/ProgressView';
import type { PathInfo } from '../bindings/PathInfo';
import { fixturePaths, fixtureProgress, makeSession } from './requirements';

export { makeSession };

/** The paths as `list_paths` returns them. */
export function makePaths(): PathInfo[] {
  return fixturePaths();
}

/** A progress on the welcome screen (the generated "welcome" state), with
 *  `overrides`. For a state on a path, prefer a named one from
 *  `fixtureProgress`. */
export function makeProgress(overrides: Partial<ProgressView> = {}): ProgressView {
  return { ...fixtureProgress('welcome'), ...overrides };
}
