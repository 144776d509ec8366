import { fireEvent, render, screen } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type SignedInAs } from '../api';
import type { ChangeLog } from '../bindings/ChangeLog';
import type { FixPlan } from '../bindings/FixPlan';
import type { LivePlan } from '../bindings/LivePlan';
import type { LiveAudit } from '../bindings/LiveAudit';
import changesJson from '../test/generated/changes.json';
import { fixtureAudit } from '../test/requirements';
import { LiveCheck } from './live-results';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    microsoftSignedIn: vi.fn(),
    startMicrosoftSignIn: vi.fn(),
    finishMicrosoftSignIn: vi.fn(),
    signOutMicrosoft: vi.fn(),
    cancelRemote: vi.fn(),
    checkAppLive: vi.fn(),
    planLiveFixes: vi.fn(),
    applyLiveFixes: vi.fn(),
    createNewClientSecret: vi.fn(),
    copyNewClientSecret: vi.fn(),
    forgetNewClientSecret: vi.fn(),
  };
});
const m = vi.mocked(api);

const APP = '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c03';
const WHO: SignedInAs = { tenant: 'contoso.com', tenant_name: 'Contoso Ltd', tenant_id: 't', access: 'audit', practice: true };

// A change as Rust records it after a fix (crates/wizard-core/tests/ui_fixtures.rs).
const CHANGE = (changesJson as ChangeLog).changes[0]!;

const failing = fixtureAudit('near-miss');
const clean = fixtureAudit('clean');
const facts = {
  tenant_id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  tenant_name: 'Contoso Ltd',
  region_scope: 'NA',
  verified_domains: ['contoso.com'],
  app_object_id: 'obj',
  service_principal_exists: true,
  admin_consented: [],
  admin_consent_missing: ['Mail.Read'],
};
const liveFailing: LiveAudit = { report: failing.report, facts };
const liveClean: LiveAudit = { report: clean.report, facts: { ...facts, admin_consent_missing: [] } };
const PLAN: FixPlan = {
  app_object_id: 'obj',
  steps: [
    {
      id: 'redirect_uri:https://api.us.nylas.com/v3/connect/callback',
      title: 'Add the Nylas callback under Web',
      before: 'Under Single-page application',
      after: 'Under Web',
    },
  ],
  patch: {},
};
const EMPTY: FixPlan = { app_object_id: 'obj', steps: [], patch: {} };
const ONE: LivePlan = { plan: PLAN, fixable: ['redirect_uris'] };
const NONE: LivePlan = { plan: EMPTY, fixable: [] };
const PERMISSION_STEP = {
  id: 'permission:Calendars.ReadWrite',
  title: 'Add Calendars.ReadWrite',
  before: 'Not listed',
  after: 'Calendars.ReadWrite as a delegated permission (Microsoft Graph)',
};
const TWO: LivePlan = {
  plan: { ...PLAN, steps: [...PLAN.steps, PERMISSION_STEP] },
  fixable: ['redirect_uris', 'delegated_scopes'],
};

function renderCheck() {
  const applyProgress = vi.fn();
  render(<LiveCheck tenant="contoso.com" onOpen={vi.fn()} onAskTenant={vi.fn()} applyProgress={applyProgress} />);
  return applyProgress;
}

async function checkApp() {
  const input = (await screen.findByTestId('live-client-id')) as HTMLInputElement;
  input.value = APP;
  fireEvent.click(screen.getByTestId('live-check-button'));
}

beforeEach(() => vi.clearAllMocks());

describe('Check my app live', () => {
  it('offers sign-in first, and nothing to check before it', async () => {
    m.microsoftSignedIn.mockResolvedValue(null);
    renderCheck();
    await screen.findByTestId('ms-sign-in-browser');
    expect(screen.queryByTestId('live-client-id')).toBeNull();
  });

  it('shows the live findings and the tenant facts, then previews "Fix this" in words and applies it only after confirmation', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockResolvedValueOnce(ONE).mockResolvedValueOnce(ONE).mockResolvedValueOnce(NONE);
    m.applyLiveFixes.mockResolvedValue({
      outcome: { applied: PLAN, after: liveClean },
      progress: clean.progress,
      changes: [CHANGE],
    });
    const applyProgress = renderCheck();
    await checkApp();
    await screen.findByTestId('audit-results');
    expect(m.checkAppLive).toHaveBeenCalledWith(APP);
    expect(applyProgress).toHaveBeenCalledWith(failing.progress);
    expect(screen.getByTestId('live-consent').textContent).toContain('Admin consent is missing for: Mail.Read');
    // One fixable check: "Fix this" on it, no "Fix all".
    expect((await screen.findByTestId('fixable-redirect_uris')).textContent).toContain('Redirect URIs');
    expect(screen.queryByTestId('fix-all')).toBeNull();
    fireEvent.click(screen.getByTestId('fix-this-redirect_uris'));
    const preview = await screen.findByTestId('fix-preview');
    expect(m.planLiveFixes).toHaveBeenLastCalledWith(APP, 'redirect_uris');
    expect(preview.textContent).toContain('One change to your app');
    expect(screen.getByTestId('fix-before').textContent).toBe('Under Single-page application');
    expect(screen.getByTestId('fix-after').textContent).toBe('Under Web');
    expect(m.applyLiveFixes).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('fix-apply'));
    await screen.findByTestId('fix-applied');
    expect(m.applyLiveFixes).toHaveBeenCalledWith(APP, 'redirect_uris');
    expect(screen.getByTestId('fix-applied').textContent).toContain('Your app was changed (one change) and checked again');
    // What changed, with how to undo it (folded).
    const changed = screen.getByTestId('just-changed');
    expect(changed.textContent).toContain(CHANGE.what);
    expect(changed.querySelector('summary')?.textContent).toBe('How to undo this');
    expect(applyProgress).toHaveBeenLastCalledWith(clean.progress);
    expect(screen.queryByTestId('fix-preview')).toBeNull();
    // The plan was read again before the result showed: nothing left.
    expect(m.planLiveFixes).toHaveBeenCalledTimes(3);
    expect(screen.queryByTestId('live-fixes')).toBeNull();
  });

  it('"Fix all" previews every change at once and applies them together', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockResolvedValueOnce(TWO).mockResolvedValueOnce(NONE);
    m.applyLiveFixes.mockResolvedValue({ outcome: { applied: TWO.plan, after: liveClean }, progress: clean.progress, changes: [] });
    renderCheck();
    await checkApp();
    expect((await screen.findByTestId('fix-all')).textContent).toBe('Fix all (2 changes)');
    fireEvent.click(screen.getByTestId('fix-all'));
    const preview = screen.getByTestId('fix-preview');
    expect(preview.textContent).toContain('2 changes to your app');
    expect(screen.getAllByTestId('fix-step')).toHaveLength(2);
    expect(m.planLiveFixes).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByTestId('fix-apply'));
    expect((await screen.findByTestId('fix-applied')).textContent).toContain('(2 changes)');
    expect(m.applyLiveFixes).toHaveBeenCalledWith(APP, null);
  });

  it('one primary button: Fix all while fixes wait, then Grant admin consent', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockResolvedValueOnce(TWO).mockResolvedValueOnce(NONE);
    // Fixed, but admin consent is still missing.
    const fixed: LiveAudit = { report: clean.report, facts };
    m.applyLiveFixes.mockResolvedValue({ outcome: { applied: TWO.plan, after: fixed }, progress: clean.progress, changes: [] });
    renderCheck();
    await checkApp();
    expect((await screen.findByTestId('fix-all')).className).toContain('btn-primary');
    expect(screen.getByTestId('admin-consent-button').className).toContain('btn-secondary');
    expect(screen.getByTestId('admin-consent-button').className).not.toContain('btn-primary');
    fireEvent.click(screen.getByTestId('fix-all'));
    fireEvent.click(screen.getByTestId('fix-apply'));
    await screen.findByTestId('fix-applied');
    expect(screen.queryByTestId('fix-all')).toBeNull();
    expect(screen.getByTestId('admin-consent-button').className).toContain('btn-primary');
  });

  it('Cancel in the preview changes nothing', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockResolvedValue(TWO);
    renderCheck();
    await checkApp();
    fireEvent.click(await screen.findByTestId('fix-all'));
    fireEvent.click(screen.getByTestId('fix-cancel'));
    expect(screen.queryByTestId('fix-preview')).toBeNull();
    expect(m.applyLiveFixes).not.toHaveBeenCalled();
  });

  it('a read-only sign-in must sign in again, allowing changes, before applying', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockResolvedValue(TWO);
    renderCheck();
    await checkApp();
    fireEvent.click(await screen.findByTestId('fix-all'));
    expect(screen.queryByTestId('fix-apply')).toBeNull();
    const preview = screen.getByTestId('fix-preview');
    expect(preview.textContent).toContain('sign in again and allow changes');
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

  it('offers Cancel while reading the app; a cancelled check is a quiet note, not an error', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.checkAppLive.mockReturnValue(cancellable());
    renderCheck();
    await screen.findByTestId('live-client-id');
    expect(screen.queryByTestId('live-check-cancel')).toBeNull();
    await checkApp();
    expect(screen.getByTestId('live-check-button').textContent).toBe('Reading your app…');
    fireEvent.click(screen.getByTestId('live-check-cancel'));
    const stopped = await screen.findByTestId('live-stopped');
    expect(m.cancelRemote.mock.calls).toEqual([['check_app_live']]);
    expect(stopped.textContent).toContain('Stopped. Nothing was changed');
    expect(screen.queryByTestId('error-card')).toBeNull();
    expect(screen.queryByTestId('live-check-cancel')).toBeNull();
    expect(screen.getByTestId('live-check-button').textContent).toBe('Check my app');
    expect(m.planLiveFixes).not.toHaveBeenCalled();
  });

  it('Cancel while the fixes are planned stops plan_live_fixes', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockReturnValue(cancellable());
    renderCheck();
    await checkApp();
    await screen.findByTestId('audit-results');
    expect(m.planLiveFixes).toHaveBeenCalledWith(APP);
    fireEvent.click(screen.getByTestId('live-check-cancel'));
    await screen.findByTestId('live-stopped');
    expect(m.cancelRemote.mock.calls).toEqual([['plan_live_fixes']]);
    expect(screen.queryByTestId('error-card')).toBeNull();
    expect(screen.queryByTestId('live-fixes')).toBeNull();
  });

  it('Cancel while applying stops before the next change and says checking again shows what was applied', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    m.checkAppLive.mockResolvedValue({ live: liveFailing, progress: failing.progress });
    m.planLiveFixes.mockResolvedValue(TWO);
    m.applyLiveFixes.mockReturnValue(cancellable());
    const applyProgress = renderCheck();
    await checkApp();
    fireEvent.click(await screen.findByTestId('fix-all'));
    expect(screen.queryByTestId('live-apply-cancel')).toBeNull();
    fireEvent.click(screen.getByTestId('fix-apply'));
    const cancel = await screen.findByTestId('live-apply-cancel');
    expect(cancel.textContent).toBe('Stop before the next change');
    expect(cancel.parentElement?.textContent).toContain('Check again afterwards to see what was applied');
    fireEvent.click(cancel);
    const stopped = await screen.findByTestId('live-stopped');
    expect(m.cancelRemote.mock.calls).toEqual([['apply_live_fixes']]);
    expect(stopped.textContent).toContain('Stopped before the next change');
    expect(stopped.textContent).toContain('check again to see what was applied');
    expect(screen.queryByTestId('error-card')).toBeNull();
    expect(screen.queryByTestId('fix-applied')).toBeNull();
    expect(screen.queryByTestId('fix-preview')).toBeNull();
    expect(screen.queryByTestId('live-apply-cancel')).toBeNull();
    // Only the check's progress was applied; nothing claims a change.
    expect(applyProgress).toHaveBeenCalledTimes(1);
  });

  it('shows Graph errors as a card', async () => {
    m.microsoftSignedIn.mockResolvedValue(WHO);
    m.checkAppLive.mockRejectedValue(
      new WizardApiError('forbidden', "Microsoft says the account you signed in with isn't allowed to read the app.", 'Ask for Application Administrator.'),
    );
    renderCheck();
    await checkApp();
    expect((await screen.findByTestId('error-card')).textContent).toContain("isn't allowed");
  });

  it('creates a new secret, shows only its hint, copies it through Rust and forgets it on closing', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    // What Rust answers: the hint, never the value.
    m.createNewClientSecret.mockResolvedValue({
      key_id: 'k1',
      display_name: 'Nylas',
      hint: 'Q~x…7Fd',
      expires: '2027-06-01T00:00:00Z',
      stored_persistently: true,
    });
    m.copyNewClientSecret.mockResolvedValue({ copied: true });
    m.forgetNewClientSecret.mockResolvedValue(undefined);
    renderCheck();
    const input = (await screen.findByTestId('live-client-id')) as HTMLInputElement;
    input.value = APP;
    fireEvent.click(screen.getByTestId('new-secret-button'));
    fireEvent.change(screen.getByTestId('new-secret-lifetime'), { target: { value: 'one_year' } });
    fireEvent.click(screen.getByTestId('new-secret-create'));
    const created = await screen.findByTestId('new-secret-created');
    expect(m.createNewClientSecret).toHaveBeenCalledWith(APP, 'Nylas', 'one_year');
    expect(screen.getByTestId('new-secret-hint').textContent).toBe('Q~x…');
    expect(created.textContent).toContain('saved in your keychain');
    // No value anywhere, nor a place to show one.
    expect(screen.queryByTestId('new-secret-value')).toBeNull();
    expect(created.querySelector('input')).toBeNull();
    expect(m.copyNewClientSecret).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('new-secret-copy'));
    expect((await screen.findByTestId('new-secret-copied')).textContent).toContain('Copied — paste it where you need it');
    expect(m.copyNewClientSecret).toHaveBeenCalledTimes(1);
    expect(m.forgetNewClientSecret).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('new-secret-done'));
    expect(screen.queryByTestId('new-secret-dialog')).toBeNull();
    expect(m.forgetNewClientSecret).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('new-secret-note').textContent).toContain('Q~x…7Fd');
  });

  it('says so when the clipboard is out of reach, and practice mode keeps the secret in memory', async () => {
    m.microsoftSignedIn.mockResolvedValue({ ...WHO, access: 'fix' });
    m.createNewClientSecret.mockResolvedValue({
      key_id: 'k1',
      display_name: 'Nylas',
      hint: 'Q~x…7Fd',
      expires: '2027-06-01T00:00:00Z',
      stored_persistently: false,
    });
    m.copyNewClientSecret.mockRejectedValue(
      new WizardApiError('io', "The wizard couldn't reach this computer's clipboard.", 'The secret is saved in your keychain.'),
    );
    renderCheck();
    const input = (await screen.findByTestId('live-client-id')) as HTMLInputElement;
    input.value = APP;
    fireEvent.click(screen.getByTestId('new-secret-button'));
    fireEvent.click(screen.getByTestId('new-secret-create'));
    expect((await screen.findByTestId('new-secret-created')).textContent).toContain('in memory until you close the wizard');
    fireEvent.click(screen.getByTestId('new-secret-copy'));
    expect((await screen.findByTestId('error-card')).textContent).toContain("couldn't reach this computer's clipboard");
    expect(screen.queryByTestId('new-secret-copied')).toBeNull();
  });
});
