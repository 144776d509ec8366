// The app's state and routing. Rust is the source of truth: every action
// calls api.ts and then renders what Rust returned. No path chosen → the
// welcome screen; a path chosen → the wizard frame on the current step.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import { toWizardError, type WizardApiError } from './api';
import type { PathId } from './bindings/PathId';
import type { PathInfo } from './bindings/PathInfo';
import type { AnswerUpdate } from './bindings/AnswerUpdate';
import type { ProgressView } from './bindings/ProgressView';
import type { Session } from './bindings/Session';
import type { StepInfo } from './bindings/StepInfo';
import type { StepStatus } from './bindings/StepStatus';
import { AppHeader } from './components/app-header';
import { ErrorCard } from './components/error-card';
import { KeychainCard } from './components/keychain-card';
import { Callout } from './components/callout';
import { NoticeCard } from './components/notice-card';
import { OverridesBanner } from './components/overrides-banner';
import { PracticeBanner } from './components/practice-banner';
import { WelcomeBack } from './components/welcome-back';
import type { StepContext } from './steps/types';
import { Frame } from './views/frame';
import { Overview } from './views/overview';
import { Welcome } from './views/welcome';

/** What is under way, so the matching control can say so. */
type Busy = 'load' | 'nav' | 'practice' | 'answer' | 'other';

interface Failure {
  error: WizardApiError;
  retry?: () => void;
}

/** What the window needs first, asked for before the first render. */
export type Boot = Promise<[Session, PathInfo[]]>;

export function App({ boot: early }: { boot?: Boot } = {}) {
  const boot = useRef(early);
  const [session, setSession] = useState<Session | null>(null);
  const [paths, setPaths] = useState<PathInfo[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState<Busy | null>(null);
  const [welcomeBack, setWelcomeBack] = useState(false);
  const [lastPath, setLastPath] = useState<PathId | null>(null);
  // The path whose journey is shown before Start (nothing saved yet).
  const [overview, setOverview] = useState<PathId | null>(null);
  // "Start over" finished: the welcome screen says what was forgotten.
  const [startedOver, setStartedOver] = useState(false);
  // Calls run one at a time, in order, so a reply never overwrites a newer
  // one. `blocking` (a ref as well as state) makes two quick clicks start one
  // call. Saving an answer never blocks and is never dropped: it queues, and
  // a click on Next right after ticking a box queues behind the save.
  const pending = useRef(0);
  const blocking = useRef(0);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusHeading = useRef(false);

  /** Run one call to Rust: one at a time, errors become the error card. */
  const run = useCallback(
    <T,>(kind: Busy, call: () => Promise<T>, apply: (value: T) => void, focus = false): Promise<T | null> => {
      const isAnswer = kind === 'answer';
      if (!isAnswer && blocking.current > 0) return Promise.resolve(null);
      const idle = pending.current === 0;
      pending.current += 1;
      if (!isAnswer) blocking.current += 1;
      if (!isAnswer || blocking.current === 0) setBusy(kind);
      const start = async (): Promise<T | null> => {
        try {
          const value = await call();
          apply(value);
          setFailure(null);
          if (focus) focusHeading.current = true;
          return value;
        } catch (e) {
          setFailure({ error: toWizardError(e), retry: () => void run(kind, call, apply, focus) });
          return null;
        } finally {
          pending.current -= 1;
          if (!isAnswer) blocking.current -= 1;
          if (pending.current === 0) setBusy(null);
          else if (blocking.current === 0) setBusy('answer');
        }
      };
      // Nothing under way: start now (the click's call goes out at once).
      const task = idle ? start() : queue.current.then(start);
      queue.current = task;
      return task;
    },
    [],
  );

  // After a move between screens or steps, put focus on the new heading so
  // keyboard and screen-reader users start reading at the top.
  useEffect(() => {
    if (focusHeading.current && headingRef.current !== null) {
      focusHeading.current = false;
      headingRef.current.focus();
    }
  });

  const applyProgress = useCallback((progress: ProgressView) => {
    setSession((s) => (s === null ? s : { ...s, progress }));
  }, []);

  const load = useCallback(() => {
    void run(
      'load',
      () => {
        // The first load was started before the first render (main.tsx).
        const early = boot.current;
        boot.current = undefined;
        return early ?? Promise.all([api.getSession(), api.listPaths()]);
      },
      ([s, p]) => {
        setSession(s);
        setPaths(p);
        setWelcomeBack(s.progress.path !== null);
      },
    );
  }, [run]);

  useEffect(load, [load]);

  // Once the first screen from the loaded session is in the page, its
  // controls wired (a layout effect runs right after that commit), tell the
  // start-up benchmark (scripts/bench.sh); a no-op otherwise. The empty
  // baseline app it is compared with announces at DOMContentLoaded alike.
  const firstScreen = session !== null && paths !== null;
  const announced = useRef(false);
  useLayoutEffect(() => {
    if (firstScreen && !announced.current) {
      announced.current = true;
      performance.mark('app:first-screen');
      void api.benchReady().catch(() => undefined);
    }
  }, [firstScreen]);

  if (session === null || paths === null) {
    return (
      <div class="app">
        <AppHeader version={null} path={null} />
        <main class="view view-loading" aria-busy={failure === null ? 'true' : 'false'}>
          <div class="scroll-area">
            <div class="content-inner">
              {failure !== null ? (
                <ErrorCard error={failure.error} onRetry={failure.retry} busy={busy !== null} />
              ) : (
                <p class="muted" role="status">
                  Loading your progress…
                </p>
              )}
            </div>
          </div>
        </main>
      </div>
    );
  }

  const progress = session.progress;
  const path = paths.find((p) => p.id === progress.path) ?? null;
  // Saving answers happens as the admin types and ticks; it doesn't make the
  // window look busy.
  const isBusy = busy !== null && busy !== 'answer';

  const choosePath = (id: PathId | null) => {
    const leaving = progress.path;
    void run(
      'nav',
      () => api.choosePath(id),
      (p) => {
        if (id === null) setLastPath(leaving);
        setWelcomeBack(false);
        setOverview(null);
        setStartedOver(false);
        applyProgress(p);
      },
      true,
    );
  };
  /** Start on the welcome screen: a path begun before resumes at once; a
   *  new one shows its journey first. */
  const start = (id: PathId) => {
    if (progress.paused[id] !== undefined) {
      choosePath(id);
      return;
    }
    setOverview(id);
  };
  const overviewPath = path === null ? (paths.find((p) => p.id === overview) ?? null) : null;
  const goTo = (step: string) => void run('nav', () => api.goToStep(step), applyProgress, true);
  const setPractice = (enabled: boolean) => void run('practice', () => api.setPracticeMode(enabled), setSession);
  const sessionOnly = () => void run('other', () => api.useSessionOnlySecrets(), setSession, true);
  const recheckKeychain = () => void run('other', () => api.recheckKeychain(), setSession, true);
  const startOver = () =>
    void run(
      'other',
      () => api.startOver(),
      (s) => {
        setLastPath(null);
        setWelcomeBack(false);
        setStartedOver(true);
        setSession(s);
      },
      true,
    );
  /** Hide a card or line the admin dismissed, and keep keyboard focus on the page. */
  const dismissLocal = (hide: () => void) => {
    hide();
    focusHeading.current = true;
  };
  const dismissNotice = () => void run('other', () => api.dismissNotice(), setSession, true);

  const stepContext = (step: StepInfo): StepContext => ({
    session,
    path: path as PathInfo,
    step,
    busy: isBusy,
    setAnswer: (update: AnswerUpdate) => run('answer', () => api.setAnswer(update), applyProgress),
    setStatus: (status: StepStatus) =>
      (session.progress.step_status[step.id] ?? 'not-started') === status
        ? Promise.resolve(session.progress)
        : run('answer', () => api.setStepStatus(step.id, status), applyProgress),
    applyProgress,
    openLink: async (link: api.OpenLink) => {
      await run('other', () => api.openLink(link), () => undefined);
    },
  });

  const notices = (
    <div class="notices">
      {failure !== null && (
        <ErrorCard
          error={failure.error}
          onRetry={failure.retry}
          onDismiss={() => dismissLocal(() => setFailure(null))}
          busy={isBusy}
        />
      )}
      {session.notice !== null && <NoticeCard notice={session.notice} onDismiss={dismissNotice} busy={isBusy} />}
      {session.practice.left !== null && (
        <Callout
          tone="info"
          title="You're back to your real setup"
          testId="practice-left-card"
          role="status"
          actions={
            <button
              type="button"
              class="btn btn-secondary btn-small"
              onClick={dismissNotice}
              aria-disabled={isBusy ? 'true' : undefined}
            >
              Got it
            </button>
          }
        >
          <p>{session.practice.left}</p>
        </Callout>
      )}
      <KeychainCard keychain={session.keychain} onSessionOnly={sessionOnly} onRecheck={recheckKeychain} busy={isBusy} />
      {welcomeBack && path !== null && <WelcomeBack onDismiss={() => dismissLocal(() => setWelcomeBack(false))} />}
    </div>
  );

  return (
    <div class="app">
      <AppHeader
        version={session.version}
        path={path}
        onChangePath={path !== null ? () => choosePath(null) : undefined}
        busy={isBusy}
        onShowCheck={
          path !== null && path.steps.some((s) => s.id === 'azure-app' && s.available) ? () => goTo('azure-app') : undefined
        }
      />
      {session.practice.enabled && <PracticeBanner onLeave={() => setPractice(false)} busy={isBusy} />}
      {!session.practice.enabled && <OverridesBanner overrides={session.overrides} />}
      {overviewPath !== null ? (
        <Overview
          path={overviewPath}
          busy={isBusy}
          onBegin={() => choosePath(overviewPath.id)}
          onBack={() => {
            setLastPath(overviewPath.id);
            focusHeading.current = true;
            setOverview(null);
          }}
          notices={notices}
        />
      ) : path === null ? (
        <Welcome
          paths={paths}
          practice={session.practice.enabled}
          keychain={session.keychain}
          practiceBusy={busy === 'practice'}
          busy={isBusy}
          initialChoice={lastPath}
          onStart={start}
          onPracticeChange={setPractice}
          onStartOver={startOver}
          startedOver={startedOver}
          headingRef={headingRef}
          notices={notices}
        />
      ) : (
        <Frame
          path={path}
          progress={progress}
          busy={isBusy}
          onGoTo={goTo}
          onBackToPaths={() => choosePath(null)}
          stepContext={stepContext}
          headingRef={headingRef}
          notices={notices}
        />
      )}
    </div>
  );
}
