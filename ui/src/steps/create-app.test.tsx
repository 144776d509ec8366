import { act, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type NewAppCreated, type NewAppPlan, type SignedInAs } from '../api';
import type { AppPlan } from '../bindings/AppPlan';
import type { CreateProgress } from '../bindings/CreateProgress';
import type { Finding } from '../bindings/Finding';
import { fixtureAudit } from '../test/requirements';
import { CreateApp } from './create-app';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    microsoftSignedIn: vi.fn(),
    startMicrosoftSignIn: vi.fn(),
    finishMicrosoftSignIn: vi.fn(),
    signOutMicrosoft: vi.fn(),
    cancelRemote: vi.fn(),
    planNewApp: vi.fn(),
    createNewApp: vi.fn(),
    grantAdminConsent: vi.fn(),
  };
});
const m = vi.mocked(api);

const WHO: SignedInAs = { tenant: 'contoso.com', tenant_name: 'Contoso Ltd', tenant_id: 't', access: 'create', practice: true };
const WHY = 'To register a new app for Nylas in your tenant (Application.ReadWrite.All).';

function appPlan(name: string, days = 365): AppPlan {
  return {
    display_name: name,
    sign_in_audience: 'AzureADandPersonalMicrosoftAccount',
    redirect_uris: ['https://api.us.nylas.com/v3/connect/callback'],
    permissions: [],
    implicit_grant: false,
    secret_days: days,
    answers_hash: 'sha256:0123456789abcdef',
    lines: [`An app named "${name}".`, 'Redirect URI on Web: https://api.us.nylas.com/v3/connect/callback'],
    body: { displayName: name, signInAudience: 'AzureADandPersonalMicrosoftAccount' },
  };
}

function planned(name: string, over: Partial<NewAppPlan> = {}): NewAppPlan {
  return { plan: appPlan(name), why: WHY, can_create: true, reuses: null, ...over };
}

const clean = fixtureAudit('clean');
const facts = {
  tenant_id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  tenant_name: 'Contoso Ltd',
  region_scope: 'NA',
  verified_domains: ['contoso.com'],
  app_object_id: 'obj',
  service_principal_exists: true,
  admin_consented: [],
  admin_consent_missing: [],
};
const CREATED: NewAppCreated = {
  outcome: {
    app_id: 'b7c1e2d3-0000-4000-8000-000000000001',
    object_id: 'obj',
    tenant_id: facts.tenant_id,
    created: true,
    steps: [
      'Registered the app "Nylas – Contoso Ltd" (client ID b7c1e2d3-0000-4000-8000-000000000001).',
      'Created its enterprise application (service principal).',
      'Added a client secret (Q~x…7Fd), valid until December 1, 2027.',
    ],
    secret: {
      kind: 'created',
      secret: { key_id: 'k', display_name: 'Nylas', hint: 'Q~x…7Fd', expires: '2027-12-01T00:00:00Z', stored_persistently: true },
    },
    audit: { report: clean.report, facts },
  },
  unmet: [],
  admin_consent_to_grant: [],
  progress: clean.progress,
};

function renderCreate() {
  const applyProgress = vi.fn();
  render(<CreateApp tenant="contoso.com" onOpen={vi.fn()} onAskTenant={vi.fn()} applyProgress={applyProgress} />);
  return applyProgress;
}

beforeEach(() => vi.clearAllMocks());

describe('Create the app for me', () => {
  it('shows the plan in words, the JSON folded away, and why more access is asked, before any sign-in', async () => {
    m.microsoftSignedIn.mockResolvedValue(null);
    m.planNewApp.mockResolvedValue(planned('Nylas', { can_create: false }));
    renderCreate();
    const plan = await screen.findByTestId('create-plan');
    expect(m.planNewApp).toHaveBeenCalledWith(null, 365);
    expect(plan.textContent).toContain('Redirect URI on Web');
    const json = screen.getByTestId('create-json') as HTMLDetailsElement;
    expect(json.open).toBe(false);
    expect(json.textContent).toContain('"signInAudience": "AzureADandPersonalMicrosoftAccount"');
    expect(screen.getByTestId('create-why').textContent).toContain('Application.ReadWrite.All');
    expect(screen.getByTestId('ms-sign-in-browser').textContent).toBe('Sign in and allow creating the app');
    expect(screen.queryByTestId('create-start')).toBeNull();
  });

  it('reads the plan again when the tenant answer lands after it was first read (no plan without one)', async () => {
    m.microsoftSignedIn.mockResolvedValue(null);
    m.planNewApp.mockRejectedValueOnce(new WizardApiError('invalid_input', 'Tell us your tenant first.'));
    m.planNewApp.mockResolvedValue(planned('Nylas', { can_create: false }));
    const props = { onOpen: vi.fn(), onAskTenant: vi.fn(), applyProgress: vi.fn() };
    const { rerender } = render(<CreateApp tenant={null} {...props} />);
    await waitFor(() => expect(m.planNewApp).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId('create-plan')).toBeNull();
    rerender(<CreateApp tenant="contoso.com" {...props} />);
    await screen.findByTestId('create-plan');
    expect(m.planNewApp).toHaveBeenCalledTimes(2);
    // The same tenant again (any re-render) doesn't read it a third time.
    rerender(<CreateApp tenant="contoso.com" {...props} />);
    expect(m.planNewApp).toHaveBeenCalledTimes(2);
  });

  it('a read-only sign-in is asked to sign in again before creating', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'audit' });
    m.planNewApp.mockResolvedValue(planned('Nylas – Contoso Ltd', { can_create: false }));
    renderCreate();
    await screen.findByTestId('create-plan');
    await screen.findByTestId('ms-sign-in-browser');
    expect(screen.queryByTestId('create-start')).toBeNull();
  });

  it('re-plans with the typed name and the chosen expiry, and creates only after confirmation', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockImplementation((name, days) => Promise.resolve(planned(name ?? 'Nylas – Contoso Ltd', { plan: appPlan(name ?? 'Nylas – Contoso Ltd', days ?? 365) })));
    m.createNewApp.mockResolvedValue(CREATED);
    const applyProgress = renderCreate();
    const name = (await screen.findByTestId('create-name')) as HTMLInputElement;
    expect(name.value).toBe('Nylas – Contoso Ltd');
    name.value = 'Nylas mail';
    fireEvent.change(name);
    expect(m.planNewApp).toHaveBeenLastCalledWith('Nylas mail', 365);
    fireEvent.change(screen.getByTestId('create-expiry'), { target: { value: '730' } });
    expect(m.planNewApp).toHaveBeenLastCalledWith('Nylas mail', 730);
    await screen.findByText('"displayName": "Nylas mail"', { exact: false });

    fireEvent.click(await screen.findByTestId('create-start'));
    const confirm = screen.getByTestId('create-confirm');
    expect(confirm.textContent).toContain('Create “Nylas mail” in Contoso Ltd?');
    expect(screen.getByTestId('create-calls').textContent).toContain('Create its enterprise application');
    expect(m.createNewApp).not.toHaveBeenCalled();
    // "Not yet" changes nothing.
    fireEvent.click(screen.getByTestId('create-confirm-no'));
    expect(screen.queryByTestId('create-confirm')).toBeNull();
    expect(m.createNewApp).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('create-start'));
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    const done = await screen.findByTestId('create-done');
    expect(m.createNewApp).toHaveBeenCalledWith('Nylas mail', 730, expect.any(Function));
    expect(applyProgress).toHaveBeenCalledWith(clean.progress);
    expect(done.textContent).toContain('Your app is created');
    expect(screen.getByTestId('create-steps').textContent).toContain('Created its enterprise application');
    expect(screen.getByTestId('create-client-id').textContent).toContain(CREATED.outcome.app_id);
    expect(screen.getByTestId('create-secret').textContent).toContain('Q~x…7Fd');
    expect(screen.getByTestId('create-secret').textContent).toContain('system keychain');
    // The expiry once, as Rust's plain date: no raw timestamp anywhere.
    expect(done.textContent).toContain('valid until December 1, 2027.');
    expect(done.textContent).not.toContain('2027-12-01');
    expect(done.textContent?.match(/December 1, 2027/g)).toHaveLength(1);
    expect(screen.queryByTestId('create-consent')).toBeNull();
    expect(screen.getByTestId('create-verdict').textContent).toContain('Every check the app');
    expect(screen.getByTestId('audit-results')).not.toBeNull();
    // The plan and its confirmation are gone once done.
    expect(screen.queryByTestId('create-plan')).toBeNull();
  });

  it('says plainly when an existing app will be used, with its changes, and when it was', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockResolvedValue(
      planned('Nylas – Contoso Ltd', {
        reuses: {
          display_name: 'Nylas – Contoso Ltd',
          app_id: 'b7c1',
          changes: [{ id: 'implicit_grant', title: 'Turn off implicit grant', before: 'On', after: 'Off' }],
        },
      }),
    );
    m.createNewApp.mockResolvedValue({
      ...CREATED,
      outcome: { ...CREATED.outcome, created: false, secret: { kind: 'already_there' } },
      unmet: ['redirect_uris'],
    });
    renderCreate();
    const reuses = await screen.findByTestId('create-reuses');
    expect(reuses.textContent).toContain('You already have an app named “Nylas – Contoso Ltd” (client ID b7c1)');
    expect(reuses.textContent).toContain('instead of creating a second app');
    expect(reuses.textContent).toContain('Turn off implicit grant (now: On; after: Off)');
    fireEvent.click(await screen.findByTestId('create-start'));
    expect(screen.getByTestId('create-confirm').textContent).toContain('Use “Nylas – Contoso Ltd” in Contoso Ltd?');
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    const done = await screen.findByTestId('create-done');
    expect(done.textContent).toContain('Your existing app was used — no second app was created');
    expect(screen.getByTestId('create-secret').textContent).toContain('no second one was added');
    expect(screen.getByTestId('create-verdict').textContent).toContain('Something is still not right: Redirect URIs');
  });

  it('says it is working while Microsoft answers, with the calls it makes, and allows no second press', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockResolvedValue(planned('Nylas – Contoso Ltd'));
    let finish: (v: NewAppCreated) => void = () => undefined;
    m.createNewApp.mockReturnValue(new Promise((r) => (finish = r)));
    renderCreate();
    fireEvent.click(await screen.findByTestId('create-start'));
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    const working = await screen.findByTestId('create-working');
    expect(working.textContent).toContain('Working with Microsoft');
    expect(working.textContent).toContain('Add a client secret');
    expect(screen.queryByTestId('create-start')).toBeNull();
    expect(screen.queryByTestId('create-confirm')).toBeNull();
    finish(CREATED);
    await screen.findByTestId('create-done');
    expect(screen.queryByTestId('create-working')).toBeNull();
    expect(m.createNewApp).toHaveBeenCalledTimes(1);
  });

  /** A pending call that Cancel ends the way Rust ends a cancelled call. */
  function cancellable<T>(): Promise<T> {
    let reject: (e: unknown) => void = () => {};
    const pending = new Promise<T>((_, r) => (reject = r));
    m.cancelRemote.mockImplementation(async () => {
      reject(new WizardApiError('cancelled', 'The call to Microsoft Graph was cancelled.'));
      return 1;
    });
    return pending;
  }

  it('offers Cancel while creating; a cancelled create is a quiet note saying running it again makes no second app', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockResolvedValue(planned('Nylas – Contoso Ltd'));
    m.createNewApp.mockReturnValue(cancellable());
    renderCreate();
    fireEvent.click(await screen.findByTestId('create-start'));
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    const cancel = await screen.findByTestId('create-app-cancel');
    expect(screen.getByTestId('create-working').textContent).toContain('without creating a second app');
    const plansBefore = m.planNewApp.mock.calls.length;
    fireEvent.click(cancel);
    const stopped = await screen.findByTestId('create-stopped');
    expect(m.cancelRemote.mock.calls).toEqual([['create_new_app']]);
    expect(stopped.textContent).toContain('running it again finishes it without creating a second app');
    expect(screen.queryByTestId('error-card')).toBeNull();
    expect(screen.queryByTestId('create-working')).toBeNull();
    expect(screen.queryByTestId('create-done')).toBeNull();
    // The plan is read again (part of the app may exist) and Create is offered again.
    expect(m.planNewApp.mock.calls.length).toBe(plansBefore + 1);
    expect(await screen.findByTestId('create-start')).not.toBeNull();
  });

  it('offers Cancel while the plan is read; a cancelled plan is a quiet note and can be read again', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockReturnValueOnce(cancellable()).mockResolvedValue(planned('Nylas – Contoso Ltd'));
    renderCreate();
    fireEvent.click(await screen.findByTestId('create-plan-cancel'));
    const stopped = await screen.findByTestId('create-stopped');
    expect(m.cancelRemote.mock.calls).toEqual([['plan_new_app']]);
    expect(stopped.textContent).toContain('Stopped. Nothing was created.');
    expect(screen.queryByTestId('error-card')).toBeNull();
    expect(screen.queryByTestId('create-plan-cancel')).toBeNull();
    fireEvent.click(screen.getByTestId('create-plan-again'));
    await screen.findByTestId('create-plan');
    expect(m.planNewApp).toHaveBeenCalledTimes(2);
    expect(screen.queryByTestId('create-stopped')).toBeNull();
  });

  it('keeps what the admin is typing when a plan arrives late', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    let late: (p: NewAppPlan) => void = () => undefined;
    m.planNewApp
      .mockResolvedValueOnce(planned('Nylas – Contoso Ltd'))
      .mockReturnValueOnce(new Promise((r) => (late = r)));
    renderCreate();
    const name = (await screen.findByTestId('create-name')) as HTMLInputElement;
    name.value = 'Nylas mail';
    fireEvent.change(name);
    name.value = 'Nylas mail and calendar';
    late(planned('Nylas mail'));
    await screen.findByText('Nylas mail', { exact: false, selector: 'li' });
    expect(name.value).toBe('Nylas mail and calendar');
  });

  it("shows Microsoft's refusal as a card and keeps the plan", async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockResolvedValue(planned('Nylas – Contoso Ltd'));
    m.createNewApp.mockRejectedValue(
      new WizardApiError('forbidden', "Microsoft says your account isn't allowed to create apps.", 'Ask for Application Administrator.'),
    );
    renderCreate();
    fireEvent.click(await screen.findByTestId('create-start'));
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    expect((await screen.findByTestId('error-card')).textContent).toContain("isn't allowed to create apps");
    expect(screen.getByTestId('create-plan')).not.toBeNull();
    expect(screen.queryByTestId('create-done')).toBeNull();
  });

  it('ticks each call off as Rust reports it, names what was reused, and Stop still cancels', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockResolvedValue(planned('Nylas – Contoso Ltd'));
    let report: (e: CreateProgress) => void = () => undefined;
    const pending = cancellable<NewAppCreated>();
    m.createNewApp.mockImplementation((_n, _d, onProgress) => {
      report = onProgress;
      return pending;
    });
    renderCreate();
    fireEvent.click(await screen.findByTestId('create-start'));
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    await screen.findByTestId('create-working');
    const state = (call: string) => screen.getByTestId(`create-call-${call}`).dataset.state;
    const calls = ['find_existing', 'app', 'service_principal', 'secret', 'live_audit'];
    expect(calls.map(state)).toEqual(['waiting', 'waiting', 'waiting', 'waiting', 'waiting']);
    expect(screen.getByTestId('create-call-service_principal').textContent).toContain('Not started');

    act(() => report({ call: 'find_existing', state: 'started', text: 'Looking for an app named "Nylas – Contoso Ltd"…', reused: false }));
    expect(state('find_existing')).toBe('started');
    expect(screen.getByTestId('create-call-find_existing').textContent).toContain('In progress: Looking for an app');
    act(() => report({ call: 'find_existing', state: 'done', text: 'Found the app "Nylas – Contoso Ltd" (client ID b7c1).', reused: true }));
    act(() => report({ call: 'app', state: 'started', text: 'Reusing it…', reused: false }));
    act(() =>
      report({ call: 'app', state: 'done', text: 'Found the app "Nylas – Contoso Ltd" (client ID b7c1) and reused it. Nothing in it needed changing.', reused: true }),
    );
    act(() => report({ call: 'service_principal', state: 'started', text: 'Creating its enterprise application…', reused: false }));
    expect(calls.map(state)).toEqual(['done', 'done', 'started', 'waiting', 'waiting']);
    const app = screen.getByTestId('create-call-app');
    expect(app.textContent).toContain('✓');
    expect(app.textContent).toContain('Done: Found the app "Nylas – Contoso Ltd" (client ID b7c1) and reused it.');

    // Stop: Rust cancels; the call in flight reports stopped, the list stays.
    fireEvent.click(screen.getByTestId('create-app-cancel'));
    act(() => report({ call: 'service_principal', state: 'stopped', text: 'Stopped before the enterprise application was created.', reused: false }));
    await screen.findByTestId('create-stopped');
    expect(m.cancelRemote.mock.calls).toEqual([['create_new_app']]);
    const after = screen.getByTestId('create-calls-after');
    expect(after.textContent).toContain('Stopped: Stopped before the enterprise application was created.');
    expect(after.textContent).toContain('Not started: Add a client secret');
  });

  it('offers "Grant admin consent now" when the plan needs it, then shows the consent check passing', async () => {
    const rooms = fixtureAudit('near-miss/v3/azure-app/single-rooms').report;
    const warn = rooms.findings.find((f) => f.check === 'admin_consent') as Finding;
    const withConsent = (f: Finding) => ({
      ...clean.report,
      findings: clean.report.findings.map((x) => (x.check === 'admin_consent' ? f : x)),
    });
    const before = { report: withConsent(warn), facts: { ...facts, admin_consent_missing: ['Mail.Read', 'Place.Read.All'] } };
    const passed: Finding = { ...warn, status: 'pass', title: 'An administrator has consented to Place.Read.All', fix: null };
    const after = { report: withConsent(passed), facts: { ...facts, admin_consented: ['Mail.Read', 'Place.Read.All'] } };
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.planNewApp.mockResolvedValue(planned('Nylas – Contoso Ltd'));
    m.createNewApp.mockResolvedValue({
      ...CREATED,
      outcome: { ...CREATED.outcome, audit: before },
      admin_consent_to_grant: ['Place.Read.All'],
    });
    let approve: (o: api.LiveOutcome) => void = () => undefined;
    m.grantAdminConsent.mockReturnValue(new Promise((r) => (approve = r)));
    const applyProgress = renderCreate();
    fireEvent.click(await screen.findByTestId('create-start'));
    fireEvent.click(screen.getByTestId('create-confirm-yes'));
    const consent = await screen.findByTestId('create-consent');
    expect(consent.textContent).toContain('One more step: admin consent');
    expect(consent.textContent).toContain('Only an administrator can approve Place.Read.All');
    expect(screen.getByTestId('create-verdict').textContent).toContain('Admin consent is still to be given');
    const button = screen.getByTestId('admin-consent-button');
    expect(button.textContent).toBe('Grant admin consent now');
    expect(button.className).toContain('btn-primary');

    fireEvent.click(button);
    expect(m.grantAdminConsent).toHaveBeenCalledWith(CREATED.outcome.app_id);
    await screen.findByTestId('admin-consent-waiting');
    approve({ live: after, progress: clean.progress });
    const given = await screen.findByTestId('create-consent-done');
    expect(given.textContent).toContain('An administrator has consented to Place.Read.All');
    expect(given.textContent).toContain('the admin consent check passes');
    expect(screen.getByTestId('create-consent').textContent).toContain('Admin consent is given');
    expect(screen.queryByTestId('admin-consent-button')).toBeNull();
    expect(screen.getByTestId('create-verdict').textContent).toContain('You can go on to the next step');
    expect(applyProgress).toHaveBeenLastCalledWith(clean.progress);
  });
});
