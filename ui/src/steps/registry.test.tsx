import { render, screen } from '@testing-library/preact';
import { createRef } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import type { PathInfo } from '../bindings/PathInfo';
import { asNotBuilt, makePaths, makeProgress, makeSession } from '../test/fixtures';
import { Frame } from '../views/frame';
import { STEP_VIEWS, findStepView, type StepView } from './registry';
import type { StepContext } from './types';

const Generic: StepView = () => <p data-testid="generic-region">generic region view</p>;
const TeamsOnly: StepView = ({ ctx }) => <p data-testid="teams-region">teams region view for {ctx.path.title}</p>;

describe('step registry', () => {
  it('prefers a path-specific view and falls back to the step id', () => {
    const views = { region: Generic, 'teams/region': TeamsOnly };
    expect(findStepView('teams', 'region', views)).toBe(TeamsOnly);
    expect(findStepView('v3', 'region', views)).toBe(Generic);
    expect(findStepView('v3', 'report', views)).toBeUndefined();
  });

  it('has views for the built steps, shared by every path that has them', () => {
    // Every step Rust marks built has a view.
    for (const p of makePaths()) {
      for (const s of p.steps) {
        if (s.available) expect(findStepView(p.id, s.id), `${p.id}/${s.id}`).toBeDefined();
      }
    }
    for (const path of ['v3', 'teams', 'v2-events', 'migrate'] as const) {
      expect(findStepView(path, 'azure-app')).toBe(STEP_VIEWS['azure-app']);
    }
    // The Done view serves paths A, B and C; bulk onboarding has its own.
    expect(findStepView('v3', 'report')).toBeDefined();
    expect(findStepView('teams', 'report')).toBe(findStepView('v3', 'report'));
    expect(findStepView('v2-events', 'report')).toBe(findStepView('v3', 'report'));
    expect(findStepView('bulk', 'report')).not.toBe(findStepView('v3', 'report'));
  });
});

function renderFrame(path: PathInfo, step: string, views: Record<string, StepView>) {
  const progress = { ...makeProgress(), path: path.id, step, step_status: { [step]: 'in-progress' as const } };
  const ctx = (s: PathInfo['steps'][number]): StepContext => ({
    session: makeSession({ progress }),
    path,
    step: s,
    busy: false,
    setAnswer: vi.fn(async () => null),
    setStatus: vi.fn(async () => null),
    applyProgress: vi.fn(),
    openLink: vi.fn(async () => undefined),
  });
  return render(
    <Frame
      path={path}
      progress={progress}
      busy={false}
      onGoTo={vi.fn()}
      onBackToPaths={vi.fn()}
      stepContext={ctx}
      headingRef={createRef()}
      findView={(p, s) => findStepView(p, s, views)}
    />,
  );
}

const pathOf = (id: PathInfo['id']) => makePaths().find((p) => p.id === id)!;
const stepOf = (path: PathInfo, id: string) => path.steps.find((s) => s.id === id)!;

describe('frame and registry', () => {
  it('renders the registered view of an available step', () => {
    const teams = pathOf('teams');
    expect(stepOf(teams, 'region').available).toBe(true);
    renderFrame(teams, 'region', { region: Generic, 'teams/region': TeamsOnly });
    expect(screen.getByTestId('teams-region').textContent).toBe(`teams region view for ${teams.title}`);
    expect(screen.queryByTestId('not-built')).toBeNull();
  });

  it('shows the not-built panel for a step Rust marks unavailable, even if a view exists', () => {
    // Every path may be fully built: one of path A's steps made unbuilt.
    const v3 = pathOf('v3');
    const path = { ...v3, steps: v3.steps.map((s) => (s.id === 'connector' ? asNotBuilt(s) : s)) };
    const unbuilt = stepOf(path, 'connector');
    renderFrame(path, unbuilt.id, { [unbuilt.id]: Generic });
    expect(screen.getByTestId('not-built').textContent).toContain(unbuilt.summary);
    expect(screen.queryByTestId('generic-region')).toBeNull();
  });

  it('shows the not-built panel for an available step with no view', () => {
    const v3 = pathOf('v3');
    expect(stepOf(v3, 'features').available).toBe(true);
    renderFrame(v3, 'features', {});
    expect(screen.getByTestId('not-built')).toBeTruthy();
  });
});
