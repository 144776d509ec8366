// The honest panel for a step that is not built in this version: what it
// will do, and nothing pretending to work.

import type { StepInfo } from '../bindings/StepInfo';
import { WrenchIcon } from '../components/icons';

export function StepPlaceholder({ step }: { step: StepInfo }) {
  return (
    <section class="not-built" data-testid="not-built" aria-labelledby="not-built-title">
      <WrenchIcon size={22} class="not-built-icon" />
      <div>
        <h2 class="not-built-title" id="not-built-title">
          This step isn't built yet in this version
        </h2>
        <p class="not-built-label">When it's ready, this step will:</p>
        <p class="not-built-summary">{step.summary}</p>
        <p class="muted">
          Nothing on this screen talks to Microsoft or Nylas. You can look at the other steps with Next and Back, or
          choose another path.
        </p>
      </div>
    </section>
  );
}
