// Done (the last step of paths A, B and C): what was set up, in plain words
// (on path A read again from Nylas by Rust when the step opens; on B and C
// from what each step recorded, in done-v2.tsx); one calm "you're done" when
// nothing is left, else honestly what is still missing, each with a way back
// to its step. Then: save the report (Markdown + JSON, never a secret), the
// changes made with how to undo them, and what to do next in your own app.

import * as api from '../api';
import { toWizardError } from '../api';
import type { Region } from '../bindings/Region';
import type { SetupReport } from '../bindings/SetupReport';
import { ChangeList } from '../components/change-list';
import { CopyValue } from '../components/copy-value';
import { LeftToDo, NextSteps, ReportSave, plural } from '../components/done-parts';
import { ErrorCard } from '../components/error-card';
import { useSetupReport } from '../components/use-setup-report';
import { AlertIcon, CheckCircleIcon, CheckIcon } from '../components/icons';
import { V2SetUp, completeWords } from './done-v2';
import type { StepViewProps } from './types';
import '../styles/done.css';

const REGION_WORDS: Record<Region, string> = { us: 'US', eu: 'EU' };

/** The facts of what was set up, one line each. */
function SetUp({ report }: { report: SetupReport }) {
  const a = report.answers;
  const app = report.nylas_application;
  const configure = report.configure;
  const signIn = report.test_sign_in;
  const audit = report.audit;
  return (
    <ul class="done-facts" data-testid="done-facts">
      <li data-testid="done-fact-azure">
        <strong>Azure app</strong>
        {a.client_id !== null ? (
          <>
            {' '}
            <CopyValue value={a.client_id} label="Application (client) ID" />
          </>
        ) : (
          ': no Application (client) ID given'
        )}
        {a.tenant !== null && <span class="done-fact-note">In the tenant {a.tenant}.</span>}
        {audit !== null && (
          <span class="done-fact-note">
            {audit.fail === 0
              ? 'Its last check found nothing to fix.'
              : `Its last check found ${plural(audit.fail, 'thing', 'things')} to fix.`}
          </span>
        )}
        <span class="done-fact-note">
          {plural(a.scopes.length, 'permission', 'permissions')} for what your app does
          {a.features.length > 0 ? `: ${a.features.join(', ')}` : ''}.
        </span>
      </li>
      <li data-testid="done-fact-nylas">
        <strong>Nylas application</strong>
        {app !== null ? (
          <>
            {' '}
            {app.name !== null && <span>{app.name} </span>}
            <CopyValue value={app.application_id} label="Nylas application ID" />
            <span class="done-fact-note">In the {REGION_WORDS[app.region]} region.</span>
          </>
        ) : (
          ': your API key hasn’t been checked yet.'
        )}
      </li>
      <li data-testid="done-fact-configure">
        <strong>Microsoft connector and callback URIs</strong>
        {configure === null ? (
          <span class="done-fact-note">Not checked: Configure Nylas hasn’t been done yet.</span>
        ) : (
          <ul class="done-configure">
            {configure.steps.map((s) => {
              const ok = s.outcome === 'already_done' || s.outcome === 'created' || s.outcome === 'updated';
              return (
                <li key={s.key} class={ok ? 'done-ok-line' : 'done-todo-line'} data-outcome={s.outcome}>
                  {ok ? <CheckIcon size={16} /> : <AlertIcon size={16} />}
                  <span>
                    <span class="visually-hidden">{ok ? 'In place: ' : 'Still to do: '}</span>
                    {s.summary}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </li>
      <li data-testid="done-fact-sign-in">
        <strong>Test sign-in</strong>
        {signIn === null ? (
          <span class="done-fact-note">No test account has signed in yet.</span>
        ) : (
          <>
            {' '}
            <code>{signIn.email}</code>
            <span class="done-fact-note">
              {signIn.grant_status === 'valid' ? 'Nylas has a valid grant for it' : `Its grant is ${signIn.grant_status}`}
              {signIn.scopes_missing.length === 0
                ? ', with every permission it asked for.'
                : `, without ${signIn.scopes_missing.join(', ')}.`}
            </span>
          </>
        )}
      </li>
    </ul>
  );
}

export function DoneStep({ ctx }: StepViewProps) {
  const { report, changes, loading, error, load, saving, saved, save, actionError, setActionError, goTo, title } =
    useSetupReport(ctx);

  const openFolder = async () => {
    try {
      await api.openReportFolder();
      setActionError(null);
    } catch (e) {
      setActionError(toWizardError(e));
    }
  };

  const onV2 = ctx.path.id === 'teams' || ctx.path.id === 'v2-events';

  if (report === null) {
    return (
      <div class="done-step" data-testid="done-step">
        {loading && (
          <p role="status" class="muted" data-testid="done-checking">
            {onV2 ? 'Putting your report together…' : 'Checking your setup with Nylas…'}
          </p>
        )}
        {error !== null && <ErrorCard error={error} onRetry={() => void load()} busy={loading} />}
      </div>
    );
  }

  const left = report.left;
  const words = completeWords(report.path);
  return (
    <div class="done-step" data-testid="done-step">
      {report.complete ? (
        <section class="done-headline done-headline-ok" data-testid="done-complete" role="status">
          <CheckCircleIcon size={28} class="done-headline-icon" />
          <div>
            <h2 class="done-headline-title">{words.title}</h2>
            <p>{words.body}</p>
          </div>
        </section>
      ) : (
        <LeftToDo left={left} stepTitle={title} onGo={(step) => void goTo(step)} />
      )}

      <section class="step-section" aria-labelledby="done-setup-title">
        <h2 class="group-title" id="done-setup-title">
          What was set up
        </h2>
        {report.practice && (
          <p class="field-hint">Practice mode: this is the built-in practice tenant, not your own.</p>
        )}
        {onV2 ? <V2SetUp report={report} /> : <SetUp report={report} />}
      </section>

      <ReportSave
        help={
          <>
            A Markdown file to read or attach to a change ticket, and the same as JSON for tools. It never contains a
            secret: only where your {onV2 ? 'client secrets are' : 'client secret and API key are'} kept.
          </>
        }
        saving={saving}
        saved={saved}
        onSave={() => void save()}
        onOpenFolder={() => void openFolder()}
      >
        {actionError !== null && <ErrorCard error={actionError} onDismiss={() => setActionError(null)} />}
      </ReportSave>

      <section class="step-section" aria-labelledby="done-changes-title" data-testid="done-changes">
        <h2 class="group-title" id="done-changes-title">
          Changes made, and how to undo them
        </h2>
        {changes === null || changes.length === 0 ? (
          <p class="group-help" data-testid="done-no-changes">
            The wizard changed nothing in Microsoft or Nylas in this run.
          </p>
        ) : (
          <>
            <p class="group-help">
              Each change says how to reverse it by hand, should you ever need to. Nothing here needs undoing.
            </p>
            <ChangeList changes={changes} testId="done-change-list" />
          </>
        )}
      </section>

      <NextSteps title="What to do next in your own app" next={report.next} ctx={ctx} />
    </div>
  );
}
