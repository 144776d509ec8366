import { fireEvent, render, screen, within } from '@testing-library/preact';
import { createRef } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import type { PathInfo } from '../bindings/PathInfo';
import type { ProgressView } from '../bindings/ProgressView';
import { asNotBuilt, makePaths, nothingBuilt } from '../test/fixtures';
import { fixtureProgress, makeSession } from '../test/requirements';
import type { StepContext } from '../steps/types';
import { Frame } from './frame';

const pathOf = (id: PathInfo['id']) => makePaths().find((p) => p.id === id)!;

/** `id` with `step` as if it weren't built, with by-hand steps and docs
 *  as Rust words them. */
function withUnbuilt(id: PathInfo['id'], step: string): PathInfo {
  const path = structuredClone(pathOf(id));
  const i = path.steps.findIndex((st) => st.id === step);
  path.steps[i] = asNotBuilt(path.steps[i]!);
  return path;
}

let lastOpenLink = vi.fn(async () => undefined);

function show(path: PathInfo, progress: ProgressView) {
  lastOpenLink = vi.fn(async () => undefined);
  const ctx = (s: PathInfo['steps'][number]): StepContext => ({
    session: makeSession({ progress }),
    path,
    step: s,
    busy: false,
    setAnswer: vi.fn(async () => null),
    setStatus: vi.fn(async () => null),
    applyProgress: vi.fn(),
    openLink: lastOpenLink,
  } as unknown as StepContext);
  // Step views are not under test here: every step renders as "not built".
  return render(
    <Frame
      path={path}
      progress={progress}
      busy={false}
      onGoTo={vi.fn()}
      onBackToPaths={vi.fn()}
      stepContext={ctx}
      headingRef={createRef()}
      findView={() => undefined}
    />,
  );
}

const statusText = (step: string) => screen.getByTestId(`step-item-${step}`).querySelector('.step-status')?.textContent;

describe('statuses you can trust (issue 17, point 2)', () => {
  it('says before Next that leaving an unfinished step marks it Skipped, and why', () => {
    show(pathOf('v3'), fixtureProgress('v3/features/new'));
    const note = screen.getByTestId('leave-note');
    expect(note.textContent).toBe(
      "Features will show as Skipped if you leave now. You haven't chosen what your app does yet. You can come back to it.",
    );
    expect(statusText('features')).toBe('In progress');
  });

  it('says nothing about skipping when the answers are valid', () => {
    show(pathOf('v3'), fixtureProgress('v3/features/email-client'));
    expect(screen.queryByTestId('leave-note')).toBeNull();
    // Never "Done" while the admin is still on the step.
    expect(screen.getByTestId('step-item-features').dataset.status).toBe('in-progress');
  });

  it('shows steps passed over as Skipped with words and an icon, never Not started', () => {
    show(pathOf('v3'), fixtureProgress('v3/azure-app/no-features'));
    for (const step of ['features', 'region']) {
      const item = screen.getByTestId(`step-item-${step}`);
      expect(item.dataset.status).toBe('skipped');
      expect(item.querySelector('.status-skipped')).not.toBeNull();
      expect(statusText(step)).toBe('Skipped');
    }
    const v3Steps = pathOf('v3').steps;
    const last = v3Steps[v3Steps.length - 1]!;
    expect(statusText(last.id)).toBe(last.available ? 'Not started' : 'Not started · not built yet');
  });

  it('says a failed check stays Needs attention when the step is left', () => {
    const progress = fixtureProgress('v3/azure-app/answered');
    progress.step_status['azure-app'] = 'needs-attention';
    progress.leaving = { step: 'azure-app', status: 'needs-attention', reason: 'The last check found 2 things to fix.' };
    show(pathOf('v3'), progress);
    expect(screen.getByTestId('leave-note').textContent).toBe(
      'Azure app stays "Needs attention" when you leave it. The last check found 2 things to fix.',
    );
  });

  it('says when the next step is not built yet', () => {
    // Migration as if the step after its Azure app weren't built.
    const migrate = withUnbuilt('migrate', 'nylas-account');
    const progress = fixtureProgress('migrate/azure-app/no-features');
    progress.leaving = { step: 'azure-app', status: 'done', reason: null };
    show(migrate, progress);
    const next = migrate.steps[migrate.steps.findIndex((s) => s.id === 'azure-app') + 1]!;
    expect(next.available).toBe(false);
    expect(screen.getByTestId('leave-note').textContent).toBe(
      `${next.title} isn't built in this version; it shows you what to do by hand.`,
    );
  });
});

describe('no dead ends (issue 17, point 3)', () => {
  it('a step that is not built says what was covered, what to do by hand and where the docs are', () => {
    // Migration as if its connector weren't built.
    const migrate = withUnbuilt('migrate', 'connector');
    const progress = fixtureProgress('migrate/azure-app/no-features');
    progress.step = 'connector';
    progress.step_status = {
      scopes: 'done',
      region: 'done',
      'azure-app': 'needs-attention',
      'nylas-account': 'done',
      connector: 'in-progress',
      accounts: 'skipped',
      ews: 'done',
    };
    show(migrate, progress);
    const panel = screen.getByTestId('not-built');
    const covered = within(panel).getByTestId('not-built-covered');
    // Every built step of the path, with its status in words.
    const title = (id: string) => migrate.steps.find((s) => s.id === id)!.title;
    expect(within(covered).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `${title('scopes')}: Done`,
      `${title('region')}: Done`,
      `${title('azure-app')}: Needs attention`,
      `${title('nylas-account')}: Done`,
      `${title('accounts')}: Skipped`,
      `${title('ews')}: Done`,
      ...migrate.steps.filter((st) => st.available && st.id === 'report').map((st) => `${st.title}: Not started`),
    ]);
    const connector = migrate.steps.find((s) => s.id === 'connector')!;
    expect(connector.available).toBe(false);
    const byHand = within(panel).getByTestId('not-built-by-hand');
    expect(within(byHand).getAllByRole('listitem').map((li) => li.textContent)).toEqual(connector.by_hand);
    const docs = within(panel).getByTestId('not-built-docs');
    for (const d of connector.docs) {
      expect(docs.textContent).toContain(d.label);
      expect(docs.textContent).toContain(d.url);
    }
    // Each page opens by its topic (Rust builds the address).
    const open = within(docs).getAllByTestId('not-built-doc-open');
    expect(open).toHaveLength(connector.docs.length);
    fireEvent.click(open[0]!);
    expect(lastOpenLink).toHaveBeenCalledWith({ kind: 'docs', topic: connector.docs[0]!.topic });
  });

  it('a path with nothing built says so', () => {
    const bulk = nothingBuilt(pathOf('bulk'));
    show(bulk, fixtureProgress('bulk/explain/new'));
    expect(screen.getByTestId('not-built-covered').textContent).toBe(
      'Nothing yet: no step of this path is built in this version.',
    );
  });
});

describe('the step switcher for narrow windows (issue 17, point 13)', () => {
  it('reads "Step 3 of N · Azure app" and opens the list with statuses in words', () => {
    const onGoTo = vi.fn();
    const v3 = pathOf('v3');
    const progress = fixtureProgress('v3/azure-app/no-features');
    render(
      <Frame
        path={v3}
        progress={progress}
        busy={false}
        onGoTo={onGoTo}
        onBackToPaths={vi.fn()}
        stepContext={() => ({}) as StepContext}
        headingRef={createRef()}
        findView={() => undefined}
      />,
    );
    expect(screen.getByTestId('step-switcher-summary').textContent).toBe(`Step 3 of ${v3.steps.length} · Azure app`);
    const features = screen.getByTestId('switch-item-features');
    expect(features.textContent).toContain('Skipped');
    expect(screen.getByTestId('switch-item-azure-app').getAttribute('aria-current')).toBe('step');
    fireEvent.click(features);
    expect(onGoTo).toHaveBeenCalledWith('features');
    expect((screen.getByTestId('step-switcher') as HTMLDetailsElement).open).toBe(false);
  });
});
