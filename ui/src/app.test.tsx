import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session } from './bindings/Session';
import { App } from './app';
import * as api from './api';
import { WizardApiError } from './api';
import { asNotBuilt, makePaths, makeSession } from './test/fixtures';
import { fixtureChoices, fixturePath, fixtureProgress, fixtureRedirects } from './test/requirements';

// The app's only way to Rust is api.ts; replace its calls (keep the error
// class and the code → words map real).
vi.mock('./api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./api')>();
  return {
    ...actual,
    getSession: vi.fn(),
    benchReady: vi.fn(async () => undefined),
    listPaths: vi.fn(),
    choosePath: vi.fn(),
    goToStep: vi.fn(),
    setAnswer: vi.fn(),
    setPracticeMode: vi.fn(),
    useSessionOnlySecrets: vi.fn(),
    recheckKeychain: vi.fn(),
    startOver: vi.fn(),
    dismissNotice: vi.fn(),
    openLink: vi.fn(),
    // What the built step views ask for when they open.
    featureChoices: vi.fn(),
    redirectUris: vi.fn(),
    storedSecret: vi.fn(),
  };
});

const m = vi.mocked(api);

/** A stand-in for the Rust side. Choosing a path from the welcome screen
 *  returns the generated state of its first step ("<path>/<step>/new", as
 *  wizard-core's choose_path leaves it); going back to the welcome screen
 *  returns the generated "welcome" state (the real one also keeps the
 *  answers and the paused path, which the window doesn't show); moving
 *  between steps only moves (and marks a step visited), like go_to_step. */
function fakeRust(initial: Session) {
  const paths = makePaths();
  let s: Session = structuredClone(initial);
  m.getSession.mockImplementation(async () => structuredClone(s));
  m.listPaths.mockImplementation(async () => structuredClone(paths));
  m.choosePath.mockImplementation(async (path) => {
    if (s.progress.path !== path) {
      const first = paths.find((x) => x.id === path)?.steps[0]?.id;
      const next = path === null ? fixtureProgress('welcome') : fixtureProgress(`${path}/${first}/new`);
      s = { ...s, progress: { ...next, practice: s.progress.practice } };
    }
    return structuredClone(s.progress);
  });
  m.goToStep.mockImplementation(async (step) => {
    const p = s.progress;
    p.step = step;
    if ((p.step_status[step] ?? 'not-started') === 'not-started') p.step_status[step] = 'in-progress';
    return structuredClone(p);
  });
  m.setPracticeMode.mockImplementation(async (enabled) => {
    s = {
      ...s,
      practice: { enabled, sandbox_url: enabled ? 'http://127.0.0.1:4567' : null, left: null },
      progress: { ...s.progress, practice: enabled },
    };
    return structuredClone(s);
  });
  m.useSessionOnlySecrets.mockImplementation(async () => {
    s = { ...s, keychain: { ...s.keychain, session_only: true } };
    return structuredClone(s);
  });
  // As if the admin unlocked the keychain before asking again.
  m.recheckKeychain.mockImplementation(async () => {
    s = { ...s, keychain: { available: true, session_only: false, problem: null } };
    return structuredClone(s);
  });
  m.dismissNotice.mockImplementation(async () => {
    s = { ...s, notice: null, practice: { ...s.practice, left: null } };
    return structuredClone(s);
  });
  m.setAnswer.mockImplementation(async () => structuredClone(s.progress));
  m.openLink.mockImplementation(async () => undefined);
  m.featureChoices.mockImplementation(async (path) => fixtureChoices(path));
  m.redirectUris.mockImplementation(async (path, region) => fixtureRedirects(path, region));
  m.storedSecret.mockImplementation(async () => null);
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe('welcome screen', () => {
  it('lists the five paths from list_paths as a radio group', async () => {
    fakeRust(makeSession());
    render(<App />);
    const welcome = await screen.findByTestId('welcome');
    expect(m.listPaths).toHaveBeenCalledTimes(1);
    const group = within(welcome).getByRole('radiogroup', { name: 'What do you want to set up?' });
    const radios = within(group).getAllByRole('radio');
    expect(radios).toHaveLength(5);
    for (const id of ['v3', 'teams', 'v2-events', 'migrate', 'bulk']) {
      expect(screen.getByTestId(`path-option-${id}`).getAttribute('role')).toBe('radio');
    }
    const v3 = screen.getByTestId('path-option-v3');
    expect(v3.textContent).toContain(fixturePath('v3').title);
    expect(v3.textContent).toContain(fixturePath('v3').when_to_choose);
    expect(v3.getAttribute('aria-checked')).toBe('false');
    // Only one tab stop in the group.
    expect(radios.filter((r) => r.tabIndex === 0)).toHaveLength(1);
    // The app name and version are shown.
    expect(document.body.textContent).toContain('Nylas Microsoft Setup Wizard');
    expect(document.body.textContent).toContain('v0.1.0');
  });

  it('keeps Start disabled until a path is chosen, shows the journey, then calls choose_path and shows the frame', async () => {
    fakeRust(makeSession());
    render(<App />);
    const start = (await screen.findByTestId('start-button')) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.click(start);
    expect(m.choosePath).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('path-option-v3'));
    expect(screen.getByTestId('path-option-v3').getAttribute('aria-checked')).toBe('true');
    expect(start.disabled).toBe(false);
    expect(start.textContent).toBe(`Start: ${fixturePath('v3').title}`);

    fireEvent.click(start);
    // The journey comes first; nothing is saved until the admin begins.
    await screen.findByTestId('overview');
    expect(m.choosePath).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('begin-button'));
    expect(m.choosePath).toHaveBeenCalledWith('v3');
    expect((await screen.findByTestId('current-step-title')).textContent).toBe(fixturePath('v3').steps[0]!.title);
    expect(screen.queryByTestId('welcome')).toBeNull();
  });

  it('moves the choice with the arrow keys and starts with Enter on the chosen card', async () => {
    fakeRust(makeSession());
    render(<App />);
    const v3 = await screen.findByTestId('path-option-v3');
    fireEvent.keyDown(v3, { key: ' ' });
    expect(v3.getAttribute('aria-checked')).toBe('true');
    fireEvent.keyDown(v3, { key: 'ArrowDown' });
    const teams = screen.getByTestId('path-option-teams');
    expect(teams.getAttribute('aria-checked')).toBe('true');
    expect(v3.getAttribute('aria-checked')).toBe('false');
    expect(document.activeElement).toBe(teams);
    expect(teams.tabIndex).toBe(0);
    expect(v3.tabIndex).toBe(-1);
    fireEvent.keyDown(teams, { key: 'ArrowUp' });
    fireEvent.keyDown(v3, { key: 'ArrowUp' }); // wraps to the last path
    const bulk = screen.getByTestId('path-option-bulk');
    expect(bulk.getAttribute('aria-checked')).toBe('true');
    fireEvent.keyDown(bulk, { key: 'Enter' });
    const begin = await screen.findByTestId('begin-button');
    // Focus is on the journey's heading, so Tab reaches Start next.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('overview-title')));
    fireEvent.click(begin);
    expect(m.choosePath).toHaveBeenCalledWith('bulk');
    await screen.findByTestId('step-list');
  });

  it('turns practice mode on with the switch and shows the banner, which can turn it off', async () => {
    fakeRust(makeSession());
    render(<App />);
    const toggle = await screen.findByTestId('practice-toggle');
    expect(toggle.getAttribute('role')).toBe('switch');
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('switch', { name: /Practice mode/ })).toBe(toggle);
    expect(screen.getByText(/Practice against a built-in simulator of Microsoft and Nylas\. Practice keeps its own progress and\s+secrets; nothing real is touched\./)).toBeTruthy();
    expect(screen.queryByTestId('practice-banner')).toBeNull();

    fireEvent.click(toggle);
    expect(m.setPracticeMode).toHaveBeenCalledWith(true);
    const banner = await screen.findByTestId('practice-banner');
    expect(banner.textContent).toContain("you're working with a simulator, not your real Microsoft or Nylas accounts");
    expect(screen.getByTestId('practice-toggle').getAttribute('aria-checked')).toBe('true');

    fireEvent.click(within(banner).getByRole('button', { name: 'Leave practice mode' }));
    expect(m.setPracticeMode).toHaveBeenLastCalledWith(false);
    await waitFor(() => expect(screen.queryByTestId('practice-banner')).toBeNull());
    expect(screen.getByTestId('practice-toggle').getAttribute('aria-checked')).toBe('false');
  });
});

describe('start-up (issue 13)', () => {
  it('draws the first screen from the load main.tsx started before the first render, without asking again', async () => {
    const session = makeSession({ progress: fixtureProgress('v3/region/after-failed-check') });
    fakeRust(session);
    m.getSession.mockClear();
    m.listPaths.mockClear();
    render(<App boot={Promise.all([Promise.resolve(session), Promise.resolve(makePaths())])} />);
    await screen.findByTestId('current-step-title');
    expect(m.getSession).not.toHaveBeenCalled();
    expect(m.listPaths).not.toHaveBeenCalled();
  });
});

describe('start-up benchmark hook (issue 13)', () => {
  it('tells Rust once, after the first screen is drawn from the loaded session', async () => {
    // Frames queued by earlier tests' windows run first (FIFO), then count.
    await new Promise<void>((r) => requestAnimationFrame(() => r()));
    m.benchReady.mockClear();
    fakeRust(makeSession({ progress: fixtureProgress('v3/region/after-failed-check') }));
    render(<App />);
    expect(m.benchReady).not.toHaveBeenCalled();
    await screen.findByTestId('current-step-title');
    await waitFor(() => expect(m.benchReady).toHaveBeenCalledTimes(1));
    // Later renders (moving between steps) don't call it again.
    fireEvent.click(await screen.findByTestId('next-button'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalled());
    expect(m.benchReady).toHaveBeenCalledTimes(1);
  });
});

describe('wizard frame', () => {
  // Back on Region after a check of the Azure app found problems.
  const restored = () => makeSession({ progress: fixtureProgress('v3/region/after-failed-check') });
  const v3 = fixturePath('v3');

  it('renders the step list with statuses in words and marks the current step', async () => {
    fakeRust(restored());
    render(<App />);
    const list = await screen.findByTestId('step-list');
    expect(list.tagName).toBe('OL');
    expect(list.closest('nav')?.getAttribute('aria-label')).toBe('Steps');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.dataset.testid)).toEqual(v3.steps.map((st) => `step-item-${st.id}`));
    const statuses = restored().progress.step_status;
    const expected: Array<[string, string, string]> = [
      ['features', 'done', 'Done'],
      ['region', 'in-progress', 'In progress'],
      ['azure-app', 'needs-attention', 'Needs attention'],
      ['report', 'not-started', 'Not started'],
    ];
    for (const [id, status, words] of expected) {
      expect(statuses[id] ?? 'not-started', id).toBe(status);
      const li = screen.getByTestId(`step-item-${id}`);
      expect(li.dataset.status).toBe(status);
      expect(li.textContent).toContain(words);
      expect(li.querySelector('svg')).not.toBeNull();
    }
    expect(screen.getByTestId('step-item-region').getAttribute('aria-current')).toBe('step');
    expect(screen.getByTestId('step-item-features').hasAttribute('aria-current')).toBe(false);
    expect(screen.getByTestId('current-step-title').textContent).toBe('Region');
    expect(screen.getByText(`Step 2 of ${v3.steps.length}`)).toBeTruthy();
    expect(screen.getByTestId('change-path-button')).toBeTruthy();
  });

  it('says welcome back on a restored step, and the line can be dismissed', async () => {
    fakeRust(restored());
    render(<App />);
    const line = await screen.findByTestId('welcome-back');
    expect(line.textContent).toContain("Welcome back — you're where you left off.");
    fireEvent.click(within(line).getByRole('button', { name: /Dismiss/ }));
    expect(screen.queryByTestId('welcome-back')).toBeNull();
    // Keyboard focus is not lost with the line: it goes to the step heading.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('current-step-title')));
  });

  it('does not say welcome back on a fresh start', async () => {
    fakeRust(makeSession());
    render(<App />);
    await screen.findByTestId('welcome');
    fireEvent.click(screen.getByTestId('path-option-teams'));
    fireEvent.click(screen.getByTestId('start-button'));
    fireEvent.click(await screen.findByTestId('begin-button'));
    await screen.findByTestId('step-list');
    expect(screen.queryByTestId('welcome-back')).toBeNull();
  });

  it('Next and Back call go_to_step and render what Rust returned', async () => {
    fakeRust(restored());
    render(<App />);
    const next = await screen.findByTestId('next-button');
    expect(next.textContent).toBe('Next: Azure app');
    fireEvent.click(next);
    expect(m.goToStep).toHaveBeenCalledWith('azure-app');
    await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Azure app'));
    expect(screen.getByTestId('step-item-azure-app').getAttribute('aria-current')).toBe('step');
    // Rust kept "needs attention" for this step; the UI shows what Rust says.
    expect(screen.getByTestId('step-item-azure-app').dataset.status).toBe('needs-attention');

    fireEvent.click(screen.getByTestId('back-button'));
    expect(m.goToStep).toHaveBeenLastCalledWith('region');
    await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Region'));
    // Focus goes to the new step's heading.
    expect(document.activeElement).toBe(screen.getByTestId('current-step-title'));
  });

  it('Back on the first step returns to the welcome screen with choose_path(null)', async () => {
    fakeRust(makeSession({ progress: fixtureProgress('v3/features/new') }));
    render(<App />);
    const back = await screen.findByTestId('back-button');
    expect(back.textContent).toBe('Back to paths');
    fireEvent.click(back);
    expect(m.choosePath).toHaveBeenCalledWith(null);
    await screen.findByTestId('welcome');
    // The path the admin came from is still chosen on the welcome screen.
    expect(screen.getByTestId('path-option-v3').getAttribute('aria-checked')).toBe('true');
  });

  it('Change path returns to the welcome screen', async () => {
    fakeRust(restored());
    render(<App />);
    fireEvent.click(await screen.findByTestId('change-path-button'));
    expect(m.choosePath).toHaveBeenCalledWith(null);
    await screen.findByTestId('welcome');
  });

  it('clicking a step in the list goes to it', async () => {
    fakeRust(restored());
    render(<App />);
    const item = await screen.findByTestId('step-item-report');
    fireEvent.click(within(item).getByRole('button'));
    expect(m.goToStep).toHaveBeenCalledWith('report');
    await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Done'));
    // The last step has no next step.
    expect((screen.getByTestId('next-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows an unavailable step honestly as not built, with what it will do', async () => {
    // Paths A to D are all built: migration's EWS step is made unbuilt
    // here, with by-hand lines and docs as Rust words them.
    const paths = makePaths();
    const migrate = paths.find((p) => p.id === 'migrate')!;
    const at = migrate.steps.findIndex((st) => st.id === 'ews');
    migrate.steps[at] = asNotBuilt(migrate.steps[at]!);
    const unbuilt = migrate.steps[at]!;
    const progress = fixtureProgress('migrate/scopes/new');
    progress.step = 'region';
    progress.step_status = { scopes: 'done', region: 'in-progress' };
    fakeRust(makeSession({ progress }));
    m.listPaths.mockImplementation(async () => structuredClone(paths));
    render(<App />);
    expect(await screen.findByTestId('region-step')).toBeTruthy();
    expect(screen.queryByTestId('not-built')).toBeNull();
    fireEvent.click(within(screen.getByTestId(`step-item-${unbuilt.id}`)).getByRole('button'));
    const panel = await screen.findByTestId('not-built');
    expect(panel.textContent).toContain("This version can't do this step yet");
    expect(panel.textContent).toContain(unbuilt.summary);
    // No dead end: what to do by hand and where it is documented, from Rust.
    expect(panel.textContent).toContain(unbuilt.by_hand[0]!);
    // Nothing on it pretends to act: its only buttons open or copy a docs page.
    const buttons = within(panel).queryAllByRole('button');
    expect(buttons).toHaveLength(2 * unbuilt.docs.length);
    for (const b of buttons) {
      expect(b.getAttribute('aria-label') ?? b.textContent).toMatch(/^(Copy .* address|Open .*)$/);
    }
    expect(screen.getByTestId(`step-item-${unbuilt.id}`).textContent).toContain('not built yet');
    expect(screen.getByTestId('step-item-region').textContent).not.toContain('not built yet');
  });
});

describe('cards', () => {
  it('offers session-only secrets when the keychain is unavailable', async () => {
    fakeRust(
      makeSession({
        keychain: {
          available: false,
          session_only: false,
          problem: {
            code: 'keychain_unavailable',
            message: "Your system keychain isn't available, so the wizard can't store secrets safely between runs.",
            hint: 'Unlock or install your keychain, or keep secrets for this run only.',
          },
        },
      }),
    );
    render(<App />);
    const card = await screen.findByTestId('keychain-card');
    expect(card.textContent).toContain("can't store secrets safely between runs");
    expect(card.textContent).toContain('Unlock or install your keychain');
    const button = within(card).getByTestId('session-only-button');
    expect(button.textContent).toBe('Keep secrets for this run only');
    fireEvent.click(button);
    expect(m.useSessionOnlySecrets).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId('session-only-button')).toBeNull());
    expect(screen.getByTestId('keychain-card').textContent).toContain('forgotten when you close the wizard');
  });

  it('checks the keychain again on request, and the welcome promise follows where secrets go', async () => {
    fakeRust(
      makeSession({
        keychain: {
          available: false,
          session_only: false,
          problem: { code: 'keychain_unavailable', message: "Your system keychain isn't available." },
        },
      }),
    );
    render(<App />);
    const card = await screen.findByTestId('keychain-card');
    expect(screen.getByTestId('secrets-promise').textContent).toContain("isn't available yet");
    fireEvent.click(within(card).getByTestId('keychain-recheck-button'));
    expect(m.recheckKeychain).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId('keychain-card')).toBeNull());
    expect(screen.getByTestId('secrets-promise').textContent).toBe('Secrets go to your system keychain, never into a file.');
  });

  it('shows no keychain card when the keychain works', async () => {
    fakeRust(makeSession());
    render(<App />);
    await screen.findByTestId('welcome');
    expect(screen.queryByTestId('keychain-card')).toBeNull();
  });

  it('shows a notice about damaged progress with the backup path, and dismisses it', async () => {
    fakeRust(
      makeSession({
        notice: {
          code: 'state_corrupt',
          message: 'Your saved progress was damaged, so the wizard starts fresh.',
          backup_path: '/home/admin/.local/share/wizard/progress.corrupt-1700000000.json',
        },
      }),
    );
    render(<App />);
    const card = await screen.findByTestId('notice-card');
    expect(card.textContent).toContain('Your saved progress was damaged');
    expect(card.textContent).toContain('progress.corrupt-1700000000.json');
    // It does not block the app: the paths are still there to use.
    fireEvent.click(screen.getByTestId('path-option-migrate'));
    expect((screen.getByTestId('start-button') as HTMLButtonElement).disabled).toBe(false);

    fireEvent.click(within(card).getByRole('button', { name: 'Got it' }));
    expect(m.dismissNotice).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId('notice-card')).toBeNull());
  });

  it("says what carried over after leaving practice mode, until it's dismissed", async () => {
    const left = 'You left practice mode. Nothing from practice carries over. Your real setup hasn\'t started yet.';
    fakeRust(makeSession({ practice: { enabled: false, sandbox_url: null, left } }));
    render(<App />);
    const card = await screen.findByTestId('practice-left-card');
    expect(card.textContent).toContain("You're back to your real setup");
    expect(card.textContent).toContain(left);
    fireEvent.click(within(card).getByRole('button', { name: 'Got it' }));
    expect(m.dismissNotice).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId('practice-left-card')).toBeNull());
  });

  it('turns a failed call into an error card with a plain title, the next action and the code', async () => {
    fakeRust(makeSession({ progress: fixtureProgress('v3/features/new') }));
    m.goToStep.mockRejectedValueOnce(new WizardApiError('io', 'Could not save your progress: disk full.'));
    const alert = vi.spyOn(window, 'alert');
    render(<App />);
    fireEvent.click(await screen.findByTestId('next-button'));
    const card = await screen.findByTestId('error-card');
    expect(card.getAttribute('role')).toBe('alert');
    expect(card.textContent).toContain("A file couldn't be read or saved");
    expect(card.textContent).toContain('Could not save your progress: disk full.');
    expect(card.textContent).toContain('Check that the disk has free space');
    expect(within(card).getByTestId('error-code').textContent).toBe('io');
    expect(alert).not.toHaveBeenCalled();
    // Still on the same step: the UI shows what Rust says, and Rust said no.
    expect(screen.getByTestId('current-step-title').textContent).toBe('Features');

    fireEvent.click(within(card).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Region'));
    expect(m.goToStep).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('error-card')).toBeNull();
  });

  it("prefers Rust's hint over the fallback text", async () => {
    fakeRust(makeSession());
    m.setPracticeMode.mockRejectedValueOnce(
      new WizardApiError('internal', 'The practice simulator could not start: port in use.', 'Close other copies of the wizard.'),
    );
    render(<App />);
    fireEvent.click(await screen.findByTestId('practice-toggle'));
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain('Close other copies of the wizard.');
    expect(card.textContent).not.toContain('note the code below for support');
    expect(screen.getByTestId('practice-toggle').getAttribute('aria-checked')).toBe('false');
    fireEvent.click(within(card).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('error-card')).toBeNull();
  });

  it('shows an error card when the session cannot be loaded, and retries', async () => {
    fakeRust(makeSession());
    m.getSession.mockRejectedValueOnce(new WizardApiError('internal', 'The engine did not answer.'));
    render(<App />);
    const card = await screen.findByTestId('error-card');
    expect(within(card).getByTestId('error-code').textContent).toBe('internal');
    fireEvent.click(within(card).getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('welcome');
    expect(m.getSession).toHaveBeenCalledTimes(2);
  });
});

describe('start over (issue 17, point 11)', () => {
  it('asks first, then forgets through Rust and shows the welcome screen Rust returns', async () => {
    fakeRust(makeSession());
    m.startOver.mockImplementation(async () => makeSession());
    render(<App />);
    fireEvent.click(await screen.findByTestId('start-over-button'));
    const confirm = screen.getByTestId('start-over-confirm');
    expect(confirm.textContent).toContain('Nothing in Microsoft or Nylas changes.');
    expect(confirm.textContent).toContain('forgets the list of changes this wizard made, without undoing them');
    expect(confirm.textContent).toContain('client secret');
    expect(m.startOver).not.toHaveBeenCalled();
    // "Keep everything" changes nothing.
    fireEvent.click(screen.getByTestId('start-over-cancel'));
    expect(screen.queryByTestId('start-over-confirm')).toBeNull();
    expect(m.startOver).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('start-over-button'));
    fireEvent.click(screen.getByTestId('start-over-confirm-button'));
    await waitFor(() => expect(m.startOver).toHaveBeenCalledTimes(1));
    expect((await screen.findByTestId('start-over-done')).textContent).toContain('forgotten');
  });
});
