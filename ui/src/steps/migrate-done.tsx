// Path D's Done step (registry key `migrate/report`): seed 002's migration
// checklist with each step's state and why, as Rust works it out (what the
// wizard verified, or the admin's tick for what only happens in the Nylas
// dashboard — ticking saves it through Rust, which refuses a step it checks
// itself); then what is still left, what was set up, the report to save
// (Markdown + JSON, never a secret), the changes and what to do next.

import { useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError } from '../api';
import type { ChecklistEntry } from '../bindings/ChecklistEntry';
import type { ChecklistState } from '../bindings/ChecklistState';
import type { SetupReport } from '../bindings/SetupReport';
import { ChangeList } from '../components/change-list';
import { CopyValue } from '../components/copy-value';
import { LeftToDo, NextSteps, ReportSave, plural } from '../components/done-parts';
import { ErrorCard } from '../components/error-card';
import { useSetupReport } from '../components/use-setup-report';
import {
  AlertIcon,
  CheckCircleIcon,
  CircleIcon,
  ExternalIcon,
  InfoIcon,
} from '../components/icons';
import { lastAudit, lastClientId } from '../components/summary-panel';
import type { StepViewProps } from './types';
import '../styles/done.css';
import '../styles/migrate-done.css';

const STATE_WORDS: Record<ChecklistState, string> = {
  verified: 'Done — checked by the wizard',
  ticked: 'Done — you ticked it',
  'needs-attention': 'Needs attention',
  'to-do': 'To do',
  optional: 'Optional',
};

function StateIcon({ state }: { state: ChecklistState }) {
  if (state === 'verified' || state === 'ticked') return <CheckCircleIcon size={18} />;
  if (state === 'needs-attention') return <AlertIcon size={18} />;
  if (state === 'optional') return <InfoIcon size={18} />;
  return <CircleIcon size={18} />;
}

interface ItemProps {
  entry: ChecklistEntry;
  stepTitle: (step: string) => string;
  busy: boolean;
  onTick: (entry: ChecklistEntry, done: boolean) => void;
  onGo: (step: string) => void;
  onOpen: (entry: ChecklistEntry) => void;
}

function ChecklistRow({ entry: e, stepTitle, busy, onTick, onGo, onOpen }: ItemProps) {
  const done = e.state === 'verified' || e.state === 'ticked';
  return (
    <li class={`migrate-check migrate-check-${e.state}`} data-testid={`checklist-${e.item}`} data-state={e.state}>
      <span class="migrate-check-icon">
        <StateIcon state={e.state} />
      </span>
      <div class="migrate-check-body">
        <p class="migrate-check-title">
          {e.number !== null && <span class="migrate-check-number">{e.number}.</span>} {e.title}
        </p>
        <p class="migrate-check-state" data-testid={`checklist-${e.item}-state`}>
          {STATE_WORDS[e.state]}
        </p>
        <p class="migrate-check-why" data-testid={`checklist-${e.item}-why`}>
          {e.why}
        </p>
        <div class="migrate-check-actions">
          {e.tickable && (
            <label class="check-option">
              <input
                type="checkbox"
                checked={e.state === 'ticked'}
                aria-disabled={busy ? 'true' : undefined}
                onChange={(ev) => {
                  const box = ev.target as HTMLInputElement;
                  if (busy) {
                    box.checked = e.state === 'ticked';
                    return;
                  }
                  onTick(e, box.checked);
                }}
                data-testid={`checklist-${e.item}-tick`}
              />
              <span>I’ve done this</span>
            </label>
          )}
          {e.link !== null && (
            <button
              type="button"
              class="btn btn-quiet btn-small inline-action"
              data-testid={`checklist-${e.item}-link`}
              onClick={() => onOpen(e)}
            >
              <ExternalIcon size={16} />
              <span>{e.link.label}</span>
            </button>
          )}
          {e.step !== null && !done && (
            <button
              type="button"
              class="btn btn-secondary btn-small"
              data-testid={`checklist-${e.item}-go`}
              onClick={() => e.step !== null && onGo(e.step)}
            >
              Go to {stepTitle(e.step)}
            </button>
          )}
        </div>
      </div>
    </li>
  );
}

/** What path D set up, from the report's records. */
function SetUp({ report }: { report: SetupReport }) {
  const scopes = report.migrate_scopes;
  const app = report.nylas_application;
  const accounts = report.migrate_accounts;
  return (
    <ul class="done-facts" data-testid="migrate-done-facts">
      <li>
        <strong>Permissions for v3</strong>
        {scopes === null ? (
          <span class="done-fact-note">Your v2 scopes haven’t been translated yet.</span>
        ) : (
          <span class="done-fact-note">
            From your v2 scopes {scopes.v2_scopes.join(', ')}: {scopes.scopes.join(', ')}.
          </span>
        )}
      </li>
      <li>
        <strong>New Azure app</strong>
        {report.answers.client_id !== null ? (
          <>
            {' '}
            <CopyValue value={report.answers.client_id} label="Application (client) ID" />
          </>
        ) : (
          <span class="done-fact-note">No Application (client) ID given yet.</span>
        )}
      </li>
      <li>
        <strong>Nylas v3 application</strong>
        {app === null ? (
          <span class="done-fact-note">Your API key hasn’t been checked yet.</span>
        ) : (
          <>
            {' '}
            <CopyValue value={app.application_id} label="Nylas application ID" />
          </>
        )}
      </li>
      <li>
        <strong>Your v2 accounts</strong>
        <span class="done-fact-note" data-testid="migrate-done-accounts">
          {accounts === null
            ? 'No exported account list has been sorted yet.'
            : `${plural(accounts.total, 'account', 'accounts')} sorted; ${accounts.reauth} must sign in again.`}
        </span>
      </li>
    </ul>
  );
}

export function MigrateDoneStep({ ctx }: StepViewProps) {
  const { report, setReport, changes, loading, error, load, saving, saved, save, actionError, setActionError, goTo, title } =
    useSetupReport(ctx);
  const [ticking, setTicking] = useState(false);

  const tick = async (entry: ChecklistEntry, done: boolean) => {
    if (ticking) return;
    setTicking(true);
    setActionError(null);
    try {
      const view = await api.tickMigrateItem(entry.item, done, lastAudit());
      ctx.applyProgress(view.progress);
      // What is left follows from the tick: the report says it again.
      setReport(await api.setupReport(lastClientId(), lastAudit()));
    } catch (e) {
      setActionError(toWizardError(e));
    } finally {
      setTicking(false);
    }
  };

  if (report === null || report.migrate_checklist === null) {
    return (
      <div class="done-step" data-testid="migrate-done-step">
        {loading && (
          <p role="status" class="muted" data-testid="done-checking">
            Putting your migration checklist together…
          </p>
        )}
        {error !== null && <ErrorCard error={error} onRetry={() => void load()} busy={loading} />}
      </div>
    );
  }

  const list = report.migrate_checklist;
  const left = report.left;
  return (
    <div class="done-step" data-testid="migrate-done-step">
      {report.complete ? (
        <section class="done-headline done-headline-ok" data-testid="done-complete" role="status">
          <CheckCircleIcon size={28} class="done-headline-icon" />
          <div>
            <h2 class="done-headline-title">Your move to Nylas v3 is done</h2>
            <p>Every step of the migration is checked or ticked. Keep the report below for your records.</p>
          </div>
        </section>
      ) : (
        <LeftToDo left={left} stepTitle={title} onGo={(step) => void goTo(step)} />
      )}

      <section class="step-section" aria-labelledby="migrate-checklist-title" data-testid="migrate-checklist">
        <h2 class="group-title" id="migrate-checklist-title">
          Migration checklist
        </h2>
        <p class="group-help" data-testid="migrate-checklist-count">
          {list.done} of {list.needed} needed steps done. The wizard marks what it checked itself; tick what you did in
          the Nylas dashboard, which the wizard can’t see.
        </p>
        {report.practice && (
          <p class="field-hint">Practice mode: these ticks are kept with the practice progress only.</p>
        )}
        <ol class="migrate-checklist">
          {list.items.map((e) => (
            <ChecklistRow
              key={e.item}
              entry={e}
              stepTitle={title}
              busy={ticking}
              onTick={(entry, done) => void tick(entry, done)}
              onGo={(step) => void goTo(step)}
              onOpen={(entry) => entry.link !== null && void ctx.openLink({ kind: 'docs', topic: entry.link.topic })}
            />
          ))}
        </ol>
        {actionError !== null && <ErrorCard error={actionError} onDismiss={() => setActionError(null)} />}
      </section>

      <section class="step-section" aria-labelledby="done-setup-title">
        <h2 class="group-title" id="done-setup-title">
          What was set up
        </h2>
        <SetUp report={report} />
      </section>

      <ReportSave
        help="A Markdown file with the checklist, to read or attach to a change ticket, and the same as JSON for tools. It never contains a secret: only where your client secret and API key are kept."
        saving={saving}
        saved={saved}
        onSave={() => void save()}
        onOpenFolder={() => void api.openReportFolder().catch((e: unknown) => setActionError(toWizardError(e)))}
      />

      <section class="step-section" aria-labelledby="done-changes-title" data-testid="done-changes">
        <h2 class="group-title" id="done-changes-title">
          Changes made, and how to undo them
        </h2>
        {changes === null || changes.length === 0 ? (
          <p class="group-help" data-testid="done-no-changes">
            The wizard changed nothing in Microsoft or Nylas in this run.
          </p>
        ) : (
          <ChangeList changes={changes} testId="done-change-list" />
        )}
      </section>

      <NextSteps title="What to do next" next={report.next} ctx={ctx} />
    </div>
  );
}
