// The wizard frame once a path is chosen: the step list on the left, the
// current step on the right, Back / Next at the bottom. Only the content
// area scrolls.

import type { ComponentChildren, RefObject } from 'preact';
import type { PathInfo } from '../bindings/PathInfo';
import type { ProgressView } from '../bindings/ProgressView';
import type { StepStatus } from '../bindings/StepStatus';
import { ArrowLeftIcon, ArrowRightIcon } from '../components/icons';
import { STATUS_TEXT, StatusIcon } from '../components/status-icon';
import { SummaryButton } from '../components/summary-panel';
import { findStepView, type StepView } from '../steps/registry';
import type { StepContext } from '../steps/types';
import { LeaveNote } from './leave-note';
import { StepPlaceholder } from './step-placeholder';
import { StepSwitcher } from './step-switcher';

interface FrameProps {
  path: PathInfo;
  progress: ProgressView;
  busy: boolean;
  onGoTo: (step: string) => void;
  onBackToPaths: () => void;
  /** Builds what a step view needs for the given step. */
  stepContext: (step: PathInfo['steps'][number]) => StepContext;
  headingRef: RefObject<HTMLHeadingElement | null>;
  notices?: ComponentChildren;
  /** For tests: a registry other than the app's. */
  findView?: (path: PathInfo['id'], step: string) => StepView | undefined;
}

export function Frame(props: FrameProps) {
  const { path, progress, busy, onGoTo, onBackToPaths, stepContext, headingRef, notices } = props;
  const steps = path.steps;
  const found = steps.findIndex((s) => s.id === progress.step);
  const index = found >= 0 ? found : 0;
  const step = steps[index];
  if (step === undefined) return null;
  const prev = index > 0 ? steps[index - 1] : undefined;
  const next = steps[index + 1];
  const View = step.available ? (props.findView ?? findStepView)(path.id, step.id) : undefined;

  const statusOf = (id: string): StepStatus => progress.step_status[id] ?? 'not-started';
  const go = (id: string) => {
    if (!busy && id !== step.id) onGoTo(id);
  };

  return (
    <div class="view view-frame" aria-busy={busy ? 'true' : 'false'}>
      <nav class="step-nav" aria-label="Steps">
        <p class="step-nav-heading">
          <span class="step-nav-letter">Path {path.letter}</span>
          <span class="step-nav-title">{path.title}</span>
        </p>
        <ol class="step-list" data-testid="step-list">
          {steps.map((s, i) => {
            const status = statusOf(s.id);
            const current = s.id === step.id;
            return (
              <li
                key={s.id}
                class={current ? 'step-item is-current' : 'step-item'}
                data-testid={`step-item-${s.id}`}
                data-status={status}
                aria-current={current ? 'step' : undefined}
              >
                <button
                  type="button"
                  class="step-link"
                  aria-current={current ? 'step' : undefined}
                  onClick={() => go(s.id)}
                >
                  <StatusIcon status={status} />
                  <span class="step-text">
                    <span class="step-title">
                      <span class="step-num">{i + 1}.</span> {s.title}
                    </span>
                    <span class="step-status">
                      {STATUS_TEXT[status]}
                      {!s.available && <span class="step-soon"> · not built yet</span>}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>

      <main class="frame-main">
        <StepSwitcher path={path} current={index} statusOf={statusOf} onGo={go} />
        <div class="scroll-area">
          <div class="content-inner">
            {notices}
            <p class="eyebrow">
              Step {index + 1} of {steps.length}
            </p>
            <h1 class="step-heading" data-testid="current-step-title" ref={headingRef} tabIndex={-1}>
              {step.title}
            </h1>
            {View !== undefined ? (
              <>
                <p class="lead">{step.summary}</p>
                <View ctx={stepContext(step)} />
              </>
            ) : (
              <StepPlaceholder
                step={step}
                path={path}
                progress={progress}
                onOpen={(link) => void stepContext(step).openLink(link)}
              />
            )}
          </div>
        </div>

        <div class="action-bar">
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="back-button"
            aria-disabled={busy ? 'true' : undefined}
            onClick={() => {
              if (busy) return;
              if (prev === undefined) onBackToPaths();
              else onGoTo(prev.id);
            }}
          >
            <ArrowLeftIcon size={18} />
            <span>{prev === undefined ? 'Back to paths' : `Back: ${prev.title}`}</span>
          </button>
          <SummaryButton />
          <div class="action-bar-end">
            <LeaveNote step={step} next={next} leaving={progress.leaving} />
            <button
              type="button"
              class="btn btn-primary"
              data-testid="next-button"
              disabled={next === undefined}
              aria-disabled={busy ? 'true' : undefined}
              onClick={() => {
                if (!busy && next !== undefined) onGoTo(next.id);
              }}
            >
              <span>{next === undefined ? 'Next' : `Next: ${next.title}`}</span>
              <ArrowRightIcon size={18} />
            </button>
          </div>
        </div>
      </main>
    </div>
  );
}
