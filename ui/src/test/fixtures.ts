// Test data shaped by the generated bindings, so a change on the Rust side
// breaks the type check here rather than silently drifting.
import type { PathInfo } from '../bindings/PathInfo';
import type { Progress } from '../bindings/Progress';
import type { Session } from '../bindings/Session';
import type { StepInfo } from '../bindings/StepInfo';

function step(id: string, title: string, summary: string, available = false): StepInfo {
  return { id, title, summary, available };
}

export function makePaths(): PathInfo[] {
  return [
    {
      id: 'v3',
      letter: 'A',
      title: 'Connect Microsoft to Nylas',
      summary: 'Let people sign in with Microsoft 365 or Outlook accounts through Nylas v3.',
      when_to_choose: 'Choose this if you are setting up Nylas v3 for Microsoft accounts for the first time.',
      steps: [
        step('features', 'Features', 'Pick what your app does with mail, calendars and contacts.'),
        step('region', 'Region', 'Pick where your Nylas data lives (US or EU).'),
        step('azure-app', 'Azure app', 'Check your Azure app registration and fix what is missing.'),
        step('report', 'Report', 'Save a report of what was checked and configured.'),
      ],
    },
    {
      id: 'teams',
      letter: 'B',
      title: 'Microsoft Teams meetings',
      summary: "Let Nylas create Microsoft Teams meetings for your users' calendar events.",
      when_to_choose: 'Choose this if you want Teams links added to events automatically.',
      steps: [
        step('region', 'Region', 'Pick your Nylas region.'),
        step('report', 'Report', 'Save a report.'),
      ],
    },
    {
      id: 'v2-events',
      letter: 'C',
      title: 'Nylas v2: Graph events and shared calendars',
      summary: 'Connect accounts to Nylas v2 through Microsoft Graph.',
      when_to_choose: 'Choose this only if you still run on Nylas v2.',
      steps: [step('report', 'Report', 'Save a report.')],
    },
    {
      id: 'migrate',
      letter: 'D',
      title: 'Move from Nylas v2 to v3',
      summary: 'Translate your v2 setup to v3.',
      when_to_choose: 'Choose this if you have Microsoft accounts on Nylas v2 today.',
      steps: [step('report', 'Report', 'Save a report.')],
    },
    {
      id: 'bulk',
      letter: 'E',
      title: 'Bulk onboarding with admin consent',
      summary: 'Connect many mailboxes at once.',
      when_to_choose: 'Choose this if you connect whole organisations.',
      steps: [step('report', 'Report', 'Save a report.')],
    },
  ];
}

export function makeProgress(overrides: Partial<Progress> = {}): Progress {
  return {
    version: 1,
    path: null,
    step: null,
    practice: false,
    answers: {},
    step_status: {},
    paused: {},
    ...overrides,
  };
}

export function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    version: '0.1.0',
    progress: makeProgress(),
    practice: { enabled: false, sandbox_url: null },
    keychain: { available: true, session_only: false, problem: null },
    notice: null,
    ...overrides,
  };
}
