// The honest panel for a step that is not built in this version (issue 17,
// point 3: no dead ends): what the step will do, what this version has
// covered so far, and what to do next by hand, with the documentation. The
// words come from Rust (paths.rs); nothing here pretends to work.

import type { OpenLink } from '../api';
import type { PathInfo } from '../bindings/PathInfo';
import type { ProgressView } from '../bindings/ProgressView';
import type { StepInfo } from '../bindings/StepInfo';
import { CopyValue } from '../components/copy-value';
import { ExternalIcon, WrenchIcon } from '../components/icons';
import { STATUS_TEXT, StatusIcon } from '../components/status-icon';

interface StepPlaceholderProps {
  step: StepInfo;
  /** With the path and progress, the panel says what this version covered. */
  path?: PathInfo;
  progress?: ProgressView;
  /** Opens a documentation page in the browser (by topic, never a URL). */
  onOpen?: (link: OpenLink) => void;
}

export function StepPlaceholder({ step, path, progress, onOpen }: StepPlaceholderProps) {
  const built = path?.steps.filter((s) => s.available) ?? [];
  return (
    <section class="not-built" data-testid="not-built" aria-labelledby="not-built-title">
      <WrenchIcon size={22} class="not-built-icon" />
      <div>
        <h2 class="not-built-title" id="not-built-title">
          This version can't do this step yet: here is how to do it by hand
        </h2>
        <p class="not-built-label">What this step is for:</p>
        <p class="not-built-summary">{step.summary}</p>

        {path !== undefined && (
          <>
            <p class="not-built-label">What this version has covered on this path:</p>
            {built.length === 0 ? (
              <p data-testid="not-built-covered">Nothing yet: no step of this path is built in this version.</p>
            ) : (
              <ul class="covered-list" data-testid="not-built-covered">
                {built.map((s) => {
                  const status = progress?.step_status[s.id] ?? 'not-started';
                  return (
                    <li key={s.id}>
                      <StatusIcon status={status} size={16} />
                      <span>
                        {s.title}: {STATUS_TEXT[status]}
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </>
        )}

        {step.by_hand.length > 0 && (
          <>
            <p class="not-built-label">What to do next by hand:</p>
            <ol class="by-hand-list" data-testid="not-built-by-hand">
              {step.by_hand.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ol>
          </>
        )}
        {step.docs.length > 0 && (
          <>
            <p class="not-built-label">Where it is documented:</p>
            <ul class="docs-list" data-testid="not-built-docs">
              {step.docs.map((d) => (
                <li key={d.url}>
                  {onOpen !== undefined ? (
                    <button
                      type="button"
                      class="btn btn-quiet btn-small inline-action"
                      data-testid="not-built-doc-open"
                      onClick={() => onOpen({ kind: 'docs', topic: d.topic })}
                    >
                      <ExternalIcon size={16} />
                      <span>Open {d.label}</span>
                    </button>
                  ) : (
                    <span class="docs-label">{d.label}</span>
                  )}
                  <CopyValue value={d.url} label={`${d.label} address`} />
                </li>
              ))}
            </ul>
          </>
        )}
        <p class="muted">
          Nothing on this screen talks to Microsoft or Nylas. You can look at the other steps with Next and Back, or
          choose another path.
        </p>
      </div>
    </section>
  );
}
