// Path E, Admin consent (issue 12, point 3): one link per tenant's
// credential. For the tenant being done now, the wizard opens the link in
// the browser and notices when the admin comes back (loopback); for the
// others, the links are saved as CSV for their admins, and an address the
// browser came back to can be pasted. A refusal is explained (Diagnose).

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { type ConsentLinkView, type ConsentView, type WizardApiError, toWizardError } from '../api';
import { Callout } from '../components/callout';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';
import { ExternalIcon } from '../components/icons';
import type { StepViewProps } from './types';
import '../styles/bulk.css';
import '../styles/migrate.css';

function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString();
}

export function BulkConsentStep({ ctx }: StepViewProps) {
  const [view, setView] = useState<ConsentView | null>(null);
  const [reading, setReading] = useState(false);
  const [waiting, setWaiting] = useState<{ link: ConsentLinkView; url: string; opened: boolean } | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const [justGiven, setJustGiven] = useState<string | null>(null);
  const pasted = useRef<HTMLTextAreaElement>(null);

  const show = (v: ConsentView) => {
    setView(v);
    ctx.applyProgress(v.progress);
  };

  const read = async () => {
    setReading(true);
    setError(null);
    try {
      show(await api.bulkConsentView());
    } catch (e) {
      setError(toWizardError(e));
    } finally {
      setReading(false);
    }
  };

  useEffect(() => {
    void read();
  }, []);

  const open = async (link: ConsentLinkView) => {
    if (waiting !== null) return;
    setError(null);
    setJustGiven(null);
    try {
      const started = await api.bulkStartConsent(link.tenant);
      setWaiting({ link, ...started });
      try {
        show(await api.bulkFinishConsent());
        setJustGiven(link.name);
      } finally {
        setWaiting(null);
      }
    } catch (e) {
      const err = toWizardError(e);
      // Stop is not a failure.
      if (err.code !== 'cancelled') setError(err);
    }
  };

  const paste = async () => {
    const text = pasted.current?.value ?? '';
    if (text.trim() === '') return;
    setError(null);
    setJustGiven(null);
    try {
      show(await api.bulkPasteConsent(text));
      if (pasted.current !== null) pasted.current.value = '';
      setJustGiven('The tenant');
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const save = async () => {
    try {
      setSavedTo(await api.bulkSaveLinks());
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const goBack = async (step: string) => {
    try {
      ctx.applyProgress(await api.goToStep(step));
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  const links = view?.links ?? [];

  return (
    <div class="bulk-consent-step" data-testid="bulk-consent-step">
      <p class="step-intro">
        Each organization's admin (a Global Administrator or Privileged Role Administrator there) approves your Azure app
        once, for everyone in that organization. If you are that admin, open the consent page here and accept: the
        wizard notices when you come back. For the other organizations, save the links and send each admin theirs.
      </p>

      {view !== null && view.missing.length > 0 && (
        <Callout tone="warning" icon="warning" testId="bulk-missing" title="An earlier step needs finishing first">
          <ul class="bulk-list">
            {view.missing.map((m) => (
              <li key={m.what}>
                {m.what}{' '}
                <button
                  type="button"
                  class="btn btn-secondary btn-small"
                  data-testid={`bulk-goto-${m.step}`}
                  onClick={() => void goBack(m.step)}
                >
                  Go back to {m.step_title}
                </button>
              </li>
            ))}
          </ul>
        </Callout>
      )}

      {reading && view === null && (
        <p class="field-hint" role="status">
          Reading your tenants' credentials from Nylas…
        </p>
      )}

      {justGiven !== null && (
        <Callout tone="info" icon="info" testId="bulk-consent-given" title="Consent recorded" role="status">
          <p>{justGiven === 'The tenant' ? 'The tenant’s admin gave consent.' : `${justGiven}’s admin gave consent.`}</p>
        </Callout>
      )}
      {error !== null && <ErrorCard error={error} />}

      {waiting !== null && (
        <section class="step-section bulk-waiting" data-testid="bulk-consent-waiting" aria-live="polite">
          <h2 class="group-title">Waiting for {waiting.link.name}’s admin in the browser…</h2>
          <p class="group-help">
            {waiting.opened
              ? 'The consent page opened in your browser. Sign in there as the tenant’s admin and press Accept.'
              : 'Your browser could not be opened: copy this link into it, sign in as the tenant’s admin and press Accept.'}{' '}
            No browser page opened? Use this link:
          </p>
          <CopyValue value={waiting.url} label="consent link" testId="bulk-consent-url" />
          <div class="bulk-actions">
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="bulk-consent-stop"
              onClick={() => void api.cancelRemote('bulk_finish_consent')}
            >
              Stop waiting
            </button>
          </div>
        </section>
      )}

      {view !== null && view.missing.length === 0 && (
        <section class="step-section" aria-labelledby="bulk-consent-title" data-testid="bulk-consent-list">
          <h2 class="group-title" id="bulk-consent-title">
            {view.consented} of {links.length} {links.length === 1 ? 'tenant has' : 'tenants have'} given consent
          </h2>
          {view.registered_redirect && (
            <p class="field-hint" data-testid="bulk-consent-registered">
              The wizard added <code>{view.redirect_uri}</code> to your Nylas application's callback URIs, so the admins'
              browsers can come back here.
            </p>
          )}
          {view.without_credential.length > 0 && (
            <p class="field-hint" data-testid="bulk-consent-without">
              No credential yet for {view.without_credential.join(', ')}: run the Tenants step for them first.
            </p>
          )}
          <table class="migrate-table bulk-links" data-testid="bulk-consent-links">
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Admin</th>
                <th scope="col">Consent</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {links.map((l) => (
                <tr key={l.tenant} data-testid={`bulk-consent-row-${l.tenant}`}>
                  <td>
                    <strong>{l.name}</strong>
                    <div class="muted">{l.tenant}</div>
                  </td>
                  <td>{l.admin_email ?? <span class="muted">not in the file</span>}</td>
                  <td class="bulk-state" data-testid="bulk-consent-state">
                    {l.consented_at !== null ? `Given ${when(l.consented_at)}` : 'Not yet'}
                  </td>
                  <td>
                    <button
                      type="button"
                      class={l.consented_at === null ? 'btn btn-primary btn-small' : 'btn btn-secondary btn-small'}
                      data-testid={`bulk-consent-open-${l.tenant}`}
                      disabled={waiting !== null}
                      onClick={() => void open(l)}
                    >
                      <ExternalIcon size={16} />
                      <span>{l.consented_at === null ? 'Open the consent page' : 'Open it again'}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="bulk-actions">
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="bulk-save-links"
              disabled={links.length === 0}
              onClick={() => void save()}
            >
              Save all the links as a CSV file (for the other admins)
            </button>
            <button type="button" class="btn btn-quiet" data-testid="bulk-consent-reread" disabled={reading} onClick={() => void read()}>
              {reading ? 'Reading…' : 'Read again'}
            </button>
          </div>
          {savedTo !== null && (
            <p class="migrate-saved" role="status" data-testid="bulk-links-saved">
              Saved to <code>{savedTo}</code>
            </p>
          )}
          <details class="migrate-paste-details">
            <summary>An admin sent you the address their browser ended on? Paste it here</summary>
            <textarea
              ref={pasted}
              class="text-input migrate-paste"
              rows={3}
              spellcheck={false}
              aria-label="The address the admin's browser came back to"
              placeholder={`${view.redirect_uri}?admin_consent=true&state=…`}
              data-testid="bulk-consent-paste"
            />
            <button type="button" class="btn btn-secondary" data-testid="bulk-consent-paste-read" onClick={() => void paste()}>
              Check this address
            </button>
          </details>
        </section>
      )}
    </div>
  );
}
