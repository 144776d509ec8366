// The app's call queue with a real step view: answers saved as the admin
// ticks are never dropped, and a Next clicked right after waits for them.
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, expect, it, vi } from 'vitest';
import { App } from './app';
import * as api from './api';
import type { AnswerUpdate } from './bindings/AnswerUpdate';
import type { ProgressView } from './bindings/ProgressView';
import { makePaths, makeSession } from './test/fixtures';
import {
  answersWith,
  fixtureChoices,
  fixturePlan,
  fixtureProgress,
  fixtureRedirects,
} from './test/requirements';

vi.mock('./api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./api')>();
  return {
    ...actual,
    getSession: vi.fn(),
    listPaths: vi.fn(),
    goToStep: vi.fn(),
    setAnswer: vi.fn(),
    featureChoices: vi.fn(),
    planScopes: vi.fn(),
    redirectUris: vi.fn(),
  };
});
const m = vi.mocked(api);

beforeEach(() => {
  vi.clearAllMocks();
});

it('queues a Next clicked while answers are being saved, after them, and loses neither', async () => {
  const preset: AnswerUpdate = { key: 'preset', value: 'email-client' };
  const untick: AnswerUpdate = { key: 'feature', value: { feature: 'mail-send', on: false } };
  const rust = answersWith([
    [preset, 'v3/features/email-client'],
    [untick, 'v3/features/mail-modify'],
  ]);
  // What "Rust" holds: a generated state, and the step the admin is on.
  let state = 'v3/features/new';
  let progress: ProgressView = fixtureProgress(state);

  m.getSession.mockResolvedValue(makeSession({ progress: structuredClone(progress) }));
  m.listPaths.mockResolvedValue(makePaths());
  m.featureChoices.mockImplementation(async (path) => fixtureChoices(path));
  m.planScopes.mockImplementation(async () => fixturePlan(state));
  m.redirectUris.mockImplementation(async (path, region) => fixtureRedirects(path, region));

  // Saving is slow: each save waits until the test lets it finish.
  const order: string[] = [];
  const releases: Array<() => void> = [];
  m.setAnswer.mockImplementation(
    (update) =>
      new Promise((resolve) => {
        releases.push(() => {
          order.push(`set ${update.key}`);
          const next = rust(update, progress);
          if (typeof next !== 'string') throw new Error('expected a generated state');
          state = next;
          progress = fixtureProgress(state);
          resolve(structuredClone(progress));
        });
      }),
  );
  // Moving between steps keeps the answers (a stand-in for go_to_step).
  m.goToStep.mockImplementation(async (step) => {
    order.push(`go ${step}`);
    progress = { ...progress, step, step_status: { [step]: 'in-progress', ...progress.step_status } };
    return structuredClone(progress);
  });

  render(<App />);
  fireEvent.click(await screen.findByTestId('preset-email-client'));
  fireEvent.click(screen.getByTestId('feature-mail-send'));
  fireEvent.click(screen.getByTestId('next-button'));
  // Nothing moves while the saves are under way, and Rust gets one call at a time.
  expect(m.goToStep).not.toHaveBeenCalled();
  expect(m.setAnswer.mock.calls).toEqual([[preset]]);

  while (order.length < 2) {
    await waitFor(() => expect(releases.length).toBeGreaterThan(order.length));
    releases[order.length]!();
  }
  await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Region'));
  expect(order).toEqual(['set preset', 'set feature', 'go region']);
  expect(m.setAnswer.mock.calls).toEqual([[preset], [untick]]);

  // Both answers arrived: back on Features, the step shows what Rust saved last.
  fireEvent.click(screen.getByTestId('back-button'));
  await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Features'));
  const saved = fixtureProgress('v3/features/mail-modify').current!.features;
  await waitFor(() =>
    expect(
      (screen.getAllByRole('checkbox') as HTMLInputElement[]).filter((b) => b.checked).map((b) => b.dataset.testid),
    ).toEqual(saved.features.map((f) => `feature-${f}`)),
  );
  expect((screen.getByTestId('preset-email-client') as HTMLInputElement).checked).toBe(false);
});
