// The parts the two Done steps share (paths A–C's Done, and path D's
// migration Done): what is still to do with a button to each step, "Keep
// the report" with its save and saved paths, and what to do next with a
// docs link each. Wording that differs is passed in.

import type { ComponentChildren } from 'preact';
import type { SavedReport } from '../api';
import type { LeftItem } from '../bindings/LeftItem';
import type { NextStep } from '../bindings/NextStep';
import type { StepContext } from '../steps/types';
import { CopyButton } from './copy-button';
import { AlertIcon, ExternalIcon, FileIcon, SaveIcon } from './icons';

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Almost there": what is left, each with a button to the step that does it. */
export function LeftToDo({
  left,
  stepTitle,
  onGo,
}: {
  left: LeftItem[];
  stepTitle: (step: string) => string;
  onGo: (step: string) => void;
}) {
  return (
    <section class="done-headline done-headline-left" data-testid="done-left" aria-labelledby="done-left-title">
      <AlertIcon size={28} class="done-headline-icon" />
      <div>
        <h2 class="done-headline-title" id="done-left-title">
          Almost there: {plural(left.length, 'thing is', 'things are')} still to do
        </h2>
        <ul class="done-left-list">
          {left.map((l) => (
            <li key={l.text} data-testid="done-left-item">
              <span>{l.text}</span>
              {l.step !== null && (
                <button
                  type="button"
                  class="btn btn-secondary btn-small"
                  data-testid={`done-go-${l.step}`}
                  onClick={() => l.step !== null && onGo(l.step)}
                >
                  Go to {stepTitle(l.step)}
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

/** "Keep the report": save it (again), open its folder, the paths saved. */
export function ReportSave({
  help,
  saving,
  saved,
  onSave,
  onOpenFolder,
  children,
}: {
  help: ComponentChildren;
  saving: boolean;
  saved: SavedReport | null;
  onSave: () => void;
  onOpenFolder: () => void;
  /** Shown last in the section (e.g. an error from saving). */
  children?: ComponentChildren;
}) {
  return (
    <section class="step-section" aria-labelledby="done-save-title" data-testid="done-save">
      <h2 class="group-title" id="done-save-title">
        Keep the report
      </h2>
      <p class="group-help">{help}</p>
      <div class="done-save-actions">
        <button
          type="button"
          class="btn btn-primary"
          data-testid="done-save-button"
          aria-disabled={saving ? 'true' : undefined}
          onClick={onSave}
        >
          <SaveIcon size={16} />
          <span>{saving ? 'Saving…' : saved === null ? 'Save the report' : 'Save it again'}</span>
        </button>
        {saved !== null && (
          <button type="button" class="btn btn-secondary" data-testid="done-open-folder" onClick={onOpenFolder}>
            <FileIcon size={16} />
            <span>Open the folder</span>
          </button>
        )}
      </div>
      {saved !== null && (
        <div role="status" class="done-saved" data-testid="done-saved">
          <p>Saved:</p>
          <p>
            <code data-testid="done-saved-markdown">{saved.markdown}</code>{' '}
            <CopyButton text={saved.markdown} label="Copy path" what="The Markdown file's path" testId="done-copy-markdown" />
          </p>
          <p>
            <code data-testid="done-saved-json">{saved.json}</code>{' '}
            <CopyButton text={saved.json} label="Copy path" what="The JSON file's path" testId="done-copy-json" />
          </p>
        </div>
      )}
      {children}
    </section>
  );
}

/** What to do next, each with its docs link (opened by intent). */
export function NextSteps({ title, next, ctx }: { title: string; next: NextStep[]; ctx: StepContext }) {
  return (
    <section class="step-section" aria-labelledby="done-next-title" data-testid="done-next">
      <h2 class="group-title" id="done-next-title">
        {title}
      </h2>
      <ol class="done-next-list">
        {next.map((n) => (
          <li key={n.text}>
            <p>{n.text}</p>
            <button
              type="button"
              class="btn btn-quiet btn-small inline-action"
              onClick={() => void ctx.openLink({ kind: 'docs', topic: n.doc.topic })}
            >
              <ExternalIcon size={16} />
              <span>{n.doc.label}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
