import { fireEvent, render, screen, within } from '@testing-library/preact';
import { createRef } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import type { PathInfo } from '../bindings/PathInfo';
import { asNotBuilt, makePaths } from '../test/fixtures';
import { Overview } from './overview';
import { Welcome } from './welcome';

const pathOf = (id: PathInfo['id']) => makePaths().find((p) => p.id === id)!;

describe('the journey before Start (issue 17, point 1)', () => {
  it('shows the steps, how long, what you need and what you will have, all from Rust', () => {
    const v3 = pathOf('v3');
    const onBegin = vi.fn();
    const onBack = vi.fn();
    render(<Overview path={v3} busy={false} onBegin={onBegin} onBack={onBack} />);
    expect(screen.getByTestId('overview-title').textContent).toBe(v3.title);
    expect(screen.getByTestId('overview-duration').textContent).toBe(v3.duration);
    expect(screen.getByTestId('overview-built').textContent).toBe(v3.built_note);
    const needs = within(screen.getByTestId('overview-needs')).getAllByRole('listitem');
    expect(needs.map((n) => n.textContent)).toEqual(v3.needs);
    // The Entra role, the Nylas dashboard login and the region.
    expect(needs[0]!.textContent).toContain('Cloud Application Administrator');
    expect(needs.some((n) => n.textContent!.includes('Nylas dashboard'))).toBe(true);
    expect(needs.some((n) => n.textContent!.includes('region'))).toBe(true);
    expect(screen.getByTestId('overview-outcome').textContent).toBe(v3.outcome);
    const steps = within(screen.getByTestId('overview-steps')).getAllByRole('listitem');
    expect(steps).toHaveLength(v3.steps.length);
    expect(screen.getByTestId('overview-step-region').textContent).toContain('The wizard does this.');
    // Whichever steps this version hasn't built (Rust says which) say what to do by hand.
    for (const s of v3.steps.filter((x) => !x.available)) {
      expect(screen.getByTestId(`overview-step-${s.id}`).textContent).toContain('what to do by hand');
    }
    expect(screen.getByTestId('overview-step-connector').textContent).toContain('The wizard does this.');
    fireEvent.click(screen.getByTestId('begin-button'));
    expect(onBegin).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('begin-button').textContent).toBe('Start with step 1: Features');
    fireEvent.click(screen.getByTestId('overview-back'));
    expect(onBack).toHaveBeenCalledTimes(1);
  });

  it('says which steps need doing by hand when this version can not do them', () => {
    // Every path may be fully built: one of path A's steps is made unbuilt.
    const v3 = pathOf('v3');
    const path = { ...v3, steps: v3.steps.map((s) => (s.id === 'connector' ? asNotBuilt(s) : s)) };
    render(<Overview path={path} busy={false} onBegin={vi.fn()} onBack={vi.fn()} />);
    expect(screen.getByTestId('overview-step-connector').textContent).toContain('what to do by hand');
    expect(screen.getByTestId('overview-step-region').textContent).toContain('The wizard does this.');
  });

  it('says on each path card how many of its steps this version can do', () => {
    const paths = makePaths();
    render(
      <Welcome
        paths={paths}
        practice={false}
        keychain={{ available: true, session_only: false, problem: null }}
        practiceBusy={false}
        busy={false}
        initialChoice={null}
        onStart={vi.fn()}
        onPracticeChange={vi.fn()}
        headingRef={createRef()}
      />,
    );
    // In Rust's words, with Rust's count of built steps.
    const v3 = pathOf('v3');
    expect(screen.getByTestId('path-built-v3').textContent).toBe(v3.built_card);
    expect(v3.steps_built).toBe(v3.steps.filter((s) => s.available).length);
    // Every step of path A is built: the card says so plainly.
    expect(v3.built_card).toBe(`This version can do all ${v3.steps.length} steps.`);
    const teams = pathOf('teams');
    expect(screen.getByTestId('path-built-teams').textContent).toBe(teams.built_card);
    // Path D is all built now too (its Done step last): said the same way.
    const migrate = pathOf('migrate');
    expect(migrate.steps_built).toBe(migrate.steps.length);
    expect(screen.getByTestId('path-built-migrate').textContent).toBe(
      `This version can do all ${migrate.steps.length} steps.`,
    );
    // Path E says how much of it is built, in Rust's words.
    const bulk = pathOf('bulk');
    expect(screen.getByTestId('path-built-bulk').textContent).toBe(bulk.built_card);
    expect(bulk.steps_built).toBe(bulk.steps.filter((s) => s.available).length);
    expect(screen.getByTestId('path-option-bulk').getAttribute('aria-describedby')).toContain('path-bulk-built');
  });
});

describe('smaller things (issue 17, point 13)', () => {
  it('says how many paths are below the fold, and scrolls to the next one', () => {
    const paths = makePaths();
    const tops = [100, 250, 250, 640, 640];
    const spy = vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = Number(this.dataset.testid?.startsWith('path-option-') ? paths.findIndex((p) => `path-option-${p.id}` === this.dataset.testid) : -1);
      const top = i >= 0 ? tops[i]! : 0;
      return { top, bottom: i >= 0 ? top + 120 : 600, left: 0, right: 0, width: 0, height: 0, x: 0, y: 0, toJSON: () => ({}) } as DOMRect;
    });
    const scrolled = vi.fn();
    HTMLElement.prototype.scrollIntoView = scrolled;
    render(
      <Welcome
        paths={paths}
        practice={false}
        keychain={{ available: true, session_only: false, problem: null }}
        practiceBusy={false}
        busy={false}
        initialChoice={null}
        onStart={vi.fn()}
        onPracticeChange={vi.fn()}
        headingRef={createRef()}
      />,
    );
    const cue = screen.getByTestId('more-paths');
    expect(cue.textContent).toBe('2 more paths below ↓');
    fireEvent.click(cue);
    expect(scrolled).toHaveBeenCalledTimes(1);
    expect(scrolled.mock.contexts[0]).toBe(screen.getByTestId('path-option-migrate'));
    spy.mockRestore();
  });
});
