// The journey before Start (issue 17, point 1): what the chosen path does,
// about how long it takes, what the admin needs at hand, what they will have
// at the end, and which steps this version can do. Everything here comes
// from Rust (paths.rs); nothing is saved until Start.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { PathInfo } from '../bindings/PathInfo';
import { ArrowLeftIcon, ArrowRightIcon, CheckCircleIcon, ClockIcon, WrenchIcon } from '../components/icons';

interface OverviewProps {
  path: PathInfo;
  busy: boolean;
  onBegin: () => void;
  onBack: () => void;
  notices?: ComponentChildren;
}

export function Overview({ path, busy, onBegin, onBack, notices }: OverviewProps) {
  const first = path.steps[0];
  // Its own heading takes focus when it opens, so keyboard and screen-reader
  // users start at the top (the app's shared heading ref is for the other
  // screens, which replace each other in place).
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <main class="view view-overview" data-testid="overview" aria-busy={busy ? 'true' : 'false'}>
      <div class="scroll-area">
        <div class="content-inner">
          {notices}
          <p class="eyebrow">Path {path.letter} · Before you start</p>
          <h1 class="welcome-title" ref={headingRef} tabIndex={-1} data-testid="overview-title">
            {path.title}
          </h1>
          <p class="lead">{path.summary}</p>
          <ul class="overview-facts">
            <li data-testid="overview-duration">
              <ClockIcon size={20} />
              <span>{path.duration}</span>
            </li>
            <li data-testid="overview-built">
              <WrenchIcon size={20} />
              <span>{path.built_note}</span>
            </li>
          </ul>

          <div class="overview-columns">
            <section aria-labelledby="overview-needs">
              <h2 class="section-title" id="overview-needs">
                What you need
              </h2>
              <ul class="overview-list" data-testid="overview-needs">
                {path.needs.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
              <h2 class="section-title" id="overview-outcome">
                What you'll have at the end
              </h2>
              <p data-testid="overview-outcome">{path.outcome}</p>
            </section>
            <section aria-labelledby="overview-steps">
              <h2 class="section-title" id="overview-steps">
                The steps
              </h2>
              <ol class="overview-steps" data-testid="overview-steps">
                {path.steps.map((s) => (
                  <li key={s.id} data-testid={`overview-step-${s.id}`} class={s.available ? 'is-built' : 'is-by-hand'}>
                    <span class="overview-step-title">
                      {s.available ? (
                        <CheckCircleIcon size={16} class="status-done" />
                      ) : (
                        <WrenchIcon size={16} class="status-not-started" />
                      )}
                      {s.title}
                    </span>
                    <span class="overview-step-tag">
                      {s.available ? 'The wizard does this.' : "Not built yet: it tells you what to do by hand."}
                    </span>
                    <span class="overview-step-summary">{s.summary}</span>
                  </li>
                ))}
              </ol>
            </section>
          </div>
        </div>
      </div>

      <div class="action-bar">
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="overview-back"
          aria-disabled={busy ? 'true' : undefined}
          onClick={() => {
            if (!busy) onBack();
          }}
        >
          <ArrowLeftIcon size={18} />
          <span>Back to paths</span>
        </button>
        <div class="action-bar-end">
          <span class="muted action-hint">Nothing changes in Microsoft or Nylas yet.</span>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="begin-button"
            aria-disabled={busy ? 'true' : undefined}
            onClick={() => {
              if (!busy) onBegin();
            }}
          >
            <span>{first === undefined ? 'Start' : `Start with step 1: ${first.title}`}</span>
            <ArrowRightIcon size={18} />
          </button>
        </div>
      </div>
    </main>
  );
}
