// The welcome screen: where am I, what do I do now, is it safe. The admin
// picks one of the five paths (a radio group of cards), may switch on
// practice mode, and starts.

import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PathId } from '../bindings/PathId';
import type { KeychainStatus } from '../bindings/KeychainStatus';
import type { PathInfo } from '../bindings/PathInfo';
import { Callout } from '../components/callout';
import { ArrowRightIcon, LockIcon, SaveIcon, ShieldIcon } from '../components/icons';

interface WelcomeProps {
  paths: PathInfo[];
  practice: boolean;
  /** Where secrets go now, so the promise below matches it. */
  keychain: KeychainStatus;
  /** True while the simulator starts or stops. */
  practiceBusy: boolean;
  busy: boolean;
  /** Pre-selected card (the path the admin just came back from). */
  initialChoice: PathId | null;
  onStart: (path: PathId) => void;
  onPracticeChange: (enabled: boolean) => void;
  /** Forget the saved answers and stored secrets (after confirmation). */
  onStartOver?: () => void;
  /** True once "Start over" has been done: say so. */
  startedOver?: boolean;
  headingRef: RefObject<HTMLHeadingElement | null>;
  /** Cards shown above the intro (errors, notices, keychain). */
  notices?: ComponentChildren;
}

/** Where secrets go, as it is right now (never a promise the state breaks). */
function secretsPromise(practice: boolean, keychain: KeychainStatus): string {
  if (practice) return 'Practice keeps its secrets in memory and forgets them when you leave; never in a file.';
  if (keychain.session_only) return 'Secrets are kept in memory for this run only, never in a file.';
  if (!keychain.available) return "Your system keychain isn't available yet, so secrets can't be saved; never into a file.";
  return 'Secrets go to your system keychain, never into a file.';
}

/** A card is out of sight when less than half of it shows above `bottom`. */
function below(card: HTMLElement, bottom: number): boolean {
  const r = card.getBoundingClientRect();
  return (r.top + r.bottom) / 2 > bottom;
}

export function Welcome(props: WelcomeProps) {
  const { paths, practice, keychain, practiceBusy, busy, onStart, onPracticeChange, headingRef, notices, onStartOver } =
    props;
  const [confirming, setConfirming] = useState(false);
  const [choice, setChoice] = useState<PathId | null>(
    props.initialChoice !== null && paths.some((p) => p.id === props.initialChoice) ? props.initialChoice : null,
  );
  const cardRefs = useRef<Array<HTMLDivElement | null>>([]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // How many path cards are below the fold, so the admin knows there is more
  // than they see ("2 more paths below").
  const [hidden, setHidden] = useState(0);
  useEffect(() => {
    const area = scrollRef.current;
    if (area === null) return undefined;
    const measure = () => {
      const bottom = area.getBoundingClientRect().bottom;
      setHidden(cardRefs.current.filter((c) => c !== null && below(c, bottom)).length);
    };
    measure();
    area.addEventListener('scroll', measure, { passive: true });
    window.addEventListener('resize', measure);
    return () => {
      area.removeEventListener('scroll', measure);
      window.removeEventListener('resize', measure);
    };
  }, [paths.length]);
  const showMore = () => {
    const area = scrollRef.current;
    const bottom = area?.getBoundingClientRect().bottom ?? 0;
    const next = cardRefs.current.find((c) => c !== null && below(c, bottom));
    next?.scrollIntoView({ block: 'end', behavior: 'smooth' });
  };
  const chosen = paths.find((p) => p.id === choice) ?? null;

  const start = () => {
    if (chosen !== null && !busy) onStart(chosen.id);
  };

  const focusCard = (index: number) => {
    const n = paths.length;
    const i = ((index % n) + n) % n;
    const path = paths[i];
    if (path === undefined) return;
    setChoice(path.id);
    cardRefs.current[i]?.focus();
  };

  const onCardKey = (e: KeyboardEvent, index: number, id: PathId) => {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        e.preventDefault();
        focusCard(index + 1);
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        e.preventDefault();
        focusCard(index - 1);
        break;
      case 'Home':
        e.preventDefault();
        focusCard(0);
        break;
      case 'End':
        e.preventDefault();
        focusCard(paths.length - 1);
        break;
      case ' ':
      case 'Spacebar':
        e.preventDefault();
        setChoice(id);
        break;
      case 'Enter':
        e.preventDefault();
        // Enter on the chosen card is the primary action: start.
        if (choice === id) start();
        else setChoice(id);
        break;
      default:
        break;
    }
  };

  // Roving tab stop: the chosen card, else the first one.
  const tabStop = choice ?? paths[0]?.id ?? null;

  return (
    <main class="view view-welcome" data-testid="welcome" aria-busy={busy ? 'true' : 'false'}>
      <div class="scroll-area" ref={scrollRef}>
        <div class="content-inner">
          {notices}
          <h1 class="welcome-title" ref={headingRef} tabIndex={-1}>
            Connect Microsoft 365 to Nylas
          </h1>
          <p class="lead">
            This wizard walks you through it one step at a time, using the same names you see in the Azure portal and
            the Nylas dashboard.
          </p>
          <ul class="reassurance" aria-label="How the wizard keeps you safe">
            <li>
              <ShieldIcon size={20} />
              <span>Nothing changes in Microsoft or Nylas until you see a preview and confirm it.</span>
            </li>
            <li>
              <LockIcon size={20} />
              <span data-testid="secrets-promise">{secretsPromise(practice, keychain)}</span>
            </li>
            <li>
              <SaveIcon size={20} />
              <span>Your place is saved: stop at any time and pick up where you left off.</span>
            </li>
          </ul>

          <h2 class="section-title" id="paths-heading">
            What do you want to set up?
          </h2>
          <p class="muted" id="paths-help">
            Choose one path. Use the arrow keys to move between them, then press Enter or Start.
          </p>
          <div
            class="path-grid"
            role="radiogroup"
            aria-labelledby="paths-heading"
            aria-describedby="paths-help"
          >
            {paths.map((p, i) => {
              const checked = p.id === choice;
              return (
                <div
                  key={p.id}
                  ref={(el) => {
                    cardRefs.current[i] = el;
                  }}
                  class={checked ? 'path-card is-checked' : 'path-card'}
                  role="radio"
                  aria-checked={checked ? 'true' : 'false'}
                  aria-labelledby={`path-${p.id}-title`}
                  aria-describedby={`path-${p.id}-summary path-${p.id}-when path-${p.id}-built`}
                  tabIndex={p.id === tabStop ? 0 : -1}
                  data-testid={`path-option-${p.id}`}
                  onClick={() => setChoice(p.id)}
                  onDblClick={() => {
                    setChoice(p.id);
                    if (!busy) onStart(p.id);
                  }}
                  onKeyDown={(e) => onCardKey(e, i, p.id)}
                >
                  <span class="path-radio" aria-hidden="true" />
                  <span class="path-letter" aria-hidden="true">
                    {p.letter}
                  </span>
                  <span class="path-text">
                    <span class="path-title" id={`path-${p.id}-title`}>
                      <span class="visually-hidden">Path {p.letter}: </span>
                      {p.title}
                      {p.id === 'v3' && <span class="badge">Most common</span>}
                    </span>
                    <span class="path-summary" id={`path-${p.id}-summary`}>
                      {p.summary}
                    </span>
                    <span class="path-when" id={`path-${p.id}-when`}>
                      {p.when_to_choose}
                    </span>
                    <span
                      class={p.steps_built === 0 ? 'path-built is-none' : 'path-built'}
                      id={`path-${p.id}-built`}
                      data-testid={`path-built-${p.id}`}
                    >
                      {p.built_card}
                    </span>
                  </span>
                </div>
              );
            })}
          </div>
          {onStartOver !== undefined && (
            <div class="start-over">
              {props.startedOver === true && !confirming && (
                <p class="start-over-done" data-testid="start-over-done" role="status">
                  Started over: your answers on every path and the secrets this wizard saved are forgotten.
                </p>
              )}
              {!confirming ? (
                <button
                  type="button"
                  class="btn btn-quiet btn-small"
                  data-testid="start-over-button"
                  onClick={() => setConfirming(true)}
                >
                  Start over…
                </button>
              ) : (
                <Callout
                  tone="warning"
                  title="Start over?"
                  testId="start-over-confirm"
                  role="alert"
                  actions={
                    <>
                      <button
                        type="button"
                        class="btn btn-danger btn-small"
                        data-testid="start-over-confirm-button"
                        aria-disabled={busy ? 'true' : undefined}
                        onClick={() => {
                          if (busy) return;
                          setConfirming(false);
                          onStartOver();
                        }}
                      >
                        Forget my answers and secrets
                      </button>
                      <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        data-testid="start-over-cancel"
                        onClick={() => setConfirming(false)}
                      >
                        Keep everything
                      </button>
                    </>
                  }
                >
                  <p>
                    This forgets your answers and progress on every path{practice ? ' in practice mode' : ''}, and
                    the client secret this wizard saved{practice ? ' for practice' : ' in your keychain'}. Nothing in
                    Microsoft or Nylas changes.
                  </p>
                  <p>
                    It also forgets the list of changes this wizard made, without undoing them. To keep it, open
                    “Changes made” at the top first (it shows only once something was changed).
                  </p>
                </Callout>
              )}
            </div>
          )}
          {hidden > 0 && (
            <button type="button" class="more-paths" data-testid="more-paths" onClick={showMore}>
              {hidden === 1 ? '1 more path below' : `${hidden} more paths below`}
              <span aria-hidden="true"> ↓</span>
            </button>
          )}
        </div>
      </div>

      <div class="action-bar">
        <div class="practice-switch">
          <button
            type="button"
            id="practice-toggle"
            class="switch"
            role="switch"
            aria-checked={practice ? 'true' : 'false'}
            aria-describedby="practice-desc practice-busy"
            aria-disabled={practiceBusy ? 'true' : undefined}
            data-testid="practice-toggle"
            onClick={() => {
              if (!practiceBusy) onPracticeChange(!practice);
            }}
          >
            <span class="switch-track" aria-hidden="true">
              <span class="switch-thumb" />
            </span>
            <span class="switch-label">Practice mode</span>
            <span class="switch-state" aria-hidden="true">
              {practice ? 'On' : 'Off'}
            </span>
          </button>
          <p class="switch-desc" id="practice-desc">
            Practice against a built-in simulator of Microsoft and Nylas. Practice keeps its own progress and
            secrets; nothing real is touched.
          </p>
          <p class="switch-busy" id="practice-busy" role="status">
            {practiceBusy ? (practice ? 'Stopping the simulator…' : 'Starting the simulator…') : ''}
          </p>
        </div>
        <div class="action-bar-end">
          {chosen === null && (
            <span class="muted action-hint" id="start-hint">
              Choose a path to start.
            </span>
          )}
          <button
            type="button"
            class="btn btn-primary"
            data-testid="start-button"
            disabled={chosen === null}
            aria-describedby={chosen === null ? 'start-hint' : undefined}
            aria-disabled={busy ? 'true' : undefined}
            onClick={start}
          >
            <span>{chosen === null ? 'Start' : `Start: ${chosen.title}`}</span>
            <ArrowRightIcon size={18} />
          </button>
        </div>
      </div>
    </main>
  );
}
