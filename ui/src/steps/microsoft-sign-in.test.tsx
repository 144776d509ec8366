import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type SignedInAs } from '../api';
import { MicrosoftSignIn, personText, whoText } from './microsoft-sign-in';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    startMicrosoftSignIn: vi.fn(),
    finishMicrosoftSignIn: vi.fn(),
    signOutMicrosoft: vi.fn(),
    microsoftSignedIn: vi.fn(),
    cancelRemote: vi.fn(),
  };
});
const m = vi.mocked(api);

const WHO: SignedInAs = {
  tenant: 'contoso.com',
  tenant_name: 'Contoso Ltd',
  tenant_id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  access: 'audit',
  practice: false,
};

/** A promise the test settles by hand (the wait for the browser). */
function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  vi.clearAllMocks();
  m.microsoftSignedIn.mockResolvedValue(null);
});

describe('Sign in to Microsoft', () => {
  it('opens the browser sign-in, shows its link while waiting, then who is signed in', async () => {
    const url = 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?client_id=x';
    m.startMicrosoftSignIn.mockResolvedValue({ state: 'waiting_for_browser', authorize_url: url });
    const wait = pending<SignedInAs>();
    m.finishMicrosoftSignIn.mockReturnValue(wait.promise);
    const onSignedIn = vi.fn();
    render(<MicrosoftSignIn who={null} access="audit" tenant="contoso.com" onSignedIn={onSignedIn} onSignedOut={vi.fn()} />);
    fireEvent.click(screen.getByTestId('ms-sign-in-browser'));
    const link = await screen.findByTestId('ms-sign-in-url');
    expect(m.startMicrosoftSignIn).toHaveBeenCalledWith('browser', 'audit');
    expect(link.textContent).toContain(url);
    wait.resolve(WHO);
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith(WHO));
    // "Remember me" is unticked by default: nothing is kept.
    expect(m.finishMicrosoftSignIn).toHaveBeenCalledWith(false);
  });

  it('offers "Remember me", unticked, and passes it when ticked', async () => {
    m.startMicrosoftSignIn.mockResolvedValue({ state: 'waiting_for_browser', authorize_url: 'https://login.microsoftonline.com/x' });
    m.finishMicrosoftSignIn.mockResolvedValue({ ...WHO, remembered: true });
    const onSignedIn = vi.fn();
    render(<MicrosoftSignIn who={null} access="audit" tenant="contoso.com" onSignedIn={onSignedIn} onSignedOut={vi.fn()} />);
    const box = screen.getByTestId('ms-remember') as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByLabelText('Remember me on this computer')).toBe(box);
    expect(screen.getByTestId('ms-sign-in').textContent).toContain('keychain keeps a sign-in token');
    expect(screen.getByTestId('ms-sign-in').textContent).toContain('Sign out forgets it');
    fireEvent.click(box);
    fireEvent.click(screen.getByTestId('ms-sign-in-browser'));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
    expect(m.finishMicrosoftSignIn).toHaveBeenCalledWith(true);
  });

  it('signs in silently from a remembered sign-in, or says plainly that it was refused', async () => {
    const onSignedIn = vi.fn();
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, remembered: true });
    const { unmount } = render(<MicrosoftSignIn who={null} access="audit" tenant="contoso.com" onSignedIn={onSignedIn} onSignedOut={vi.fn()} />);
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith({ ...WHO, remembered: true }));
    unmount();
    m.microsoftSignedIn.mockRejectedValue(
      new WizardApiError('unauthorized', 'Microsoft no longer accepts the sign-in this computer remembered (it was revoked or has expired), so the wizard forgot it.', 'Sign in to Microsoft again.'),
    );
    render(<MicrosoftSignIn who={null} access="audit" tenant="contoso.com" onSignedIn={vi.fn()} onSignedOut={vi.fn()} />);
    expect((await screen.findByTestId('error-card')).textContent).toContain('no longer accepts the sign-in this computer remembered');
    expect(screen.getByTestId('ms-sign-in-browser')).toBeTruthy();
  });

  it('shows the code and where to type it, and Cancel stops the wait without an error card', async () => {
    m.startMicrosoftSignIn.mockResolvedValue({
      state: 'waiting_for_code',
      prompt: { user_code: 'GH7QK2LMP', verification_uri: 'https://microsoft.com/devicelogin', expires_in_secs: 900n, message: '' },
    });
    const wait = pending<SignedInAs>();
    m.finishMicrosoftSignIn.mockReturnValue(wait.promise);
    m.cancelRemote.mockImplementation((cmd) => {
      if (cmd === 'finish_microsoft_sign_in') wait.reject(new WizardApiError('cancelled', 'Sign-in was cancelled.'));
      return Promise.resolve(1);
    });
    render(<MicrosoftSignIn who={null} access="audit" tenant="contoso.com" onSignedIn={vi.fn()} onSignedOut={vi.fn()} />);
    fireEvent.click(screen.getByTestId('ms-sign-in-code'));
    expect((await screen.findByTestId('ms-user-code')).textContent).toContain('GH7QK2LMP');
    expect(screen.getByTestId('ms-code-url').textContent).toContain('https://microsoft.com/devicelogin');
    expect(screen.getByTestId('ms-waiting').textContent).toContain('15 minutes');
    fireEvent.click(screen.getByTestId('ms-cancel'));
    await screen.findByTestId('ms-sign-in-browser');
    expect(m.cancelRemote).toHaveBeenCalledWith('finish_microsoft_sign_in');
    expect(screen.queryByTestId('error-card')).toBeNull();
  });

  it('shows a refusal in the browser as an error card', async () => {
    m.startMicrosoftSignIn.mockResolvedValue({ state: 'waiting_for_browser', authorize_url: 'https://login.microsoftonline.com/x' });
    m.finishMicrosoftSignIn.mockRejectedValue(
      new WizardApiError('cancelled', 'The sign-in was declined in the browser (AADSTS65004).', 'Sign in again and accept.'),
    );
    render(<MicrosoftSignIn who={null} access="audit" tenant="contoso.com" onSignedIn={vi.fn()} onSignedOut={vi.fn()} />);
    fireEvent.click(screen.getByTestId('ms-sign-in-browser'));
    expect((await screen.findByTestId('error-card')).textContent).toContain('declined in the browser');
  });

  it('asks for the tenant first', () => {
    const onAskTenant = vi.fn();
    render(<MicrosoftSignIn who={null} access="audit" tenant={null} onSignedIn={vi.fn()} onSignedOut={vi.fn()} onAskTenant={onAskTenant} />);
    expect(screen.queryByTestId('ms-sign-in-browser')).toBeNull();
    fireEvent.click(screen.getByText('Type my tenant'));
    expect(onAskTenant).toHaveBeenCalled();
  });

  it('names who is signed in, with Sign out', async () => {
    m.signOutMicrosoft.mockResolvedValue();
    const onSignedOut = vi.fn();
    render(<MicrosoftSignIn who={WHO} access="audit" tenant="contoso.com" onSignedIn={vi.fn()} onSignedOut={onSignedOut} />);
    expect(screen.getByTestId('ms-who').textContent).toBe('Signed in to Contoso Ltd (contoso.com)');
    expect(screen.getByTestId('ms-signed-in').textContent).toContain('reading your app only');
    fireEvent.click(screen.getByTestId('ms-sign-out'));
    await waitFor(() => expect(onSignedOut).toHaveBeenCalled());
    expect(whoText({ ...WHO, tenant_name: null, practice: true })).toBe('Signed in to contoso.com in practice mode');
    expect(screen.queryByTestId('ms-who-person')).toBeNull();
    expect(screen.queryByTestId('ms-remembered')).toBeNull();
    expect(m.microsoftSignedIn).not.toHaveBeenCalled();
  });

  it("names the person signed in (name and UPN) and says a remembered sign-in is kept until Sign out", () => {
    const who = { ...WHO, user_name: 'Megan Bowen', user_principal_name: 'megan@contoso.com', remembered: true };
    render(<MicrosoftSignIn who={who} access="audit" tenant="contoso.com" onSignedIn={vi.fn()} onSignedOut={vi.fn()} />);
    expect(screen.getByTestId('ms-who').textContent).toBe('Signed in to Contoso Ltd (contoso.com)');
    expect(screen.getByTestId('ms-who-person').textContent).toBe(' as Megan Bowen (megan@contoso.com)');
    expect(screen.getByTestId('ms-remembered').textContent).toContain('Sign out forgets it');
    expect(personText({ ...who, user_name: null })).toBe('megan@contoso.com');
  });

  it('a read-only sign-in is not enough to change the app: it offers to sign in again allowing changes', async () => {
    m.startMicrosoftSignIn.mockResolvedValue({ state: 'waiting_for_browser', authorize_url: 'https://login.microsoftonline.com/x' });
    m.finishMicrosoftSignIn.mockReturnValue(new Promise(() => undefined));
    render(<MicrosoftSignIn who={WHO} access="fix" tenant="contoso.com" onSignedIn={vi.fn()} onSignedOut={vi.fn()} />);
    fireEvent.click(screen.getByTestId('ms-sign-in-browser'));
    await screen.findByTestId('ms-waiting');
    expect(m.startMicrosoftSignIn).toHaveBeenCalledWith('browser', 'fix');
  });
});
