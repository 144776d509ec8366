// Test data for the views, read from what Rust really returns: the files in
// ./generated/ are written by crates/wizard-core/tests/ui_fixtures.rs (which
// names every fixture) and checked for staleness by scripts/test.sh. Nothing
// here re-implements a rule: a test picks which generated state Rust
// "returns" for each call.

import { render } from '@testing-library/preact';
import { h, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { vi, type Mock } from 'vitest';
import type { AnswerUpdate } from '../bindings/AnswerUpdate';
import type { AuditOutcome } from '../bindings/AuditOutcome';
import type { CallbackValidation } from '../bindings/CallbackValidation';
import type { Diagnosis } from '../bindings/Diagnosis';
import type { FeatureChoices } from '../bindings/FeatureChoices';
import type { PathId } from '../bindings/PathId';
import type { PathInfo } from '../bindings/PathInfo';
import type { ProgressView } from '../bindings/ProgressView';
import type { RedirectUriSet } from '../bindings/RedirectUriSet';
import type { Region } from '../bindings/Region';
import type { ScopePlan } from '../bindings/ScopePlan';
import type { Session } from '../bindings/Session';
import type { WizardError } from '../bindings/WizardError';
import type { StepContext, StepViewProps } from '../steps/types';
import auditsJson from './generated/audits.json';
import callbacksJson from './generated/callbacks.json';
import choicesJson from './generated/choices.json';
import diagnosesJson from './generated/diagnoses.json';
import errorsJson from './generated/errors.json';
import manifestsJson from './generated/manifests.json';
import pathsJson from './generated/paths.json';
import plansJson from './generated/plans.json';
import progressJson from './generated/progress.json';
import redirectsJson from './generated/redirects.json';

/** A pasted text and what Rust's `diagnose` explains for it. */
export interface DiagnosedText {
  text: string;
  diagnoses: Diagnosis[];
}

// The one place the generated JSON is given its binding types.
const PATHS = pathsJson as unknown as PathInfo[];
const CHOICES = choicesJson as unknown as Record<PathId, FeatureChoices>;
const PROGRESS = progressJson as unknown as Record<string, ProgressView>;
const PLANS = plansJson as unknown as Record<string, ScopePlan>;
const AUDITS = auditsJson as unknown as Record<string, AuditOutcome>;
const MANIFESTS = manifestsJson as unknown as Record<string, string>;
const ERRORS = errorsJson as unknown as Record<string, WizardError>;
const REDIRECTS = redirectsJson as unknown as Record<string, RedirectUriSet>;
const CALLBACKS = callbacksJson as unknown as Record<string, CallbackValidation>;
const DIAGNOSES = diagnosesJson as unknown as Record<string, DiagnosedText>;

function pick<T>(table: Record<string, T>, name: string, what: string): T {
  if (!Object.prototype.hasOwnProperty.call(table, name)) {
    throw new Error(
      `No generated ${what} named "${name}" (known: ${Object.keys(table).join(', ')}). ` +
        'Add it to crates/wizard-core/tests/ui_fixtures.rs and run `cargo test -p wizard-core --test ui_fixtures`.',
    );
  }
  return structuredClone(table[name] as T);
}

/** Every path, as `list_paths` returns them. */
export const fixturePaths = (): PathInfo[] => structuredClone(PATHS);
/** One path of paths.json. */
export const fixturePath = (id: PathId): PathInfo => {
  const p = PATHS.find((x) => x.id === id);
  if (p === undefined) throw new Error(`No generated path "${id}".`);
  return structuredClone(p);
};
/** What `feature_choices(path)` returns. */
export const fixtureChoices = (path: PathId): FeatureChoices => pick(CHOICES, path, 'feature choices');
/** A named progress state, e.g. "v3/features/email-client". */
export const fixtureProgress = (name: string): ProgressView => pick(PROGRESS, name, 'progress');
/** What `plan_scopes` returns in the progress state of the same name. */
export const fixturePlan = (name: string): ScopePlan => pick(PLANS, name, 'scope plan');
/** What `audit_manifest` returns: "near-miss" and "clean" for
 *  "v3/azure-app/answered", "<manifest>/<state>" for other states. */
export const fixtureAudit = (name: string): AuditOutcome => pick(AUDITS, name, 'audit outcome');
/** The text of a manifest the audits ran on ("near-miss", "clean"). */
export const fixtureManifest = (name: string): string => pick(MANIFESTS, name, 'manifest');
/** An error Rust answers with, e.g. "audit/needs-features". */
export const fixtureError = (name: string): WizardError => pick(ERRORS, name, 'error');
/** What `redirect_uris(path, region)` returns. */
export const fixtureRedirects = (path: PathId, region: Region): RedirectUriSet =>
  pick(REDIRECTS, `${path}/${region}`, 'redirect URI set');
/** What `validate_callback(uri)` returns for exactly this text. */
export const fixtureCallback = (uri: string): CallbackValidation => pick(CALLBACKS, uri, 'callback validation');
/** A pasted text and its diagnoses, e.g. "redirect-mismatch", "unrecognised". */
export const fixtureDiagnoses = (name: string): DiagnosedText => pick(DIAGNOSES, name, 'diagnosis');
/** What `diagnose(text)` returns for a text one of the fixtures was made from. */
export const diagnosesFor = (text: string): Diagnosis[] => {
  const hit = Object.values(DIAGNOSES).find((d) => d.text === text);
  if (hit === undefined) throw new Error(`No generated diagnosis for ${JSON.stringify(text)}.`);
  return structuredClone(hit.diagnoses);
};

/** A session as `get_session` returns it; on the welcome screen unless
 *  `overrides` says otherwise. */
export function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    version: '0.1.0',
    progress: fixtureProgress('welcome'),
    practice: { enabled: false, sandbox_url: null, left: null },
    keychain: { available: true, session_only: false, problem: null },
    notice: null,
    limits: { max_manifest_bytes: 2 * 1024 * 1024 },
    links: {
      app_registrations: 'https://portal.azure.com/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/RegisteredApps',
    },
    overrides: [],
    ...overrides,
  };
}

/** What Rust answers to one answer update: the next progress (or the name of
 *  a generated state); null when the save failed (App has shown its error
 *  card then). May be a promise, for a test to choose when Rust answers. */
export type Answer = ProgressView | string | null;
export type NextProgress = (update: AnswerUpdate, current: ProgressView) => Answer | Promise<Answer>;

/** A NextProgress that answers each listed update with a named state; any
 *  other update fails the call (and so the test). */
export function answersWith(table: Array<[AnswerUpdate, string]>): NextProgress {
  return (update) => {
    const hit = table.find(([u]) => JSON.stringify(u) === JSON.stringify(update));
    if (hit === undefined) throw new Error(`Unexpected answer update ${JSON.stringify(update)}.`);
    return hit[1];
  };
}

/** A step context as App builds it, with every call to Rust recorded. */
export interface TestCtx extends StepContext {
  setAnswer: Mock<StepContext['setAnswer']>;
  setStatus: Mock<StepContext['setStatus']>;
  applyProgress: Mock<StepContext['applyProgress']>;
  openLink: Mock<StepContext['openLink']>;
  /** The name of the generated state the progress is in, if it is one. */
  state: string | null;
  /** Called whenever the progress changes (renderStep re-renders then). */
  onProgress: (() => void) | null;
}

/** A context on the path and step of `start` (a generated state's name, or a
 *  ProgressView). `setAnswer` records each update and resolves to what
 *  `next` says Rust returns (by default the progress unchanged), which —
 *  like App — becomes the session's progress; so does what a step passes to
 *  `applyProgress`. `setStatus` only records. */
export function makeCtx(start: string | ProgressView, next?: NextProgress): TestCtx {
  const first = typeof start === 'string' ? fixtureProgress(start) : structuredClone(start);
  if (first.path === null || first.step === null) throw new Error('makeCtx needs a progress on a path and step.');
  const path = fixturePath(first.path);
  const step = path.steps.find((s) => s.id === first.step);
  if (step === undefined) throw new Error(`"${first.step}" is not a step of ${first.path}.`);

  const ctx: TestCtx = {
    session: makeSession({ progress: first }),
    path,
    step,
    busy: false,
    state: typeof start === 'string' ? start : null,
    onProgress: null,
    setAnswer: vi.fn(async (update: AnswerUpdate) => {
      if (next === undefined) return ctx.session.progress;
      const answer = await next(update, structuredClone(ctx.session.progress));
      if (answer === null) return null;
      show(answer);
      return ctx.session.progress;
    }),
    setStatus: vi.fn(async () => ctx.session.progress),
    applyProgress: vi.fn((progress: ProgressView) => show(progress)),
    openLink: vi.fn(async () => undefined),
  };
  function show(p: ProgressView | string) {
    ctx.state = typeof p === 'string' ? p : null;
    ctx.session = { ...ctx.session, progress: typeof p === 'string' ? fixtureProgress(p) : p };
    ctx.onProgress?.();
  }
  return ctx;
}

/** Render a step view the way App does: again with the new progress each
 *  time the context's progress changes. */
export function renderStep(View: ComponentType<StepViewProps>, ctx: TestCtx) {
  function Harness() {
    const [, setTick] = useState(0);
    useEffect(() => {
      ctx.onProgress = () => setTick((n) => n + 1);
      return () => {
        ctx.onProgress = null;
      };
    }, []);
    return h(View, { ctx: { ...ctx } });
  }
  return render(h(Harness, null));
}

/** A promise the test settles when it likes (e.g. when Rust "answers"). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
