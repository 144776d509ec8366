// Below ~1000 px wide the step list folds into one line, "Step 3 of 8 ·
// Azure app ▾", that opens the same list (issue 17, point 13). Statuses are
// shown in words and icons, as in the full list.

import { useRef } from 'preact/hooks';
import type { PathInfo } from '../bindings/PathInfo';
import type { StepStatus } from '../bindings/StepStatus';
import { ChevronIcon } from '../components/icons';
import { STATUS_TEXT, StatusIcon } from '../components/status-icon';

interface StepSwitcherProps {
  path: PathInfo;
  current: number;
  statusOf: (id: string) => StepStatus;
  onGo: (id: string) => void;
}

export function StepSwitcher({ path, current, statusOf, onGo }: StepSwitcherProps) {
  const ref = useRef<HTMLDetailsElement>(null);
  const step = path.steps[current];
  if (step === undefined) return null;
  return (
    <details class="step-switcher" ref={ref} data-testid="step-switcher">
      <summary data-testid="step-switcher-summary">
        <span>
          Step {current + 1} of {path.steps.length} · {step.title}
        </span>
        <ChevronIcon size={16} class="chevron" />
      </summary>
      <ol class="step-switcher-list" aria-label={`Steps of path ${path.letter}`}>
        {path.steps.map((s, i) => {
          const status = statusOf(s.id);
          return (
            <li key={s.id}>
              <button
                type="button"
                class="step-switcher-item"
                aria-current={i === current ? 'step' : undefined}
                data-testid={`switch-item-${s.id}`}
                onClick={() => {
                  if (ref.current !== null) ref.current.open = false;
                  onGo(s.id);
                }}
              >
                <StatusIcon status={status} size={16} />
                <span>
                  {i + 1}. {s.title}
                </span>
                <span class="step-switcher-status">
                  {STATUS_TEXT[status]}
                  {!s.available && ' · not built yet'}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </details>
  );
}
