// "I'm not the Global Admin — ask someone": the email-ready request Rust
// builds for the person who can add the permissions and grant consent,
// with Copy and "Open in my mail app" (a mailto: link built in Rust).

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { WizardApiError, toWizardError } from '../api';
import type { AuditReport } from '../bindings/AuditReport';
import type { HandoffEmail } from '../bindings/HandoffEmail';
import { writeClipboard } from './copy-value';
import { ErrorCard } from './error-card';
import { CheckIcon, CopyIcon, ExternalIcon } from './icons';
import { Panel, lastClientId, rememberAudit } from './summary-panel';

export function HandoffPanel({ onClose }: { onClose: () => void }) {
  const [email, setEmail] = useState<HandoffEmail | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const to = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    api
      .globalAdminRequest(lastClientId())
      .then((e) => live && setEmail(e))
      .catch((e: unknown) => live && setError(toWizardError(e)));
    return () => {
      live = false;
    };
  }, []);

  const copy = async () => {
    if (email === null) return;
    const ok = await writeClipboard(`Subject: ${email.subject}\n\n${email.body}`);
    setCopied(ok ? 'copied' : 'failed');
  };

  const mail = () => {
    const typed = to.current?.value.trim() ?? '';
    api
      .openGlobalAdminMail(lastClientId(), typed === '' ? null : typed)
      .then(() => setError(null))
      .catch((e: unknown) => setError(toWizardError(e)));
  };

  return (
    <Panel title="Ask your Global Admin" testId="handoff-panel" onClose={onClose}>
      <p>
        Only a Global Administrator (or a Cloud Application Administrator) can approve the permissions for everyone. Send
        them this request: it says what to add and why, and has the approval link for your organization. It contains no
        secrets.
      </p>
      {email === null && error === null && <p class="muted">Preparing the request…</p>}
      {email !== null && (
        <>
          <p class="field-label">Subject</p>
          <p data-testid="handoff-subject">{email.subject}</p>
          <p class="field-label">Message</p>
          <pre class="handoff-body" data-testid="handoff-body" tabIndex={0}>
            {email.body}
          </pre>
          <label class="field-label" for="handoff-to">
            Their email address (optional)
          </label>
          <input
            id="handoff-to"
            ref={to}
            type="email"
            class="text-input"
            data-testid="handoff-to"
            autocomplete="off"
            placeholder="admin@contoso.com"
          />
          <div class="dialog-actions">
            <button type="button" class="btn btn-secondary" data-testid="handoff-copy" onClick={() => void copy()}>
              {copied === 'copied' ? <CheckIcon size={16} /> : <CopyIcon size={16} />}
              <span>{copied === 'copied' ? 'Copied' : 'Copy email'}</span>
            </button>
            <button type="button" class="btn btn-primary" data-testid="handoff-mail" onClick={mail}>
              <ExternalIcon size={16} />
              <span>Open in my mail app</span>
            </button>
          </div>
          <p class="visually-hidden" role="status">
            {copied === 'copied'
              ? 'The email was copied'
              : copied === 'failed'
                ? "The email couldn't be copied; select the text and copy it yourself."
                : ''}
          </p>
          <p class="muted small">
            When they reply “done”, check the app again here; or they can send you the app's manifest to check.
          </p>
        </>
      )}
      {error !== null && <ErrorCard error={error} />}
    </Panel>
  );
}

/** The link on the Azure app step; `report` is the manifest check on screen. */
export function HandoffLink({ report }: { report: AuditReport | null }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  // The summary and the request use the checked app's client ID.
  useEffect(() => rememberAudit(report), [report]);
  return (
    <p class="handoff-link">
      <button
        ref={button}
        type="button"
        class="link-button"
        data-testid="handoff-link"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        I'm not the Global Admin — ask someone
      </button>
      {open && (
        <HandoffPanel
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </p>
  );
}
