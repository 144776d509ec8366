// Path E, Done: what the tenants, consent and mailboxes steps recorded (the
// counts Rust keeps in the progress, never an address), each with a way
// back when something is left; the report to save (Markdown + JSON: each
// tenant's credential and consent, each mailbox's grant or why it failed,
// never a secret) and what to do next, both as Rust writes them.

import * as api from '../api';
import { toWizardError } from '../api';
import type { BulkRunRecord } from '../bindings/BulkRunRecord';
import { NextSteps, ReportSave } from '../components/done-parts';
import { ErrorCard } from '../components/error-card';
import { StatusIcon } from '../components/status-icon';
import { useSetupReport } from '../components/use-setup-report';
import type { StepViewProps } from './types';
import '../styles/bulk.css';
import '../styles/done.css';

function runText(r: BulkRunRecord | null, one: string, many: string): string {
  if (r === null) return 'Not done yet.';
  const done = r.created + r.reused;
  const what = r.total === 1 ? one : many;
  let text = `${done} of ${r.total} ${what} done (${r.created} new, ${r.reused} already there)`;
  if (r.failed > 0) text += `, ${r.failed} failed`;
  if (r.cancelled) text += ', stopped before the end';
  return `${text}.`;
}

export function BulkDoneStep({ ctx }: StepViewProps) {
  const b = ctx.session.progress.answers.bulk;
  const status = ctx.session.progress.step_status;
  const title = (id: string) => ctx.path.steps.find((s) => s.id === id)?.title ?? id;
  const rows = [
    { id: 'tenants', text: runText(b.credentials, 'tenant', 'tenants') },
    {
      id: 'consent',
      text:
        b.consent === null
          ? 'Not done yet.'
          : `${b.consent.consented} of ${b.consent.total} ${b.consent.total === 1 ? 'tenant has' : 'tenants have'} given admin consent.`,
    },
    { id: 'grants', text: runText(b.grants, 'mailbox', 'mailboxes') },
  ];
  const allDone = rows.every((r) => status[r.id] === 'done');
  const { report, error, loading, load, saving, saved, save, actionError, setActionError, goTo } = useSetupReport(ctx);
  return (
    <div class="bulk-done-step" data-testid="bulk-done">
      <section class="step-section" aria-labelledby="bulk-done-headline">
        <h2 class="group-title" id="bulk-done-headline" data-testid="bulk-done-headline">
          {allDone ? 'Your mailboxes are connected' : 'Some of it is still to do'}
        </h2>
        <ul class="covered-list bulk-done-list" data-testid="bulk-done-facts">
          {rows.map((r) => {
            const s = status[r.id] ?? 'not-started';
            return (
              <li key={r.id} data-testid={`bulk-done-${r.id}`}>
                <StatusIcon status={s} size={16} />
                <span>
                  <strong>{title(r.id)}:</strong> {r.text}
                </span>
                {s !== 'done' && (
                  <button type="button" class="btn btn-secondary btn-small" onClick={() => void goTo(r.id)}>
                    Go to {title(r.id)}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <ReportSave
        help="A Markdown file with each tenant's admin-consent credential and consent and each mailbox's grant (or why it failed), to read or attach to a change ticket, and the same as JSON for tools. It never contains a secret: only where your API key is kept."
        saving={saving}
        saved={saved}
        onSave={() => void save()}
        onOpenFolder={() => void api.openReportFolder().catch((e: unknown) => setActionError(toWizardError(e)))}
      >
        {actionError !== null && <ErrorCard error={actionError} onDismiss={() => setActionError(null)} />}
      </ReportSave>
      {error !== null && <ErrorCard error={error} onRetry={() => void load()} busy={loading} />}
      {report !== null && <NextSteps title="What to do next" next={report.next} ctx={ctx} />}
    </div>
  );
}
