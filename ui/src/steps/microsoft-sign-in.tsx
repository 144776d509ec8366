// Sign in to Microsoft: in the browser (the page opens by itself; its link
// is shown too, to copy when no browser opened) or with a code typed at
// Microsoft's device login page. Cancel stops the wait. Once signed in:
// who (person, organization, tenant) and Sign out. Rust keeps the tokens;
// "Remember me" (unticked by default) lets it keep a refresh token in the
// keychain, which the next start signs in from.

import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { toWizardError, type SignedInAs, type SignInMethod, type WizardApiError } from '../api';
import type { Access } from '../bindings/Access';
import type { DeviceCodePrompt } from '../bindings/DeviceCodePrompt';
import { CopyValue } from '../components/copy-value';
import { ErrorCard } from '../components/error-card';

type Waiting = { kind: 'browser'; url: string } | { kind: 'code'; prompt: DeviceCodePrompt } | { kind: 'starting' };

interface Props {
  who: SignedInAs | null;
  /** What the next sign-in asks for: reading the app, or changing it too. */
  access: Access;
  /** The saved tenant answer; sign-in needs one. */
  tenant: string | null;
  onSignedIn: (who: SignedInAs) => void;
  onSignedOut: () => void;
  /** Put the cursor in the tenant field. */
  onAskTenant?: () => void;
}

export function whoText(who: SignedInAs): string {
  const org = who.tenant_name !== null ? `${who.tenant_name} (${who.tenant})` : who.tenant;
  return `Signed in to ${org}${who.practice ? ' in practice mode' : ''}`;
}

/** The person signed in, e.g. `Megan Bowen (megan@contoso.com)`, if known. */
export function personText(who: SignedInAs): string | null {
  const name = who.user_name ?? null;
  const upn = who.user_principal_name ?? null;
  if (name !== null && upn !== null) return `${name} (${upn})`;
  return name ?? upn;
}

export function MicrosoftSignIn({ who, access, tenant, onSignedIn, onSignedOut, onAskTenant }: Props) {
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [error, setError] = useState<WizardApiError | null>(null);
  const cancelled = useRef(false);
  const remember = useRef<HTMLInputElement>(null);

  // A remembered sign-in signs in silently (Rust does it); one Microsoft
  // refused comes back as an error asking to sign in again.
  useEffect(() => {
    if (who !== null) return;
    let on = true;
    Promise.resolve()
      .then(() => api.microsoftSignedIn())
      .then((w) => {
        if (on && w) onSignedIn(w);
      })
      .catch((e: unknown) => {
        if (on) setError(toWizardError(e));
      });
    return () => {
      on = false;
    };
  }, []);

  const signIn = async (method: SignInMethod) => {
    // Read before the box hides behind the wait.
    const keep = remember.current?.checked ?? false;
    cancelled.current = false;
    setError(null);
    setWaiting({ kind: 'starting' });
    try {
      const status = await api.startMicrosoftSignIn(method, access);
      if (status.state === 'waiting_for_browser') setWaiting({ kind: 'browser', url: status.authorize_url });
      else if (status.state === 'waiting_for_code') setWaiting({ kind: 'code', prompt: status.prompt });
      const signedIn = await api.finishMicrosoftSignIn(keep);
      setWaiting(null);
      onSignedIn(signedIn);
    } catch (e) {
      setWaiting(null);
      // The admin's own Cancel needs no card; a refusal in the browser does.
      if (!cancelled.current) setError(toWizardError(e));
    }
  };

  const cancel = () => {
    cancelled.current = true;
    void api.cancelRemote('start_microsoft_sign_in');
    void api.cancelRemote('finish_microsoft_sign_in');
  };

  const signOut = async () => {
    try {
      await api.signOutMicrosoft();
      onSignedOut();
    } catch (e) {
      setError(toWizardError(e));
    }
  };

  // Creating signs in with the same write permission as fixing.
  if (who !== null && (who.access === access || who.access !== 'audit') && waiting === null) {
    return (
      <div class="ms-signed-in" data-testid="ms-signed-in">
        <p>
          <strong data-testid="ms-who">{whoText(who)}</strong>
          {personText(who) !== null && <span data-testid="ms-who-person"> as {personText(who)}</span>}
          <span class="muted">
            {' '}
            · {who.access === 'audit' ? 'reading your app only' : who.access === 'create' ? 'allowed to create and change apps' : 'allowed to change your app'}
          </span>
        </p>
        {who.remembered === true && (
          <p class="muted" data-testid="ms-remembered">
            Remembered on this computer: Sign out forgets it.
          </p>
        )}
        <button type="button" class="btn btn-small btn-quiet" onClick={() => void signOut()} data-testid="ms-sign-out">
          Sign out
        </button>
        {error !== null && <ErrorCard error={error} />}
      </div>
    );
  }

  const noTenant = tenant === null || tenant.trim() === '';
  return (
    <div class="ms-sign-in" data-testid="ms-sign-in">
      {waiting === null && (
        <>
          <p class="group-help">
            {access === 'create'
              ? 'Sign in as an admin of your tenant (Application Administrator or Cloud Application Administrator) and allow the wizard to create the app. You will be asked to accept “Read and write all applications”.'
              : access === 'fix'
              ? 'To change your app, sign in again and allow changes. You will be asked to accept “Read and write all applications”.'
              : 'Sign in as an admin of your tenant (Application Administrator or Cloud Application Administrator). The wizard only reads your app; nothing changes until you confirm a fix.'}
          </p>
          {noTenant ? (
            <p class="note" data-testid="ms-needs-tenant">
              Type your tenant first.{' '}
              {onAskTenant !== undefined && (
                <button type="button" class="btn btn-secondary btn-small" onClick={onAskTenant}>
                  Type my tenant
                </button>
              )}
            </p>
          ) : (
            <div class="finding-actions">
              <button type="button" class="btn btn-primary" onClick={() => void signIn('browser')} data-testid="ms-sign-in-browser">
                {access === 'fix' ? 'Sign in and allow changes' : access === 'create' ? 'Sign in and allow creating the app' : 'Sign in to Microsoft'}
              </button>
              <button type="button" class="btn btn-quiet" onClick={() => void signIn('device')} data-testid="ms-sign-in-code">
                Use a code instead
              </button>
            </div>
          )}
          {!noTenant && (
            <div class="ms-remember">
              <label class="check-option">
                <input type="checkbox" ref={remember} data-testid="ms-remember" />
                <span>Remember me on this computer</span>
              </label>
              <p class="muted">Your keychain keeps a sign-in token so you needn't sign in next time; Sign out forgets it.</p>
            </div>
          )}
        </>
      )}
      {waiting !== null && (
        <div class="ms-waiting" data-testid="ms-waiting" role="status">
          {waiting.kind === 'starting' && <p>Starting the sign-in…</p>}
          {waiting.kind === 'browser' && (
            <>
              <p>Finish signing in in your web browser, then come back here.</p>
              <details class="ms-sign-in-link">
                <summary>No browser page opened?</summary>
                <p>Copy this link into your web browser:</p>
                <CopyValue value={waiting.url} label="sign-in link" testId="ms-sign-in-url" />
              </details>
            </>
          )}
          {waiting.kind === 'code' && (
            <>
              <p>Open this page in a browser on any device and type the code:</p>
              <CopyValue value={waiting.prompt.verification_uri} label="sign-in page" testId="ms-code-url" />
              <CopyValue value={waiting.prompt.user_code} label="code" testId="ms-user-code" />
              <p class="muted">The code works for {Math.round(Number(waiting.prompt.expires_in_secs) / 60)} minutes.</p>
            </>
          )}
          <button type="button" class="btn btn-quiet" onClick={cancel} data-testid="ms-cancel">
            Cancel sign-in
          </button>
        </div>
      )}
      {error !== null && <ErrorCard error={error} />}
    </div>
  );
}
