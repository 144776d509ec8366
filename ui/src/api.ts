// The ONLY module that talks to Rust. Every IPC command has one typed wrapper
// here; views never import `@tauri-apps/api` themselves. Rust is the source of
// truth: callers render whatever these functions return.
//
// Errors from Rust arrive as `{code, message, hint?}` (WizardError) and are
// rethrown as `WizardApiError`, which also knows a plain-language title and a
// fallback next action for every stable code.

import { Channel, invoke } from '@tauri-apps/api/core';
import type { Access } from './bindings/Access';
import type { AnswerUpdate } from './bindings/AnswerUpdate';
import type { AppPlan } from './bindings/AppPlan';
import type { AuditOutcome } from './bindings/AuditOutcome';
import type { CallbackValidation } from './bindings/CallbackValidation';
import type { ApplyReport } from './bindings/ApplyReport';
import type { AccountRow } from './bindings/AccountRow';
import type { BatchOutcome } from './bindings/BatchOutcome';
import type { Change } from './bindings/Change';
import type { ChangeLog } from './bindings/ChangeLog';
import type { CheckId } from './bindings/CheckId';
import type { ChecklistItem } from './bindings/ChecklistItem';
import type { MigrateChecklist } from './bindings/MigrateChecklist';
import type { Classification } from './bindings/Classification';
import type { CreateOutcome } from './bindings/CreateOutcome';
import type { CreateProgress } from './bindings/CreateProgress';
import type { Diagnosis } from './bindings/Diagnosis';
import type { DocTopic } from './bindings/DocTopic';
import type { ErrorCode } from './bindings/ErrorCode';
import type { ExchangeCheck } from './bindings/ExchangeCheck';
import type { FeatureChoices } from './bindings/FeatureChoices';
import type { FixOutcome } from './bindings/FixOutcome';
import type { FixStep } from './bindings/FixStep';
import type { HandoffEmail } from './bindings/HandoffEmail';
import type { LastAudit } from './bindings/LastAudit';
import type { SummaryFormat } from './bindings/SummaryFormat';
import type { LiveAudit } from './bindings/LiveAudit';
import type { LivePlan } from './bindings/LivePlan';
import type { NewSecret } from './bindings/NewSecret';
import type { NylasAccountCheck } from './bindings/NylasAccountCheck';
import type { EwsBodyShape } from './bindings/EwsBodyShape';
import type { EwsRecord } from './bindings/EwsRecord';
import type { NylasAccountRecord } from './bindings/NylasAccountRecord';
import type { NylasV2Record } from './bindings/NylasV2Record';
import type { NylasV2AppCheck } from './bindings/NylasV2AppCheck';
import type { NativeAuthOutcome } from './bindings/NativeAuthOutcome';
import type { NativeAuthPlan } from './bindings/NativeAuthPlan';
import type { NativeAuthProgress } from './bindings/NativeAuthProgress';
import type { ServiceAccountOutcome } from './bindings/ServiceAccountOutcome';
import type { ServiceAccountPlan } from './bindings/ServiceAccountPlan';
import type { ServiceAccountProgress } from './bindings/ServiceAccountProgress';
import type { PathId } from './bindings/PathId';
import type { Plan } from './bindings/Plan';
import type { PathInfo } from './bindings/PathInfo';
import type { PortalPage } from './bindings/PortalPage';
import type { ProgressEvent } from './bindings/ProgressEvent';
import type { ProgressView } from './bindings/ProgressView';
import type { ProxySetting } from './bindings/ProxySetting';
import type { RedirectUriSet } from './bindings/RedirectUriSet';
import type { Region } from './bindings/Region';
import type { ScopePlan } from './bindings/ScopePlan';
import type { ScopeTranslation } from './bindings/ScopeTranslation';
import type { SecretLifetime } from './bindings/SecretLifetime';
import type { SecretName } from './bindings/SecretName';
import type { SetupReport } from './bindings/SetupReport';
import type { Session } from './bindings/Session';
import type { SignInStatus } from './bindings/SignInStatus';
import type { StepStatus } from './bindings/StepStatus';
import type { StoredSecret } from './bindings/StoredSecret';
import type { TeamsAuthEvent } from './bindings/TeamsAuthEvent';
import type { TenantInfo } from './bindings/TenantInfo';
import type { TestSignInOutcome } from './bindings/TestSignInOutcome';
import type { V2Scope } from './bindings/V2Scope';
import type { V2ScopeChoice } from './bindings/V2ScopeChoice';
import type { WhatChanged } from './bindings/WhatChanged';
import type { BulkItem } from './bindings/BulkItem';
import type { BulkKind } from './bindings/BulkKind';
import type { BulkProgress } from './bindings/BulkProgress';
import type { BulkSummary } from './bindings/BulkSummary';
import type { RowProblem } from './bindings/RowProblem';
import type { TenantRow } from './bindings/TenantRow';
import type { UserRow } from './bindings/UserRow';
import type { WizardError } from './bindings/WizardError';

/** Plain words for each stable error code (crates/wizard-core/src/error.rs).
 *  `title` is the headline of an error card; `hint` is the next action when
 *  Rust did not send one. A `Record` so a new code fails the type check until
 *  it has words here. */
export const ERROR_TEXT: Record<ErrorCode, { title: string; hint: string }> = {
  invalid_input: {
    title: "That doesn't look right",
    hint: 'Check what you entered and try again.',
  },
  keychain_unavailable: {
    title: "Your system keychain isn't available",
    hint: 'Unlock or install your keychain, or keep secrets for this run only.',
  },
  keychain_timeout: {
    title: "Your system keychain didn't answer",
    hint: 'It may be waiting for you to unlock it in another window. Unlock it and try again, or keep secrets for this run only.',
  },
  secret_not_found: {
    title: 'A saved secret is missing',
    hint: 'Enter it again in this step; it goes straight to your keychain.',
  },
  remote_unavailable: {
    title: "The service couldn't be reached",
    hint: 'Check your internet connection, then try again in a minute.',
  },
  rate_limited: {
    title: 'The service asked us to slow down',
    hint: 'Wait a minute, then try again.',
  },
  bad_response: {
    title: "The service sent an answer the wizard didn't understand",
    hint: 'Try again. If it keeps happening, note the code below for support.',
  },
  unauthorized: {
    title: "The service didn't accept the credentials",
    hint: 'Check the key or secret, and that it belongs to the right region.',
  },
  forbidden: {
    title: "This account isn't allowed to do that",
    hint: 'Sign in with an account that has the admin role this step needs.',
  },
  not_found: {
    title: "It wasn't found",
    hint: "Check the ID you entered, and that you're in the right tenant or region.",
  },
  rejected: {
    title: 'The service turned the request down',
    hint: 'The message above says what to change; fix it and try again.',
  },
  cancelled: {
    title: 'Stopped',
    hint: "Nothing more was done. Start it again when you're ready.",
  },
  redirect_loop: {
    title: 'The service kept sending the wizard elsewhere',
    hint: 'A proxy, firewall or sign-in page in between may be redirecting it. Check with your IT department.',
  },
  response_too_large: {
    title: 'The service sent far more than expected',
    hint: 'A proxy or firewall may be answering instead of the service. Check with your IT department.',
  },
  state_corrupt: {
    title: "Your saved progress couldn't be read",
    hint: 'The wizard starts fresh; the old file was kept aside.',
  },
  state_newer_version: {
    title: 'Your saved progress is from a newer version',
    hint: 'Update the wizard to continue that progress, or start fresh here.',
  },
  state_migrated: {
    title: 'Some saved answers were not kept',
    hint: 'Answer those questions again; everything else was kept.',
  },
  state_backup_failed: {
    title: "Your saved progress couldn't be read or moved aside",
    hint: 'Close any program that has the file open, or move or delete it yourself, then try again.',
  },
  io: {
    title: "A file couldn't be read or saved",
    hint: 'Check that the disk has free space and that you may write to the folder, then try again.',
  },
  manifest_invalid: {
    title: "That file isn't an app manifest",
    hint: 'In the Azure portal, open your app → Manifest → Download, then choose that file.',
  },
  internal: {
    title: 'Something went wrong in the wizard',
    hint: 'Try again. If it happens again, note the code below for support.',
  },
};

function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TEXT, code);
}

/** An error from Rust (or from reaching it), ready to show on an error card. */
export class WizardApiError extends Error {
  /** The stable code, as Rust sent it (an unknown code is kept for support). */
  readonly code: string;
  /** The next action Rust suggested, if any. */
  readonly hint: string | undefined;
  /** The remote service's id for the failed request, for support. */
  readonly requestId: string | undefined;

  constructor(code: string, message: string, hint?: string, requestId?: string) {
    super(message);
    this.name = 'WizardApiError';
    this.code = code;
    this.hint = hint;
    this.requestId = requestId;
  }

  private get text(): { title: string; hint: string } {
    return ERROR_TEXT[isKnownCode(this.code) ? this.code : 'internal'];
  }

  /** Headline in plain words. */
  get title(): string {
    return this.text.title;
  }

  /** What to do next: Rust's hint, else the fallback for the code. */
  get nextAction(): string {
    return this.hint ?? this.text.hint;
  }
}

function isWizardError(raw: unknown): raw is WizardError {
  if (typeof raw !== 'object' || raw === null) return false;
  const r = raw as Record<string, unknown>;
  return typeof r.code === 'string' && typeof r.message === 'string';
}

/** Turn whatever a failed call threw into a `WizardApiError`. */
export function toWizardError(raw: unknown): WizardApiError {
  if (raw instanceof WizardApiError) return raw;
  if (isWizardError(raw)) {
    const hint = typeof raw.hint === 'string' && raw.hint !== '' ? raw.hint : undefined;
    const message = raw.message !== '' ? raw.message : ERROR_TEXT[isKnownCode(raw.code) ? raw.code : 'internal'].title;
    const requestId = typeof raw.request_id === 'string' && raw.request_id !== '' ? raw.request_id : undefined;
    return new WizardApiError(raw.code, message, hint, requestId);
  }
  // Not from our commands: the IPC bridge itself failed (a command that is not
  // allowed, or the page running outside the app).
  const detail = raw instanceof Error ? raw.message : typeof raw === 'string' ? raw : '';
  return new WizardApiError(
    'internal',
    detail !== ''
      ? `The window couldn't reach the wizard's engine (${detail}).`
      : "The window couldn't reach the wizard's engine.",
    'Close the wizard and open it again. Your progress is saved.',
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toWizardError(e);
  } finally {
    // Even a failed or stopped write may have changed something.
    if (MAY_RECORD_CHANGES.has(command)) for (const l of changeListeners) l();
  }
}

/** Commands after which the run's change list may have grown or been
 *  cleared (issue 17 point 11): the "Changes made" entry refreshes. */
const MAY_RECORD_CHANGES = new Set([
  'apply_live_fixes',
  'create_new_client_secret',
  'grant_admin_consent',
  'create_new_app',
  'apply_configure_nylas',
  'apply_teams_integration',
  'start_over',
  'set_practice_mode',
]);
const changeListeners = new Set<() => void>();

/** Be told when the change list may have changed; returns the unsubscribe. */
export function onChangesMayHaveChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

/** The wizard's version, once the session has been read (for support details). */
let knownVersion: string | undefined;
export function appVersion(): string | undefined {
  return knownVersion;
}

/** The start-up benchmark's hook: called once the first screen is drawn (Rust does nothing unless a benchmark asked). */
export async function benchReady(): Promise<void> {
  // The page's own moments, as Unix milliseconds, so the benchmark can say
  // where start-up time went (printed only when it asks for timing).
  const at = (t: number): number => performance.timeOrigin + t;
  const marks: [string, number][] = [['page:origin', at(0)]];
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav !== undefined) {
    marks.push(['page:response-end', at(nav.responseEnd)], ['page:dom-interactive', at(nav.domInteractive)]);
  }
  for (const m of performance.getEntriesByType('mark')) marks.push([m.name, at(m.startTime)]);
  marks.push(['app:ready', at(performance.now())]);
  await call<null>('bench_ready', { marks });
}

/** Everything needed to draw the wizard: progress, practice mode, keychain, notice. */
export async function getSession(): Promise<Session> {
  const session = await call<Session>('get_session');
  knownVersion = session.version;
  return session;
}

/** The five paths and their steps, in welcome-screen order. */
export function listPaths(): Promise<PathInfo[]> {
  return call<PathInfo[]>('list_paths');
}

/** Choose a path; `null` goes back to the welcome screen. */
export function choosePath(path: PathId | null): Promise<ProgressView> {
  return call<ProgressView>('choose_path', { path });
}

export function goToStep(step: string): Promise<ProgressView> {
  return call<ProgressView>('go_to_step', { step });
}

/** Change one answer; Rust checks it (a bad value fails with
 *  `invalid_input`) and answers with the new progress. Secrets never go here. */
export function setAnswer(update: AnswerUpdate): Promise<ProgressView> {
  return call<ProgressView>('set_answer', { update });
}

/** Say how a step of the chosen path stands (shown in the step list). */
export function setStepStatus(step: string, status: StepStatus): Promise<ProgressView> {
  return call<ProgressView>('set_step_status', { step, status });
}

/** Start or stop the built-in simulator of Microsoft and Nylas. */
export function setPracticeMode(enabled: boolean): Promise<Session> {
  return call<Session>('set_practice_mode', { enabled });
}

export function useSessionOnlySecrets(): Promise<Session> {
  return call<Session>('use_session_only_secrets');
}

/** Ask the keychain again (after the admin unlocked or installed it). */
export function recheckKeychain(): Promise<Session> {
  return call<Session>('recheck_keychain');
}

/** Forget every saved answer and the secrets this wizard stored (the
 *  window asks the admin to confirm first). */
export function startOver(): Promise<Session> {
  return call<Session>('start_over');
}

export function dismissNotice(): Promise<Session> {
  return call<Session>('dismiss_notice');
}

// Links open by intent: the window names the page, Rust builds the link and
// opens it in the system browser. There is no way to open an arbitrary URL.

/** An Azure portal blade of the app (or the App registrations list). */
export async function openPortal(page: PortalPage): Promise<void> {
  await call<null>('open_portal', { blade: page.blade, appId: page.app_id });
}

/** Microsoft's admin-consent page for the app, in a tenant (or any organization). */
export async function openConsent(tenant: string | null, clientId: string): Promise<void> {
  await call<null>('open_consent', { tenant, clientId });
}

/** A help page (Microsoft's or Nylas's). */
export async function openDocs(topic: DocTopic): Promise<void> {
  await call<null>('open_docs', { topic });
}

/** What a view may ask to open; `openLink` sends it to the matching command. */
export type OpenLink =
  | { kind: 'portal'; page: PortalPage }
  | { kind: 'consent'; tenant: string | null; clientId: string }
  | { kind: 'docs'; topic: DocTopic };

export function openLink(link: OpenLink): Promise<void> {
  switch (link.kind) {
    case 'portal':
      return openPortal(link.page);
    case 'consent':
      return openConsent(link.tenant, link.clientId);
    case 'docs':
      return openDocs(link.topic);
  }
}

// What Microsoft needs: pure look-ups in wizard-core, nothing remote.

/** The features and presets a path offers, with their plain labels. */
export function featureChoices(path: PathId): Promise<FeatureChoices> {
  return call<FeatureChoices>('feature_choices', { path });
}

/** The least-privilege Graph scopes for the chosen path's saved features. */
export function planScopes(): Promise<ScopePlan> {
  return call<ScopePlan>('plan_scopes');
}

/** The redirect URIs the Azure app needs on its Web platform. */
export function redirectUris(path: PathId, region: Region): Promise<RedirectUriSet> {
  return call<RedirectUriSet>('redirect_uris', { path, region });
}

/** Check one of the customer's own callback URIs. */
export function validateCallback(uri: string): Promise<CallbackValidation> {
  return call<CallbackValidation>('validate_callback', { uri });
}

/** Audit a downloaded app manifest (its text) against the saved answers of
 *  the chosen path; the result is recorded in the progress. A file that
 *  isn't a manifest fails with code `manifest_invalid`. */
export function auditManifest(manifest: string): Promise<AuditOutcome> {
  return call<AuditOutcome>('audit_manifest', { manifest });
}

/** Explain a pasted error message or callback address; never empty. */
export function diagnose(text: string): Promise<Diagnosis[]> {
  return call<Diagnosis[]>('diagnose', { text });
}

// Remote look-ups: the real Microsoft and Nylas hosts, or the practice
// simulator while practice mode is on (Rust decides; the window never knows).

/** Ask Microsoft whether a tenant exists (its public OpenID document; no
 *  sign-in needed). An unknown tenant fails with code `not_found`. */
export function lookUpTenant(tenant: string): Promise<TenantInfo> {
  return call<TenantInfo>('look_up_tenant', { tenant });
}

/** A Cancel button: stop the running call of one command (its Rust name,
 *  e.g. `look_up_tenant`), or every remote call when none is named. The
 *  stopped call fails with code `cancelled`. Answers how many were stopped. */
export function cancelRemote(command?: string): Promise<number> {
  return call<number>('cancel_remote', { command: command ?? null });
}

/** How calls to Microsoft and Nylas reach the internet from now on (the
 *  computer's settings, a proxy address, or none); Rust checks it and
 *  answers with the setting in force. */
export function setProxy(proxy: ProxySetting): Promise<ProxySetting> {
  return call<ProxySetting>('set_proxy', { proxy });
}

// Secrets: handed to Rust once, stored in the keychain (or memory for this run
// when the admin chose so), and only ever answered with a hint.

/** Store a secret's value; the answer is its hint, never the value. */
export function saveSecret(name: SecretName, value: string): Promise<StoredSecret> {
  return call<StoredSecret>('save_secret', { name, value });
}

/** The stored secret's hint, or null when none is stored. */
export function storedSecret(name: SecretName): Promise<StoredSecret | null> {
  return call<StoredSecret | null>('stored_secret', { name });
}

export async function forgetSecret(name: SecretName): Promise<void> {
  await call<null>('forget_secret', { name });
}

// Microsoft sign-in and the live check of the app registration. Tokens stay
// in Rust's memory; the window learns who is signed in, never a token.

/** Who is signed in to Microsoft (Rust's `SignedInAs`). */
export interface SignedInAs {
  tenant: string;
  tenant_name: string | null;
  tenant_id: string | null;
  /** The person signed in (Graph `/me`), when it could be read. */
  user_name?: string | null;
  user_principal_name?: string | null;
  /** "Remember me": a sign-in token is in the keychain until Sign out. */
  remembered?: boolean;
  /** `audit` reads the app only; `fix` may change it. */
  access: Access;
  practice: boolean;
}

/** The live audit and the progress it was recorded in. */
export interface LiveOutcome {
  live: LiveAudit;
  progress: ProgressView;
}

/** Fixes applied, the re-audit, and the progress it was recorded in. */
export interface FixApplied {
  outcome: FixOutcome;
  progress: ProgressView;
  /** What was changed, each with how to undo it. */
  changes: Change[];
}

export type SignInMethod = 'browser' | 'device';

/** Begin signing in: answers with the page the browser was sent to (also to
 *  copy) or the code to type at Microsoft's device login page. */
export function startMicrosoftSignIn(method: SignInMethod, access: Access): Promise<SignInStatus> {
  return call<SignInStatus>('start_microsoft_sign_in', { method, access });
}

/** Wait for the sign-in started last (Cancel: `cancelRemote('finish_microsoft_sign_in')`).
 * `remember`: keep a sign-in token in the keychain for the next start. */
export function finishMicrosoftSignIn(remember = false): Promise<SignedInAs> {
  return call<SignedInAs>('finish_microsoft_sign_in', { remember });
}

export function microsoftSignedIn(): Promise<SignedInAs | null> {
  return call<SignedInAs | null>('microsoft_signed_in');
}

export async function signOutMicrosoft(): Promise<void> {
  await call<null>('sign_out_microsoft');
}

/** Read the app registration from Microsoft Graph and check it. */
export function checkAppLive(clientId: string): Promise<LiveOutcome> {
  return call<LiveOutcome>('check_app_live', { clientId });
}

/** Open Microsoft's admin-consent page in the browser for the permissions
 *  still missing, wait until the tenant shows them consented (Cancel:
 *  `cancelRemote('grant_admin_consent')`), then check the app again. */
export function grantAdminConsent(clientId: string): Promise<LiveOutcome> {
  return call<LiveOutcome>('grant_admin_consent', { clientId });
}

/** What "Fix all" (no check) or "Fix this" (one check) would change, before
 *  and after in words, and which checks "Fix this" can fix; nothing changes. */
export function planLiveFixes(clientId: string, check: CheckId | null = null): Promise<LivePlan> {
  return call<LivePlan>('plan_live_fixes', { clientId, check });
}

/** Apply the fixes (all, or one check's) after the admin confirmed the
 *  preview, then re-check. */
export function applyLiveFixes(clientId: string, check: CheckId | null = null): Promise<FixApplied> {
  return call<FixApplied>('apply_live_fixes', { clientId, check });
}

/** Create a client secret on the app; Rust stores its value and keeps it
 *  for "Copy the secret" while the dialog is open. The window gets the hint,
 *  never the value. */
export function createNewClientSecret(clientId: string, description: string, lifetime: SecretLifetime): Promise<NewSecret> {
  return call<NewSecret>('create_new_client_secret', { clientId, description, lifetime });
}

/** Rust puts the new secret on the system clipboard (the value never comes
 *  to the window). */
export function copyNewClientSecret(): Promise<{ copied: boolean }> {
  return call<{ copied: boolean }>('copy_new_client_secret');
}

/** The dialog closed: Rust forgets the value it kept for copying (the
 *  secret stays stored). */
export async function forgetNewClientSecret(): Promise<void> {
  await call<null>('forget_new_client_secret');
}

// "Create it for me": the plan of a new app registration, then creating it
// (Rust stores the client secret; the window gets its hint only).

/** An app already registered that creating would reuse, and its changes. */
export interface ReusedApp {
  display_name: string;
  app_id: string;
  changes: FixStep[];
}

/** The plan for the saved answers (Rust's `NewAppPlan`). */
export interface NewAppPlan {
  plan: AppPlan;
  /** Why creating asks for Application.ReadWrite.All. */
  why: string;
  /** The current sign-in allows creating. */
  can_create: boolean;
  /** Looked up only when signed in. */
  reuses: ReusedApp | null;
}

/** What creating did, the checks still unmet, the progress it was recorded in. */
export interface NewAppCreated {
  outcome: CreateOutcome;
  unmet: CheckId[];
  /** Permissions only an administrator can consent to, not consented yet:
   *  "Grant admin consent now" is offered for them. */
  admin_consent_to_grant: string[];
  progress: ProgressView;
}

/** The plan of the new app (blank name: the default). Nothing is created. */
export function planNewApp(name: string | null, secretDays: number | null): Promise<NewAppPlan> {
  return call<NewAppPlan>('plan_new_app', { name, secretDays });
}

/** Create (or reuse) the app after the admin confirmed the plan, then check it live.
 *  Rust streams each call as it starts and ends to `onProgress` (a Tauri
 *  Channel: the pattern for any long command's progress). */
export function createNewApp(
  name: string,
  secretDays: number,
  onProgress: (event: CreateProgress) => void,
): Promise<NewAppCreated> {
  const channel = new Channel<CreateProgress>();
  channel.onmessage = onProgress;
  return call<NewAppCreated>('create_new_app', { name, secretDays, onProgress: channel });
}

// ---- Summary to keep and the Global Admin hand-off (issue 17, points 9-10) ----

/** Saves the summary (Downloads, else the app's data folder) under a new
 *  name; answers with the file's path. Never holds a secret. */
export function exportSummary(format: SummaryFormat, clientId: string | null, audit: LastAudit | null): Promise<string> {
  return call('export_summary', { format, clientId, audit });
}

/** The summary as Markdown, for Copy. */
export function summaryText(clientId: string | null, audit: LastAudit | null): Promise<string> {
  return call('summary_text', { clientId, audit });
}

/** The email-ready request for the Global Admin. */
export function globalAdminRequest(clientId: string | null): Promise<HandoffEmail> {
  return call('global_admin_request', { clientId });
}

/** Opens that request in the mail app (the mailto: link is built in Rust). */
export async function openGlobalAdminMail(clientId: string | null, to: string | null): Promise<void> {
  await call('open_global_admin_mail', { clientId, to });
}

// ---- Changes made in this run, each with how to undo it (issue 17, point 11) ----

/** The run's changes to Microsoft and Nylas, oldest first (practice mode's own while it is on). */
export function listChanges(): Promise<ChangeLog> {
  return call<ChangeLog>('list_changes');
}

// ---- Configure Nylas (path A, issue 10): plan, then apply with progress ----

/** Something Configure Nylas needs from an earlier step. */
export interface MissingPrerequisite {
  what: string;
  /** The step that provides it (for "Go back"). */
  step: string;
  step_title: string;
}

/** The plan for the saved answers and stored secrets (requests redacted),
 *  or what is missing first. */
export interface ConfigurePlanView {
  missing: MissingPrerequisite[];
  plan: Plan | null;
  region: Region;
  application: NylasAccountRecord | null;
  api_key_hint: string | null;
  client_secret_hint: string | null;
  additional_tenants: string[];
  /** Path D: the connector Nylas's v2 import made gets the new app's settings. */
  migration: boolean;
}

/** What applying did, and the changes it made (each with its undo). */
export interface ConfigureApplied {
  plan: Plan;
  report: ApplyReport;
  changes: Change[];
  progress: ProgressView;
}

/** Read what Nylas has and plan what to change. Nothing is sent. */
export function planConfigureNylas(): Promise<ConfigurePlanView> {
  return call<ConfigurePlanView>('plan_configure_nylas');
}

/** Apply after the admin confirmed: each step's progress streams to
 *  `onProgress`; `cancelRemote('apply_configure_nylas')` stops it. */
export function applyConfigureNylas(onProgress: (event: ProgressEvent) => void): Promise<ConfigureApplied> {
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = onProgress;
  return call<ConfigureApplied>('apply_configure_nylas', { onProgress: channel });
}

// ---- Path D: the EWS connector (issue 12, point 6) ----

/** Whether the EWS connector is needed, from the sorted v2 accounts. */
export type EwsNeed = 'unknown' | 'not_needed' | 'needed';

/** What the EWS step shows before anything is sent. */
export interface EwsPlanView {
  need: EwsNeed;
  /** Why it is (not) needed, in plain words. */
  why: string;
  missing: MissingPrerequisite[];
  plan: Plan | null;
  region: Region;
  application: NylasAccountRecord | null;
  api_key_hint: string | null;
  scopes: string[];
  record: EwsRecord | null;
}

/** What applying did; `accepted` is the body Nylas took when it created one. */
export interface EwsAppliedView {
  plan: Plan;
  report: ApplyReport;
  accepted: EwsBodyShape | null;
  /** The change recorded (with its undo) when the connector was created. */
  changes: Change[];
  progress: ProgressView;
}

/** Whether the EWS connector is needed, and the plan when it is. Nothing is sent. */
export function planMigrateEws(): Promise<EwsPlanView> {
  return call<EwsPlanView>('plan_migrate_ews');
}

/** Find or create the EWS connector after the admin confirmed; progress streams to
 *  `onProgress`; `cancelRemote('apply_migrate_ews')` stops it. */
export function applyMigrateEws(onProgress: (event: ProgressEvent) => void): Promise<EwsAppliedView> {
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = onProgress;
  return call<EwsAppliedView>('apply_migrate_ews', { onProgress: channel });
}

// ---- Nylas account (issue 10, point 1) ----

/** What checking a Nylas API key found (Rust's `NylasAccountView`). */
export interface NylasAccountView {
  check: NylasAccountCheck;
  /** The key was saved now: it works in the region checked. */
  kept: boolean;
  /** The saved key's hint (the new one, or the one saved before). */
  stored: StoredSecret | null;
  progress: ProgressView;
}

/** Check a pasted key (null: practice mode's key) in `region` (null: the
 *  region answer; the other region is "Switch", which changes the answer
 *  only if the key works there). Kept only when it works; never answered. */
export function checkNylasAccount(apiKey: string | null, region: Region | null): Promise<NylasAccountView> {
  return call<NylasAccountView>('check_nylas_account', { apiKey, region });
}

/** Check the key saved before (a saved key no region accepts is removed). */
export function checkStoredNylasAccount(region: Region | null): Promise<NylasAccountView> {
  return call<NylasAccountView>('check_stored_nylas_account', { region });
}

// ---- Done: the report of path A (issue 10, point 5) ----

/** Where the report was saved (Rust's `SavedReport`). */
export interface SavedReport {
  markdown: string;
  json: string;
  folder: string;
}

/** The report for the Done step: what was checked and configured, read
 *  again from Nylas now, and what is left. Never holds a secret. */
export function setupReport(clientId: string | null, audit: LastAudit | null): Promise<SetupReport> {
  return call<SetupReport>('setup_report', { clientId, audit });
}

/** Save the report as Markdown and JSON side by side (Downloads, else the
 *  app's data folder), never over another file. */
export function saveReport(clientId: string | null, audit: LastAudit | null): Promise<SavedReport> {
  return call<SavedReport>('save_report', { clientId, audit });
}

/** Open the folder of the report saved last (Rust knows which). */
export async function openReportFolder(): Promise<void> {
  await call<null>('open_report_folder');
}

/** Path D's migration checklist (seed 002's steps, each with its state and
 *  why, worked out in Rust); `audit` is the last audit this window saw. */
export function migrateChecklist(audit: LastAudit | null): Promise<MigrateChecklist> {
  return call<MigrateChecklist>('migrate_checklist', { audit });
}

export interface MigrateTickView {
  checklist: MigrateChecklist;
  progress: ProgressView;
}

/** Tick (or untick) a checklist step only the admin can see done (the
 *  Nylas dashboard's); Rust refuses a step it verifies itself. */
export function tickMigrateItem(item: ChecklistItem, done: boolean, audit: LastAudit | null): Promise<MigrateTickView> {
  return call<MigrateTickView>('tick_migrate_item', { item, done, audit });
}

// ---- Test sign-in (issue 10, point 3) ----

/** What `start_test_sign_in` answers: the Nylas page (to copy when no
 *  browser opened). */
export interface TestSignInStarted {
  authorize_url: string;
  opened: boolean;
}

/** Check the key and the registered callback, then open the Nylas sign-in
 *  page in the browser (`loginHint` pre-fills the account at Microsoft). */
export function startTestSignIn(loginHint: string | null): Promise<TestSignInStarted> {
  return call<TestSignInStarted>('start_test_sign_in', { loginHint });
}

/** What `finish_test_sign_in` answers: the outcome and the progress it was
 *  recorded in (the step's status follows it). */
export interface TestSignInView {
  outcome: TestSignInOutcome;
  progress: ProgressView;
}

/** Wait for the browser to come back: the grant, or the refusal explained
 *  (Cancel: `cancelRemote('finish_test_sign_in')`). */
export function finishTestSignIn(): Promise<TestSignInView> {
  return call<TestSignInView>('finish_test_sign_in');
}

// ---- Migrate from v2 (issue 12, path D: scopes and accounts) ----

/** The v2 scopes to tick, with what each allowed. */
export function v2ScopeChoices(): Promise<V2ScopeChoice[]> {
  return call<V2ScopeChoice[]>('v2_scope_choices_list');
}

/** The translation and the progress it was recorded in (Rust's `MigrateScopesView`). */
export interface MigrateScopesView {
  translation: ScopeTranslation;
  progress: ProgressView;
}

/** Translate the ticked v2 scopes plus a pasted `scopes` string (an unknown
 *  name is refused, named); the result becomes the path's permissions. */
export function translateV2Scopes(scopes: V2Scope[], pasted: string | null): Promise<MigrateScopesView> {
  return call<MigrateScopesView>('translate_v2_scopes', { scopes, pasted });
}

/** The sorted accounts and the progress their counts were recorded in. */
export interface MigrateAccountsView {
  classification: Classification;
  progress: ProgressView;
}

/** Sort an exported v2 account list (CSV with a header, or the v2 accounts
 *  API's JSON); `source` is the file's name. */
export function classifyV2Accounts(text: string, source: string | null): Promise<MigrateAccountsView> {
  return call<MigrateAccountsView>('classify_v2_accounts', { text, source });
}

/** Save the accounts that must sign in again as CSV (Downloads, a new
 *  dated file each time); answers with its path. */
export function saveReauthCsv(text: string): Promise<string> {
  return call<string>('save_reauth_csv', { text });
}

/** Whether the current (v2) app's manifest still lists Exchange (EAS/EWS)
 *  permissions, and what that means for v3. Nothing is recorded. */
export function checkCurrentAppExchange(manifest: string): Promise<ExchangeCheck> {
  return call<ExchangeCheck>('check_current_app_exchange', { manifest });
}

/** The same, with the current app read live from Microsoft Graph in the
 *  signed-in session (sign in first); its ID doesn't become the Azure app
 *  answer. Nothing is recorded. */
export function checkCurrentAppExchangeLive(clientId: string): Promise<ExchangeCheck> {
  return call<ExchangeCheck>('check_current_app_exchange_live', { clientId });
}

// ---- Nylas v2 app (issue 11, point 2: paths B and C) ----

/** What the window shows after a check (Rust's `NylasV2AppView`): the check,
 *  the saved secret's hint (never the secret) and the progress it was
 *  recorded in. */
export interface NylasV2AppView {
  check: NylasV2AppCheck;
  stored: StoredSecret | null;
  progress: ProgressView;
}

/** Check the v2 app's client ID and secret for the chosen path in the
 *  region answer. Null ID: the one checked before (or practice's); null
 *  secret: the saved one (or practice's). */
export function checkNylasV2App(clientId: string | null, clientSecret: string | null): Promise<NylasV2AppView> {
  return call<NylasV2AppView>('check_nylas_v2_app', { clientId, clientSecret });
}

// ---- Connect accounts (issue 11, point 4: path B's Teams accounts) ----

/** The Connect accounts table: the journal's rows, the wizard's way back
 *  and, when accounts can't be connected yet, why (with the step to go
 *  back to). */
export interface TeamsAccountsView {
  rows: AccountRow[];
  redirect_uri: string;
  blocked: WizardError | null;
}

/** How a batch ended, and the progress its counts were recorded in. */
export interface TeamsAccountsDone {
  outcome: BatchOutcome;
  progress: ProgressView;
}

export function teamsAccountsView(): Promise<TeamsAccountsView> {
  return call<TeamsAccountsView>('teams_accounts_view');
}

/** Sign in the pasted account IDs one after the other (null: resume the
 *  accounts not connected yet); each row's change arrives on `onProgress`.
 *  Cancel: `cancelRemote('connect_teams_accounts')`. */
export function connectTeamsAccounts(
  accountIds: string | null,
  onProgress: (event: TeamsAuthEvent) => void,
): Promise<TeamsAccountsDone> {
  const channel = new Channel<TeamsAuthEvent>();
  channel.onmessage = onProgress;
  return call<TeamsAccountsDone>('connect_teams_accounts', { accountIds, onProgress: channel });
}

/** The address the browser ended on, for the account signing in now. */
export function pasteTeamsCallback(url: string): Promise<void> {
  return call<void>('paste_teams_callback', { url });
}

// ---- Teams integration (issue 11, point 3: path B) ----

/** What the window chose beyond the answers (empty: the defaults). */
export interface TeamsChoices {
  name?: string | null;
  /** One per line in the window; empty: the defaults. */
  redirect_uris?: string[];
  expires_in?: number | null;
}

/** The plan for the saved answers, the stored secrets and the last Teams
 *  audit (requests redacted), or what is missing / what blocks it first. */
export interface TeamsPlanView {
  missing: MissingPrerequisite[];
  /** The Azure app's Teams check refuses (its failures named). */
  blocked: WizardError | null;
  plan: Plan | null;
  region: Region;
  nylas_v2: NylasV2Record | null;
  nylas_secret_hint: string | null;
  azure_secret_hint: string | null;
  azure_client_id: string | null;
  tenant: string | null;
  multitenant: boolean;
  name: string;
  redirect_uris: string[];
  default_redirect_uris: string[];
  redirect_state: 'matches' | 'no_match' | 'unknown';
  redirect_sentence: string;
  expires_in: number;
  default_expires_in: number;
  needs_confirmation: boolean;
}

/** What applying did, and the changes it made (each with its undo). */
export interface TeamsApplied {
  plan: Plan;
  report: ApplyReport;
  changes: Change[];
  progress: ProgressView;
}

/** Read the integrations Nylas has and plan. Nothing is sent. */
export function planTeamsIntegration(audit: LastAudit | null, choices: TeamsChoices): Promise<TeamsPlanView> {
  return call<TeamsPlanView>('plan_teams_integration', { audit, choices });
}

/** Apply after the admin looked at the plan; `confirmUpdate`: the admin
 *  agreed to change an existing integration. Progress streams to
 *  `onProgress`; `cancelRemote('apply_teams_integration')` stops it. */
export function applyTeamsIntegration(
  audit: LastAudit | null,
  choices: TeamsChoices,
  confirmUpdate: boolean,
  onProgress: (event: ProgressEvent) => void,
): Promise<TeamsApplied> {
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = onProgress;
  return call<TeamsApplied>('apply_teams_integration', { audit, choices, confirmUpdate, onProgress: channel });
}

// ---- Path C: connect accounts with Nylas v2 native auth (issue 11, point 5) ----

/** What `start_native_auth` answers: Microsoft's sign-in page for the user. */
export interface NativeAuthStarted {
  authorize_url: string;
  opened: boolean;
  plan: NativeAuthPlan;
}

/** Who was connected, and the progress the step's status follows. */
export interface NativeAuthView {
  outcome: NativeAuthOutcome;
  progress: ProgressView;
}

/** What connecting will do for the saved answers. Refused (with the
 *  consequence as its message) when accounts are to be replaced and
 *  `confirmReplace` is false. */
export function planNativeAuth(reauthAccountIds: string[], confirmReplace: boolean): Promise<NativeAuthPlan> {
  return call<NativeAuthPlan>('plan_native_auth', { reauthAccountIds, confirmReplace });
}

/** Open Microsoft's sign-in page for the user (secrets are checked first). */
export function startNativeAuth(
  reauthAccountIds: string[],
  confirmReplace: boolean,
  loginHint: string | null,
): Promise<NativeAuthStarted> {
  return call<NativeAuthStarted>('start_native_auth', { reauthAccountIds, confirmReplace, loginHint });
}

/** Wait for the user, then connect their account(s) to Nylas; each step
 *  streams to `onProgress` (Cancel: `cancelRemote('finish_native_auth')`). */
export function finishNativeAuth(onProgress: (event: NativeAuthProgress) => void): Promise<NativeAuthView> {
  const channel = new Channel<NativeAuthProgress>();
  channel.onmessage = onProgress;
  return call<NativeAuthView>('finish_native_auth', { onProgress: channel });
}

/** Put a new account's Nylas access token on the clipboard, from Rust (the
 *  window never sees it). Nylas hands it out only at connection. */
export function copyNativeAuthToken(accountId: string): Promise<{ copied: boolean }> {
  return call<{ copied: boolean }>('copy_native_auth_token', { accountId });
}

/** Forget the access tokens kept for copying (leaving the step). */
export async function forgetNativeAuthTokens(): Promise<void> {
  await call<null>('forget_native_auth_tokens');
}

// ---- Path E: bulk onboarding with admin consent (src-tauri/src/bulk_commands.rs)

/** The "What changed" step's words (Rust owns them). */
export function bulkWhatChanged(): Promise<WhatChanged> {
  return call<WhatChanged>('bulk_what_changed');
}

// ---- Path E: v2 service accounts, existing setups only (issue 12, point 6) ----

/** What `start_service_accounts` answers: Microsoft's sign-in page for the
 *  service account, and the checked plan. */
export interface ServiceAccountStarted {
  authorize_url: string;
  opened: boolean;
  plan: ServiceAccountPlan;
}

/** Check what connecting the mailboxes would do (refused for a new setup
 *  and for addresses outside the service account's domain). */
export function planServiceAccounts(
  serviceAccount: string,
  users: string,
  v2Scopes: string,
  existingSetup: boolean,
): Promise<ServiceAccountPlan> {
  return call<ServiceAccountPlan>('plan_service_accounts', { serviceAccount, users, v2Scopes, existingSetup });
}

/** Open Microsoft's sign-in page for the service account (secrets checked first). */
export function startServiceAccounts(
  serviceAccount: string,
  users: string,
  v2Scopes: string,
  existingSetup: boolean,
): Promise<ServiceAccountStarted> {
  return call<ServiceAccountStarted>('start_service_accounts', { serviceAccount, users, v2Scopes, existingSetup });
}

/** Wait for the service account, then check and connect each address
 *  (Cancel: `cancelRemote('finish_service_accounts')`). */
export function finishServiceAccounts(
  onProgress: (event: ServiceAccountProgress) => void,
): Promise<ServiceAccountOutcome> {
  const channel = new Channel<ServiceAccountProgress>();
  channel.onmessage = onProgress;
  return call<ServiceAccountOutcome>('finish_service_accounts', { onProgress: channel });
}

/** A tenants or mailboxes list as the shell keeps it (Rust's `BulkStepView`). */
export interface BulkStepView {
  kind: BulkKind;
  missing: MissingPrerequisite[];
  source: string | null;
  tenants: TenantRow[];
  users: UserRow[];
  /** Rows of the file just read that were left out, with the reason. */
  problems: RowProblem[];
  /** One row per item, pending or as an earlier run finished it. */
  items: BulkItem[];
  /** Items of this list an earlier run finished (its journal says so). */
  done_before: number;
  /** This window's last run of the step. */
  last_run: BulkSummary | null;
  progress: ProgressView;
}

/** What a run did (Rust's `BulkRunView`). */
export interface BulkRunView {
  summary: BulkSummary;
  progress: ProgressView;
}

export function bulkTenantsView(): Promise<BulkStepView> {
  return call<BulkStepView>('bulk_tenants_view');
}

/** Read the chosen tenants file (its text; `source`: its name). */
export function bulkReadTenants(text: string, source: string | null): Promise<BulkStepView> {
  return call<BulkStepView>('bulk_read_tenants', { text, source });
}

export function bulkUsersView(): Promise<BulkStepView> {
  return call<BulkStepView>('bulk_users_view');
}

/** Read the chosen mailboxes file. */
export function bulkReadUsers(text: string, source: string | null): Promise<BulkStepView> {
  return call<BulkStepView>('bulk_read_users', { text, source });
}

/** What the tenants' credentials run will do (read from Nylas, nothing sent). */
export function bulkPlanCredentials(): Promise<Plan> {
  return call<Plan>('bulk_plan_credentials');
}

/** Run the tenants' credentials or the mailboxes' grants; progress streams to
 *  `onProgress` (Cancel: `cancelRemote('bulk_run_credentials' | 'bulk_run_grants')`).
 *  `fresh` forgets what an earlier run finished. */
export function bulkRun(kind: BulkKind, fresh: boolean, onProgress: (p: BulkProgress) => void): Promise<BulkRunView> {
  const channel = new Channel<BulkProgress>();
  channel.onmessage = onProgress;
  return call<BulkRunView>(kind === 'credentials' ? 'bulk_run_credentials' : 'bulk_run_grants', {
    fresh,
    onProgress: channel,
  });
}

/** Save the last run's failures as CSV (Downloads); answers with its path. */
export function bulkSaveFailures(kind: BulkKind): Promise<string> {
  return call<string>('bulk_save_failures', { kind });
}

/** One tenant's consent link (Rust's `ConsentLinkView`). */
export interface ConsentLinkView {
  tenant: string;
  name: string;
  admin_email: string | null;
  credential_id: string;
  url: string;
  consented_at: string | null;
}

/** The Admin consent step (Rust's `ConsentView`). */
export interface ConsentView {
  missing: MissingPrerequisite[];
  redirect_uri: string;
  registered_redirect: boolean;
  links: ConsentLinkView[];
  without_credential: string[];
  consented: number;
  progress: ProgressView;
}

export function bulkConsentView(): Promise<ConsentView> {
  return call<ConsentView>('bulk_consent_view');
}

/** Listen for `tenant`'s consent and open its link in the browser. */
export function bulkStartConsent(tenant: string): Promise<{ url: string; opened: boolean }> {
  return call<{ url: string; opened: boolean }>('bulk_start_consent', { tenant });
}

/** Wait for the admin (Cancel: `cancelRemote('bulk_finish_consent')`). */
export function bulkFinishConsent(): Promise<ConsentView> {
  return call<ConsentView>('bulk_finish_consent');
}

/** The address the admin's browser came back to, pasted. */
export function bulkPasteConsent(redirect: string): Promise<ConsentView> {
  return call<ConsentView>('bulk_paste_consent', { redirect });
}

/** Save every consent link as CSV (Downloads); answers with its path. */
export function bulkSaveLinks(): Promise<string> {
  return call<string>('bulk_save_links');
}
