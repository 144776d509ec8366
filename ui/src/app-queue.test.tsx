// The app's call queue with a real step view: answers saved as the admin
// ticks are never dropped, and a Next clicked right after waits for them.
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, expect, it, vi } from 'vitest';
import { App } from './app';
import * as api from './api';
import type { Progress } from './bindings/Progress';
import { makePaths, makeProgress, makeSession } from './test/fixtures';
import { fakePlan, makeChoices } from './test/requirements';

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
  const paths = makePaths();
  for (const s of paths[0]!.steps) s.available = ['features', 'region'].includes(s.id);
  const progress: Progress = makeProgress({ path: 'v3', step: 'features', step_status: { features: 'in-progress' } });
  m.getSession.mockResolvedValue(makeSession({ progress }));
  m.listPaths.mockResolvedValue(paths);
  m.featureChoices.mockResolvedValue(makeChoices());
  m.planScopes.mockImplementation(async (p, preset, f) => fakePlan(p, preset, f));
  m.redirectUris.mockImplementation(async (_path, region) => ({
    path: 'v3',
    region,
    required: [`https://api.${region}.nylas.com/v3/connect/callback`],
    optional: [],
    portal_location: 'Authentication → Platform configurations → Web',
    note: '',
  }));

  // Saving is slow: each save waits until the test lets it finish.
  const order: string[] = [];
  const releases: Array<() => void> = [];
  m.setAnswer.mockImplementation(
    (key, value) =>
      new Promise((resolve) => {
        releases.push(() => {
          order.push(`set ${key}`);
          progress.answers[key] = value;
          resolve(structuredClone(progress));
        });
      }),
  );
  m.goToStep.mockImplementation(async (step) => {
    order.push(`go ${step}`);
    progress.step = step;
    return structuredClone(progress);
  });

  render(<App />);
  fireEvent.click(await screen.findByTestId('preset-email-client'));
  fireEvent.click(screen.getByTestId('next-button'));
  // Nothing moves while the first save is under way.
  expect(m.goToStep).not.toHaveBeenCalled();

  while (order.length < 2) {
    await waitFor(() => expect(releases.length).toBeGreaterThan(order.length));
    releases[order.length]!();
  }
  await waitFor(() => expect(screen.getByTestId('current-step-title').textContent).toBe('Region'));
  expect(order).toEqual(['set features.preset', 'set features.list', 'go region']);
  expect(progress.answers['features.list']).toEqual(['mail-modify', 'mail-send']);
});
