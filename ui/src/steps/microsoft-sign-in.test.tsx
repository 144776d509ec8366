import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type SignedInAs } from '../api';
import { MicrosoftSignIn, whoText } from './microsoft-sign-in';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    startMicrosoftSignIn: vi.fn(),
    finishMicrosoftSignIn: vi.fn(),
    signOutMicrosoft: vi.fn(),
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

beforeEach(() => vi.clearAllMocks());

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
