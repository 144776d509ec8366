// The audit's result: a summary line, then the findings grouped as Needs
// fixing, Worth a look, and All good (folded). Each finding says what is
// wrong, why it matters and how to fix it, with the exact Azure portal page.

import type { Ref } from 'preact';
import { useState } from 'preact/hooks';
import type { OpenLink } from '../api';
import type { AuditReport } from '../bindings/AuditReport';
import type { Finding } from '../bindings/Finding';
import type { FindingStatus } from '../bindings/FindingStatus';
import type { Summary } from '../bindings/Summary';
import { CHECK_NAMES } from '../check-names';
import { CopyButton } from '../components/copy-button';
import { FINDING_STATUS_TEXT, FindingStatusIcon, FindingStatusLabel } from '../components/finding-status';
import { ChevronIcon, ExternalIcon, ShieldIcon } from '../components/icons';
import { RichText } from '../components/rich-text';
import { Term } from '../components/term';
import { FindingDetails } from './finding-details';

/** "2 things need fixing, 1 is worth a look and 10 are fine." */
export function summaryText(s: Summary): string {
  const parts: string[] = [];
  parts.push(s.fail === 0 ? 'Nothing needs fixing' : s.fail === 1 ? '1 thing needs fixing' : `${s.fail} things need fixing`);
  if (s.warn > 0) parts.push(s.warn === 1 ? '1 is worth a look' : `${s.warn} are worth a look`);
  parts.push(s.pass === 1 ? '1 is fine' : `${s.pass} are fine`);
  const last = parts.pop() as string;
  return `${parts.join(', ')} and ${last}.`;
}

const PATH_LABEL: Record<AuditReport['path'], string> = {
  v3: 'Nylas v3',
  teams: 'Microsoft Teams meetings',
  'v2-events': 'Nylas v2 Graph events',
};

interface CardProps {
  finding: Finding;
  onOpen: (link: OpenLink) => void;
  /** Takes the admin to the tenant field (a single-tenant admin-consent link needs it). */
  onAskTenant?: () => void;
}

export function FindingCard({ finding: f, onOpen, onAskTenant }: CardProps) {
  const titleId = `finding-${f.check}-title`;
  return (
    <article
      class={`finding finding-${f.status}`}
      data-testid={`finding-${f.check}`}
      data-status={f.status}
      aria-labelledby={titleId}
    >
      <div class="finding-head">
        <FindingStatusLabel status={f.status} />
        <span class="finding-check">
          {f.check === 'admin_consent' ? (
            <Term term="admin_consent" onOpen={onOpen}>
              {CHECK_NAMES[f.check]}
            </Term>
          ) : (
            CHECK_NAMES[f.check]
          )}
        </span>
      </div>
      <h4 class="finding-title" id={titleId}>
        {f.title}
      </h4>
      <p class="finding-why">
        <RichText text={f.explanation} />
      </p>
      {f.fix !== null && (
        <div class="finding-fix" data-testid="finding-fix">
          <p class="fix-label">How to fix</p>
          <p class="fix-text">
            <RichText text={f.fix} />
          </p>
          <FindingDetails finding={f} onOpen={onOpen} onAskTenant={onAskTenant} />
          {f.safety !== null && (
            <p class="fix-safety" data-testid="finding-safety">
              <ShieldIcon size={16} />
              <span>
                <strong>Is it safe? </strong>
                {f.safety}
              </span>
            </p>
          )}
        </div>
      )}
      {f.ignore_when !== null && (
        <p class="finding-ignore" data-testid="finding-ignore">
          {f.ignore_when}
        </p>
      )}
      <div class="finding-actions">
        <button
          type="button"
          class={f.status === 'pass' ? 'btn btn-quiet btn-small' : 'btn btn-secondary btn-small'}
          data-testid="open-portal-button"
          aria-describedby={titleId}
          onClick={() => onOpen({ kind: 'portal', page: f.portal })}
        >
          <ExternalIcon size={16} />
          <span>Open in Azure portal</span>
        </button>
        {f.fix !== null && (
          <CopyButton
            text={[f.title, f.fix, f.safety].filter((x) => x !== null).join('\n')}
            label="Copy instructions"
            what="The instructions"
          />
        )}
      </div>
      {f.status !== 'pass' && (
        <details class="support-details" data-testid="finding-support">
          <summary>Details for support</summary>
          <p>
            Check: <code>{f.check}</code>
          </p>
          {f.prevents.length > 0 && <p class="finding-codes">Prevents sign-in errors {f.prevents.join(', ')}</p>}
        </details>
      )}
    </article>
  );
}

interface GroupProps {
  status: FindingStatus;
  findings: Finding[];
  onOpen: (link: OpenLink) => void;
  onAskTenant?: () => void;
}

function Group({ status, findings, onOpen, onAskTenant }: GroupProps) {
  const [open, setOpen] = useState(status !== 'pass');
  if (findings.length === 0) return null;
  const id = `group-${status}`;
  const heading = (
    <>
      <FindingStatusIcon status={status} />
      <span>{FINDING_STATUS_TEXT[status]}</span>
      <span class="group-count">({findings.length})</span>
    </>
  );
  return (
    <section class={`finding-group group-${status}`} data-testid={`finding-group-${status}`} aria-labelledby={`${id}-title`}>
      {status === 'pass' ? (
        <h3 class="finding-group-title" id={`${id}-title`}>
          <button
            type="button"
            class="group-toggle"
            aria-expanded={open ? 'true' : 'false'}
            aria-controls={`${id}-list`}
            data-testid="toggle-passed"
            onClick={() => setOpen(!open)}
          >
            <ChevronIcon size={18} class={open ? 'chevron is-open' : 'chevron'} />
            {heading}
            <span class="toggle-word">{open ? 'Hide' : 'Show'}</span>
          </button>
        </h3>
      ) : (
        <h3 class="finding-group-title" id={`${id}-title`}>
          {heading}
        </h3>
      )}
      {open && (
        <div class="finding-list" id={`${id}-list`}>
          {findings.map((f) => (
            <FindingCard key={f.check} finding={f} onOpen={onOpen} onAskTenant={onAskTenant} />
          ))}
        </div>
      )}
    </section>
  );
}

interface ResultsProps {
  report: AuditReport;
  /** Where the manifest came from (a file name), or null when pasted. */
  source: string | null;
  onOpen: (link: OpenLink) => void;
  headingRef: Ref<HTMLHeadingElement>;
  /** Takes the admin to the tenant field, when a finding asks for the tenant. */
  onAskTenant?: () => void;
  /** The results are from before a fix (or a check is running): dimmed
   *  and labelled, so they never pass for current. */
  stale?: boolean;
  /** "I've fixed it — check again": asks for the updated manifest. */
  onRecheck?: () => void;
}

export function AuditResults({ report, source, onOpen, headingRef, onAskTenant, stale = false, onRecheck }: ResultsProps) {
  const by = (s: FindingStatus) => report.findings.filter((f) => f.status === s);
  const name = report.display_name ?? 'your app';
  const tenancy = report.tenancy === 'single' ? 'people in one organization' : 'people from any organization';
  return (
    <section
      class={stale ? 'audit-results is-stale' : 'audit-results'}
      aria-labelledby="audit-title"
      aria-describedby={stale ? 'audit-stale-note' : undefined}
      data-testid="audit-results"
      data-stale={stale ? 'true' : 'false'}
    >
      <div class="results-head">
        <h2 class="results-title" id="audit-title" ref={headingRef} tabIndex={-1}>
          What we found in {report.display_name !== null ? `“${name}”` : name}
        </h2>
        {onRecheck !== undefined && (
          <button
            type="button"
            class="btn btn-secondary btn-small"
            data-testid="recheck-button"
            aria-describedby="audit-title"
            onClick={onRecheck}
          >
            I've fixed it — check again
          </button>
        )}
      </div>
      {stale && (
        <p class="stale-note" id="audit-stale-note" data-testid="audit-stale-note" role="status">
          These results are from before your fix. They update when you check the new manifest.
        </p>
      )}
      <p class="audit-summary" data-testid="audit-summary">
        {summaryText(report.summary)}
      </p>
      <p class="muted small">
        Checked {source !== null ? <code>{source}</code> : 'the pasted manifest'} for {PATH_LABEL[report.path]} in the{' '}
        {report.region.toUpperCase()} region, for {tenancy}.
      </p>
      {report.notes.length > 0 && (
        <details class="support-details" data-testid="report-support">
          <summary>Details for support: about the file</summary>
          <ul class="report-notes" aria-label="About the file">
            {report.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      )}
      <Group status="fail" findings={by('fail')} onOpen={onOpen} onAskTenant={onAskTenant} />
      <Group status="warn" findings={by('warn')} onOpen={onOpen} onAskTenant={onAskTenant} />
      <Group status="pass" findings={by('pass')} onOpen={onOpen} onAskTenant={onAskTenant} />
    </section>
  );
}
