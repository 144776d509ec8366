// The saved answers the Features, Region and Azure app steps share, read
// back from `progress.answers` (plain JSON, so every value is checked before
// use) and turned into the audit's request. Nothing secret is ever saved here.

import type { AuditPath } from '../bindings/AuditPath';
import type { AuditRequest } from '../bindings/AuditRequest';
import type { Feature } from '../bindings/Feature';
import type { FeatureChoices } from '../bindings/FeatureChoices';
import type { PathId } from '../bindings/PathId';
import type { Preset } from '../bindings/Preset';
import type { Progress } from '../bindings/Progress';
import type { Region } from '../bindings/Region';
import type { Tenancy } from '../bindings/Tenancy';
import type { JsonValue } from '../bindings/serde_json/JsonValue';

type Answers = Progress['answers'];

/** The answer keys (`"<step>.<field>"`). */
export const KEYS = {
  region: 'region.region',
  callbacks: 'region.callback_uris',
  tenancy: 'azure-app.tenancy',
  tenant: 'azure-app.tenant',
  lastCheck: 'azure-app.last_check',
} as const;

/** Nylas v2 uses Graph for calendars only (wizard-core's V2_FEATURES). */
export const V2_FEATURES: readonly Feature[] = ['calendar-read', 'calendar-write', 'shared-calendar'];

/** What the Azure app is checked for: migration and bulk use a v3 app. */
export function auditPathOf(path: PathId): AuditPath {
  if (path === 'teams' || path === 'v2-events') return path;
  return 'v3';
}

/** The v2 path keeps its own feature answers, so a v3 choice (mail…) never
 *  leaks into a path that can't use it, and the other way round. */
export function featureKeys(path: PathId): { preset: string; list: string } {
  return path === 'v2-events'
    ? { preset: 'features.v2-events.preset', list: 'features.v2-events.list' }
    : { preset: 'features.preset', list: 'features.list' };
}

/** The features a path offers (all of them, except on v2). */
export function allowedFeatures(path: PathId, choices: FeatureChoices): FeatureChoices {
  if (path !== 'v2-events') return choices;
  const ok = (f: Feature) => V2_FEATURES.includes(f);
  return {
    features: choices.features.filter((f) => ok(f.id)),
    presets: choices.presets.filter((p) => p.features.every(ok)),
  };
}

function str(v: JsonValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function strList(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export interface FeatureAnswer {
  preset: Preset | null;
  features: Feature[];
}

/** The saved features for a path. The names were saved by the Features
 *  step from Rust's own list; Rust checks them again on every use. */
export function readFeatures(answers: Answers, path: PathId): FeatureAnswer {
  const keys = featureKeys(path);
  const preset = str(answers[keys.preset]) as Preset | null;
  let features = strList(answers[keys.list]) as Feature[];
  if (path === 'v2-events') features = features.filter((f) => V2_FEATURES.includes(f));
  return { preset, features };
}

/** The saved region; US when unknown (most Nylas accounts). */
export function readRegion(answers: Answers): Region {
  return str(answers[KEYS.region]) === 'eu' ? 'eu' : 'us';
}

export function readCallbacks(answers: Answers): string[] {
  return strList(answers[KEYS.callbacks]);
}

export function readTenancy(answers: Answers): Tenancy | null {
  const t = str(answers[KEYS.tenancy]);
  return t === 'single' || t === 'multi' ? t : null;
}

export function readTenant(answers: Answers): string {
  return str(answers[KEYS.tenant]) ?? '';
}

/** What the last check found, remembered without the manifest itself. */
export interface LastCheck {
  display_name: string | null;
  checked_at: string;
  fail: number;
  warn: number;
  pass: number;
}

export function readLastCheck(answers: Answers): LastCheck | null {
  const v = answers[KEYS.lastCheck];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as { [k: string]: JsonValue | undefined };
  const n = (x: JsonValue | undefined) => (typeof x === 'number' ? x : 0);
  const at = str(o.checked_at);
  if (at === null) return null;
  return { display_name: str(o.display_name), checked_at: at, fail: n(o.fail), warn: n(o.warn), pass: n(o.pass) };
}

/** True when the audit for this path can't run until features are picked. */
export function needsFeatures(path: PathId, f: FeatureAnswer): boolean {
  return auditPathOf(path) === 'v3' && f.preset === null && f.features.length === 0;
}

/** The audit request, from the saved answers. */
export function auditRequest(answers: Answers, path: PathId): AuditRequest {
  const audit = auditPathOf(path);
  const f = readFeatures(answers, path);
  const tenant = readTenant(answers).trim();
  return {
    path: audit,
    // Teams asks for a fixed set of permissions; features don't apply.
    preset: audit === 'teams' ? null : f.preset,
    features: audit === 'teams' ? [] : f.features,
    region: readRegion(answers),
    tenancy: readTenancy(answers),
    tenant: tenant === '' ? null : tenant,
    client_id: null,
    callback_uris: audit === 'v3' ? readCallbacks(answers) : [],
    now: null,
  };
}
