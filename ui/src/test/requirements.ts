// Test data for the Features, Region and Azure app steps, shaped by the
// generated bindings and copied from what the real commands return (the CLI
// `check` and `diagnose` output), so the views are tested on real shapes.

import { vi } from 'vitest';
import type { AuditReport } from '../bindings/AuditReport';
import type { Diagnosis } from '../bindings/Diagnosis';
import type { Feature } from '../bindings/Feature';
import type { FeatureChoices } from '../bindings/FeatureChoices';
import type { Finding } from '../bindings/Finding';
import type { PathId } from '../bindings/PathId';
import type { Preset } from '../bindings/Preset';
import type { Progress } from '../bindings/Progress';
import type { ScopePlan } from '../bindings/ScopePlan';
import type { ScopeRequirement } from '../bindings/ScopeRequirement';
import type { StepContext } from '../steps/types';
import { makePaths, makeProgress, makeSession } from './fixtures';

export function makeChoices(): FeatureChoices {
  const f = (id: Feature, label: string) => ({ id, label });
  return {
    features: [
      f('mail-read', 'read messages and attachments'),
      f('mail-modify', 'update or delete messages, drafts and folders'),
      f('mail-send', 'send email'),
      f('calendar-read', 'read calendars and free/busy'),
      f('calendar-write', 'create or update events'),
      f('contacts-read', 'read contacts'),
      f('contacts-write', 'read and write contacts'),
      f('rooms', 'read room and resource calendars'),
      f('people', 'use inbox and domain contact sources'),
      f('shared-mailbox', 'use shared or delegated mailboxes'),
      f('shared-calendar', 'manage shared or delegated calendars'),
    ],
    presets: [
      { id: 'read-only-inbox', label: 'Read-only inbox', features: ['mail-read'] },
      { id: 'email-client', label: 'Full email client', features: ['mail-modify', 'mail-send'] },
      { id: 'calendar-scheduler', label: 'Calendar scheduler', features: ['calendar-write'] },
      { id: 'contacts-sync', label: 'Contacts sync', features: ['contacts-read'] },
      { id: 'mail-calendar', label: 'Mail plus calendar', features: ['mail-modify', 'mail-send', 'calendar-write'] },
    ],
  };
}

const GRAPH = '00000003-0000-0000-c000-000000000000';

function req(name: string, reason: string, features: Feature[], extra: Partial<ScopeRequirement> = {}): ScopeRequirement {
  return {
    name,
    id: `id-${name}`,
    resource: GRAPH,
    resource_name: 'Microsoft Graph',
    reason,
    admin_consent: false,
    features,
    also_satisfied_by: [],
    ...extra,
  };
}

/** A small stand-in for wizard-core's planner (enough for the views). */
export function fakePlan(path: PathId, preset: Preset | null, features: Feature[]): ScopePlan {
  const required: ScopeRequirement[] = [];
  if (features.includes('mail-modify'))
    required.push(
      req('Mail.ReadWrite', 'Lets Nylas update and delete messages, drafts and folders.', ['mail-modify'], {
        also_satisfied_by: ['Mail.ReadWrite.Shared'],
      }),
    );
  else if (features.includes('mail-read'))
    required.push(req('Mail.Read', 'Lets Nylas read messages and attachments.', ['mail-read']));
  if (features.includes('mail-send')) required.push(req('Mail.Send', 'Lets Nylas send email as the user.', ['mail-send']));
  if (features.includes('calendar-write'))
    required.push(req('Calendars.ReadWrite', 'Lets Nylas create and update events.', ['calendar-write']));
  if (features.includes('rooms'))
    required.push(req('Place.Read.All', 'Lets Nylas list bookable rooms and equipment.', ['rooms'], { admin_consent: true }));
  required.push(req('offline_access', 'Lets Nylas refresh access so connections keep working after the first hour.', []));
  const notes = ['Adding a permission later makes every connected user sign in again, so pick everything you need now.'];
  if (required.some((r) => r.admin_consent))
    notes.unshift('Some of these permissions need an administrator\'s consent before anyone can connect.');
  return {
    path: path === 'teams' || path === 'v2-events' ? path : 'v3',
    preset,
    features,
    required,
    keep: [],
    scope_names: required.map((r) => r.name),
    notes,
  };
}

const APP = '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e';
const link = (blade: string) =>
  `https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/${blade}/appId/${APP}`;

function finding(f: Partial<Finding> & Pick<Finding, 'check' | 'status' | 'title'>): Finding {
  return { explanation: '', fix: null, portal_link: link('Overview'), prevents: [], details: {}, ...f };
}

/** The audit of a manifest whose only Web redirect URI is the US one with a
 *  trailing slash, checked for the EU region (from `nylas-ms-setup check`). */
export function makeReport(): AuditReport {
  const findings: Finding[] = [
    finding({
      check: 'client_id',
      status: 'pass',
      title: `Your app's client ID is ${APP}`,
      explanation: 'This is the Application (client) ID you give Nylas.',
    }),
    finding({
      check: 'redirect_uris',
      status: 'fail',
      title: 'Your app is missing the EU redirect URI',
      explanation:
        'Microsoft compares redirect URIs byte for byte on the Web platform, and https://api.us.nylas.com/v3/connect/callback/ is for the other Nylas region.',
      fix: 'Open Authentication → Platform configurations → Web → Add URI, paste https://api.eu.nylas.com/v3/connect/callback exactly as shown, and click Save. You can then remove the near miss if nothing else uses it.',
      portal_link: link('Authentication'),
      prevents: ['AADSTS50011', 'AADSTS500113'],
      details: {
        missing: ['https://api.eu.nylas.com/v3/connect/callback'],
        misplaced: [{ uri: 'https://api.eu.nylas.com/v3/connect/callback/', platform: 'spa' }],
        near_misses: [
          {
            required: 'https://api.eu.nylas.com/v3/connect/callback',
            found: 'https://api.us.nylas.com/v3/connect/callback/',
            platform: 'web',
            reasons: ['other_region'],
            explanation: 'https://api.us.nylas.com/v3/connect/callback/ is for the other Nylas region.',
          },
        ],
        callbacks: [],
      },
    }),
    finding({
      check: 'delegated_scopes',
      status: 'fail',
      title: 'Your app is missing 2 permissions Nylas needs',
      explanation: 'Nylas asks for them when people connect.',
      fix: 'Open API permissions → Add a permission → Microsoft Graph → Delegated permissions, tick Mail.ReadWrite, Mail.Send, and click Add permissions.',
      portal_link: link('CallAnAPI'),
      prevents: ['AADSTS70011'],
      details: { missing: ['Mail.ReadWrite', 'Mail.Send'] },
    }),
    finding({
      check: 'client_secret',
      status: 'warn',
      title: 'Your client secret expires in 12 days',
      explanation: 'When it expires, nobody can connect until Nylas has a new one.',
      fix: 'Open Certificates & secrets → New client secret.',
      portal_link: link('Credentials'),
      prevents: ['AADSTS7000222'],
      details: { expires: '2026-12-04T10:00:00Z', display_name: 'Nylas connector', days_left: 12 },
    }),
    finding({
      check: 'offline_access',
      status: 'pass',
      title: 'Your app has offline_access',
      explanation: 'Nylas gets a refresh token.',
    }),
  ];
  return {
    app_id: APP,
    display_name: 'Northwind Sync',
    path: 'v3',
    region: 'eu',
    tenancy: 'multi',
    formats: ['microsoft-graph'],
    notes: [],
    scope_plan: fakePlan('v3', 'email-client', ['mail-modify', 'mail-send']),
    redirect_uris: {
      path: 'v3',
      region: 'eu',
      required: ['https://api.eu.nylas.com/v3/connect/callback'],
      optional: [],
      portal_location: 'Authentication → Platform configurations → Web',
      note: 'Nylas v3 hosted authentication sends users back to this address after they sign in with Microsoft.',
    },
    checked_at: '2026-11-22T08:40:24Z',
    findings,
    summary: { pass: 2, warn: 1, fail: 2 },
  };
}

export function makeDiagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    code: 'AADSTS50011',
    source: 'microsoft',
    title: "The redirect URI doesn't match your Azure app",
    cause: "The address Microsoft was asked to send the user back to isn't registered on the app's Web platform exactly as sent.",
    fix: 'In the Azure portal, open Authentication → Platform configurations → Web → Add URI and add the exact address.',
    related_check: 'redirect_uris',
    learn_more: 'https://aka.ms/redirectUriMismatchError',
    found: { redirect_uri: 'https://api.us.nylas.com/v3/connect/callback/', trace_id: 'abc-123' },
    ...overrides,
  };
}

/** A step context on `path` with saved `answers`; setAnswer records and
 *  applies each answer like Rust does (null removes it). */
export function makeCtx(path: PathId, answers: Progress['answers'] = {}) {
  const info = makePaths().find((p) => p.id === path)!;
  const progress = makeProgress({ path, answers: { ...answers } });
  const ctx: StepContext = {
    session: makeSession({ progress }),
    path: info,
    step: info.steps[0]!,
    busy: false,
    setAnswer: vi.fn(async (key, value) => {
      if (value === null) delete progress.answers[key];
      else progress.answers[key] = value;
      return progress;
    }),
    setStatus: vi.fn(async (status) => {
      progress.step_status[info.steps[0]!.id] = status;
      return progress;
    }),
    openExternal: vi.fn(async () => undefined),
  };
  return ctx;
}
