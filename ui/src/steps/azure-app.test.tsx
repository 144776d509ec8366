import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, toWizardError } from '../api';
import type { AuditOutcome } from '../bindings/AuditOutcome';
import type { Answer, NextProgress, TestCtx } from '../test/requirements';
import {
  answersWith,
  deferred,
  fixtureAudit,
  fixtureChoices,
  fixtureError,
  fixtureManifest,
  makeCtx,
  renderStep,
} from '../test/requirements';
import { AzureAppStep } from './azure-app';
import { localDate } from './finding-details';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, auditManifest: vi.fn(), featureChoices: vi.fn(), storedSecret: vi.fn() };
});
const m = vi.mocked(api);

const MANIFEST = fixtureManifest('near-miss');
const CLEAN = fixtureManifest('clean');
const UNRECOGNISED = fixtureManifest('unrecognised');

// Rust audits against the saved answers: the outcome returned is the one
// generated for the manifest and the state the answers are in
// ("near-miss", "clean" for v3/azure-app/answered, else "<manifest>/<state>").
let ctx: TestCtx;
let answers: string;

function outcomeFor(text: string): AuditOutcome {
  const manifest = text === MANIFEST ? 'near-miss' : text === CLEAN ? 'clean' : text === UNRECOGNISED ? 'unrecognised' : null;
  if (manifest === null) throw new Error('auditManifest called with a manifest that has no generated audit');
  return fixtureAudit(answers === 'v3/azure-app/answered' ? manifest : `${manifest}/${answers}`);
}

/** The step on a generated state; `next` says what Rust answers to setAnswer. */
function show(start: string, next: NextProgress = answersWith([])) {
  answers = start;
  ctx = makeCtx(start, async (u, p) => {
    const a = await next(u, p);
    if (typeof a === 'string') answers = a;
    return a;
  });
  return renderStep(AzureAppStep, ctx);
}

beforeEach(() => {
  vi.clearAllMocks();
  m.auditManifest.mockImplementation(async (text) => outcomeFor(text));
  m.featureChoices.mockImplementation(async (path) => fixtureChoices(path));
  m.storedSecret.mockImplementation(async () => null);
});

function paste(text: string) {
  fireEvent.input(screen.getByTestId('manifest-paste'), { target: { value: text } });
  fireEvent.click(screen.getByTestId('manifest-check-button'));
}

// What the summary line says for the generated outcomes (the words are the
// UI's; the counts are Rust's, checked against the fixture where used).
const NEAR_MISS_SUMMARY = '2 things need fixing, 1 is worth a look and 11 are fine.';
const counts = (name: string) => fixtureAudit(name).report.summary;

const lastApplied = () => ctx.applyProgress.mock.lastCall?.[0];

describe('Azure app step', () => {
  it('checks a pasted manifest: only its text goes to Rust, and the progress Rust returns is applied', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest).toHaveBeenCalledWith(MANIFEST);
    expect(m.auditManifest.mock.calls[0]).toHaveLength(1);
    expect(ctx.applyProgress).toHaveBeenCalledTimes(1);
    expect(ctx.applyProgress).toHaveBeenCalledWith(fixtureAudit('near-miss').progress);
    // Rust records the result itself.
    expect(ctx.setAnswer).not.toHaveBeenCalled();
    expect(ctx.setStatus).not.toHaveBeenCalled();
  });

  it('marks the step as needing attention when something fails, done on leaving when nothing does', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const summary = await screen.findByTestId('audit-summary');
    expect(fixtureAudit('near-miss').report.summary.fail).toBeGreaterThan(0);
    expect(lastApplied()?.step_status['azure-app']).toBe('needs-attention');
    expect(ctx.session.progress.step_status['azure-app']).toBe('needs-attention');

    paste(CLEAN);
    expect(counts('clean')).toEqual({ fail: 0, warn: 0, pass: 14 });
    await waitFor(() => expect(summary.textContent).toBe('Nothing needs fixing and 14 are fine.'));
    // Done is set when the admin leaves the step; Rust says so ahead.
    expect(lastApplied()?.step_status['azure-app']).toBe('in-progress');
    expect(lastApplied()?.leaving?.status).toBe('done');
    expect(ctx.applyProgress).toHaveBeenCalledTimes(2);
    expect(ctx.setStatus).not.toHaveBeenCalled();
  });

  it('shows the summary and the findings grouped, each with its status in words', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const { report } = fixtureAudit('near-miss');
    const summary = await screen.findByTestId('audit-summary');
    expect(counts('near-miss')).toEqual({ fail: 2, warn: 1, pass: 11 });
    expect(summary.textContent).toBe(NEAR_MISS_SUMMARY);

    const fail = screen.getByTestId('finding-group-fail');
    expect(within(fail).getByRole('heading', { level: 3 }).textContent).toContain('Needs fixing');
    const warn = screen.getByTestId('finding-group-warn');
    expect(within(warn).getByRole('heading', { level: 3 }).textContent).toContain('Worth a look');
    for (const f of report.findings.filter((x) => x.status !== 'pass')) {
      const card = screen.getByTestId(`finding-${f.check}`);
      expect(card.getAttribute('data-status')).toBe(f.status);
      expect((f.status === 'fail' ? fail : warn).contains(card)).toBe(true);
      expect(card.textContent).toContain(f.title);
      expect(card.textContent).toContain(`Prevents sign-in errors ${f.prevents.join(', ')}`);
      if (f.fix !== null) expect(within(card).getByTestId('finding-fix').textContent).toContain(f.fix);
    }

    const redirect = report.findings.find((f) => f.check === 'redirect_uris')!;
    const card = screen.getByTestId('finding-redirect_uris');
    expect(card.textContent).toContain('Needs fixing');
    const fix = within(card).getByTestId('finding-fix');
    expect(fix.textContent).toContain('How to fix');
    // The URI to add, copyable; each near miss explained.
    const details = redirect.details as { missing: string[]; near_misses: Array<{ explanation: string }> };
    expect(within(card).getAllByTestId('finding-missing-uri').map((e) => e.querySelector('code')?.textContent)).toEqual(
      details.missing,
    );
    expect(details.near_misses.length).toBeGreaterThan(0);
    for (const n of details.near_misses) expect(fix.textContent).toContain(n.explanation);

    const scopes = report.findings.find((f) => f.check === 'delegated_scopes')!;
    expect(
      Array.from(screen.getByTestId('finding-delegated_scopes').querySelectorAll('.chip')).map((c) => c.textContent),
    ).toEqual((scopes.details as { missing: string[] }).missing);
    const secret = screen.getByTestId('finding-client_secret');
    expect(secret.getAttribute('data-status')).toBe('warn');
    expect(warn.contains(secret)).toBe(true);
    const expires = (report.findings.find((f) => f.check === 'client_secret')!.details as { expires: string }).expires;
    expect(secret.textContent).toContain(`expires on ${localDate(expires)}`);
  });

  it('folds the passed checks until asked', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const passed = fixtureAudit('near-miss').report.findings.filter((f) => f.status === 'pass');
    const toggle = await screen.findByTestId('toggle-passed');
    expect(toggle.textContent).toContain('All good');
    expect(toggle.textContent).toContain(`(${passed.length})`);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    for (const f of passed) expect(screen.queryByTestId(`finding-${f.check}`)).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    for (const f of passed) {
      const card = screen.getByTestId(`finding-${f.check}`);
      expect(card.getAttribute('data-status')).toBe('pass');
      expect(card.textContent).toContain('All good');
      expect(card.textContent).toContain(f.title);
    }
  });

  it('opens the exact portal page of a finding in the browser', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const card = await screen.findByTestId('finding-redirect_uris');
    fireEvent.click(within(card).getByTestId('open-portal-button'));
    const f = fixtureAudit('near-miss').report.findings.find((f) => f.check === 'redirect_uris')!;
    expect(f.portal_link).toContain('/Authentication/');
    expect(f.portal.blade).toBe('authentication');
    // By intent: the blade and app id, never the URL.
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'portal', page: f.portal });
  });

  it('shows a file that is not a manifest as a friendly card with its hint', async () => {
    m.auditManifest.mockRejectedValueOnce(
      new WizardApiError('manifest_invalid', 'This looks like a package.json, not an app manifest.', 'In the Azure portal open your app → Manifest → Download.'),
    );
    show('v3/azure-app/answered');
    paste('{"name": "mail-sync-service"}');
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain("That file isn't an app manifest");
    expect(card.textContent).toContain('This looks like a package.json');
    expect(card.textContent).toContain('What to do: In the Azure portal open your app → Manifest → Download.');
    expect(within(card).getByTestId('error-code').textContent).toBe('manifest_invalid');
    expect(screen.queryByTestId('audit-summary')).toBeNull();
    expect(ctx.applyProgress).not.toHaveBeenCalled();
  });

  it('reads a chosen file and checks it, naming the file', async () => {
    show('v3/azure-app/answered');
    const file = new File([MANIFEST], 'northwind.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('manifest-file-input'), { target: { files: [file] } });
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest).toHaveBeenCalledWith(MANIFEST);
    expect(screen.getByText('northwind.json')).toBeTruthy();
  });

  it('checks a file dropped on the drop zone', async () => {
    show('v3/azure-app/answered');
    const file = new File([MANIFEST], 'dropped.json', { type: 'application/json' });
    // happy-dom's drag events don't carry files; build the drop by hand.
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [file] } });
    screen.getByTestId('manifest-drop').dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest).toHaveBeenCalledWith(MANIFEST);
  });

  it('asks for the manifest instead of checking an empty paste', () => {
    show('v3/azure-app/answered');
    paste('   ');
    expect(m.auditManifest).not.toHaveBeenCalled();
    expect(screen.getByText(/Paste the whole manifest first/)).toBeTruthy();
  });

  it('remembers that a check was done (Rust records it), never the manifest itself', async () => {
    const { unmount } = show('v3/azure-app/answered');
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    const { report } = fixtureAudit('near-miss');
    expect(ctx.session.progress.answers.last_check).toEqual({
      display_name: report.display_name,
      checked_at: report.checked_at,
      ...report.summary,
    });
    expect(ctx.setAnswer).not.toHaveBeenCalled();
    expect(JSON.stringify(ctx.session.progress)).not.toContain('redirectUris');

    // Opened again, the step says what that check found.
    unmount();
    render(<AzureAppStep ctx={ctx} />);
    expect(screen.getByTestId('last-check').textContent).toContain(NEAR_MISS_SUMMARY);
  });

  it('says what the last check found when the step opens again', () => {
    const after = fixtureAudit('near-miss');
    ctx = makeCtx(after.progress);
    render(<AzureAppStep ctx={ctx} />);
    const line = screen.getByTestId('last-check').textContent;
    expect(line).toContain(`You checked “${after.report.display_name}” on ${localDate(after.report.checked_at)}`);
    expect(after.progress.answers.last_check).toMatchObject(counts('near-miss'));
    expect(line).toContain(NEAR_MISS_SUMMARY);
    expect(screen.queryByTestId('audit-summary')).toBeNull();
  });

  it('checks the Teams path for Teams, without asking what the app does', async () => {
    show('teams/azure-app/new');
    expect(ctx.session.progress.current?.audit_path).toBe('teams');
    expect(screen.getByTestId('azure-app-step').textContent).toContain('Teams meetings usually use one tenant.');
    paste(MANIFEST);
    const summary = await screen.findByTestId('audit-summary');
    expect(m.auditManifest).toHaveBeenCalledWith(MANIFEST);
    expect(counts('near-miss/teams/azure-app/new')).toEqual({ fail: 3, warn: 1, pass: 10 });
    expect(summary.textContent).toBe('3 things need fixing, 1 is worth a look and 10 are fine.');
    expect(screen.getByTestId('azure-app-step').textContent).toContain('for Microsoft Teams meetings in the US region');
    expect(screen.queryByTestId('audit-preset')).toBeNull();
    expect(m.featureChoices).not.toHaveBeenCalled();
  });

  it('on the migration path with no features saved, asks what the app does; Rust refuses to check until then', async () => {
    show('migrate/azure-app/no-features', answersWith([[{ key: 'preset', value: 'read-only-inbox' }, 'migrate/azure-app/read-only-inbox']]));
    // Drawn at once (disabled) so the page below doesn't jump when the choices arrive.
    expect((screen.getByTestId('audit-preset-loading') as HTMLSelectElement).disabled).toBe(true);
    const select = (await screen.findByTestId('audit-preset')) as HTMLSelectElement;
    expect(m.featureChoices).toHaveBeenCalledWith('migrate');
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['', ...fixtureChoices('migrate').presets.map((p) => p.id)]);

    const refusal = fixtureError('audit/needs-features');
    m.auditManifest.mockRejectedValueOnce(toWizardError(refusal));
    paste(MANIFEST);
    const card = await screen.findByTestId('audit-error');
    expect(card.textContent).toContain(refusal.message);
    expect(card.textContent).toContain(refusal.hint);
    expect(ctx.applyProgress).not.toHaveBeenCalled();

    fireEvent.change(select, { target: { value: 'read-only-inbox' } });
    await waitFor(() => expect(ctx.setAnswer).toHaveBeenCalledWith({ key: 'preset', value: 'read-only-inbox' }));
    // The choice stays on screen, showing what Rust saved.
    await waitFor(() => expect((screen.getByTestId('audit-preset') as HTMLSelectElement).value).toBe('read-only-inbox'));
    fireEvent.click(screen.getByTestId('manifest-check-button'));
    const summary = await screen.findByTestId('audit-summary');
    expect(counts('near-miss/migrate/azure-app/read-only-inbox')).toEqual({ fail: 2, warn: 1, pass: 11 });
    expect(summary.textContent).toBe(NEAR_MISS_SUMMARY);
    expect(m.auditManifest).toHaveBeenCalledTimes(2);
    expect(m.auditManifest).toHaveBeenLastCalledWith(MANIFEST);
    expect(screen.queryByTestId('audit-error')).toBeNull();
  });

  it('checks again when the tenancy or tenant changes, only once Rust has saved it', async () => {
    const saves: Array<ReturnType<typeof deferred<Answer>>> = [];
    show('v3/azure-app/answered', () => {
      const d = deferred<Answer>();
      saves.push(d);
      return d.promise;
    });
    paste(MANIFEST);
    const summary = await screen.findByTestId('audit-summary');

    fireEvent.change(screen.getByTestId('audit-tenancy'), { target: { value: 'single' } });
    expect(ctx.setAnswer).toHaveBeenLastCalledWith({ key: 'tenancy', value: 'single' });
    await new Promise((r) => setTimeout(r, 20));
    expect(m.auditManifest).toHaveBeenCalledTimes(1);
    saves[0]!.resolve('v3/azure-app/single');
    await waitFor(() => expect(m.auditManifest).toHaveBeenCalledTimes(2));
    expect(m.auditManifest).toHaveBeenLastCalledWith(MANIFEST);
    expect(counts('near-miss/v3/azure-app/single')).toEqual({ fail: 2, warn: 3, pass: 9 });
    await waitFor(() => expect(summary.textContent).toBe('2 things need fixing, 3 are worth a look and 9 are fine.'));

    const tenant = screen.getByTestId('audit-tenant') as HTMLInputElement;
    fireEvent.input(tenant, { target: { value: 'contoso.com' } });
    fireEvent.change(tenant, { target: { value: 'contoso.com' } });
    expect(ctx.setAnswer).toHaveBeenLastCalledWith({ key: 'tenant', value: 'contoso.com' });
    await new Promise((r) => setTimeout(r, 20));
    expect(m.auditManifest).toHaveBeenCalledTimes(2);
    saves[1]!.resolve('v3/azure-app/single-contoso');
    await waitFor(() => expect(m.auditManifest).toHaveBeenCalledTimes(3));
    expect(counts('near-miss/v3/azure-app/single-contoso')).toEqual({ fail: 2, warn: 2, pass: 10 });
    await waitFor(() => expect(summary.textContent).toBe('2 things need fixing, 2 are worth a look and 10 are fine.'));
    expect(ctx.applyProgress).toHaveBeenLastCalledWith(fixtureAudit('near-miss/v3/azure-app/single-contoso').progress);
  });

  it('does not check again when saving the tenant failed', async () => {
    const save = deferred<Answer>();
    show('v3/azure-app/answered', () => save.promise);
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    fireEvent.change(screen.getByTestId('audit-tenant'), { target: { value: 'contoso.com' } });
    expect(ctx.setAnswer).toHaveBeenCalledWith({ key: 'tenant', value: 'contoso.com' });
    save.resolve(null);
    await new Promise((r) => setTimeout(r, 20));
    expect(m.auditManifest).toHaveBeenCalledTimes(1);
  });

  it('a single-tenant admin-consent finding takes the admin to the tenant field instead of a link Microsoft refuses', async () => {
    show('v3/azure-app/single-rooms');
    paste(MANIFEST);
    const { report } = fixtureAudit('near-miss/v3/azure-app/single-rooms');
    const consent = report.findings.find((f) => f.check === 'admin_consent')!;
    expect(consent.status).toBe('warn');
    expect(consent.details).toMatchObject({ tenant_needed: true, admin_consent_url: null });
    const card = await screen.findByTestId('finding-admin_consent');
    expect(card.textContent).toContain(consent.fix!);
    expect(card.textContent).not.toContain('Open the admin-consent page');
    expect(card.textContent).not.toContain('/organizations/adminconsent');

    const options = screen.getByTestId('audit-options') as HTMLDetailsElement;
    const tenant = screen.getByTestId('audit-tenant');
    expect(options.open).toBe(false);
    fireEvent.click(within(card).getByTestId('ask-tenant-button'));
    expect(options.open).toBe(true);
    expect(document.activeElement).toBe(tenant);
    // Nothing is saved until the admin types a tenant.
    expect(ctx.setAnswer).not.toHaveBeenCalled();
  });

  it('with a tenant, or for a multitenant app, the admin-consent finding offers the link, not the tenant field', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    expect(screen.queryByTestId('ask-tenant-button')).toBeNull();
  });

  it('lists the permissions Rust could not recognise under least privilege, with what they look like', async () => {
    show('v3/azure-app/answered');
    paste(UNRECOGNISED);
    const { report } = fixtureAudit('unrecognised');
    const privilege = report.findings.find((f) => f.check === 'least_privilege')!;
    expect(privilege.status).toBe('warn');
    const unknown = (privilege.details as { unknown: Array<{ id: string; looks_like: { name: string } | null }> }).unknown;
    expect(unknown.map((u) => u.looks_like?.name ?? null)).toEqual(['Mail.Send', null]);
    const card = await screen.findByTestId('finding-least_privilege');
    const rows = within(card).getAllByTestId('finding-unrecognised');
    expect(rows.map((r) => r.querySelector('code')?.textContent)).toEqual(unknown.map((u) => u.id));
    expect(rows[0]!.textContent).toContain('it looks like Mail.Send');
    expect(rows[1]!.textContent).toContain('no such permission in Microsoft Graph');
    expect(card.textContent).toContain(privilege.fix!);
  });
});

describe('the fix-and-check loop (issue 17, point 7)', () => {
  it("“I've fixed it — check again” dims the old results, asks for the new manifest where it was pasted, and the new check replaces them", async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const results = await screen.findByTestId('audit-results');
    // The new results take focus first (as after any check).
    await waitFor(() => expect(document.activeElement?.id).toBe('audit-title'));
    expect(results.dataset.stale).toBe('false');
    expect(screen.queryByTestId('audit-stale-note')).toBeNull();

    fireEvent.click(within(results).getByTestId('recheck-button'));
    expect(results.dataset.stale).toBe('true');
    expect(results.classList.contains('is-stale')).toBe(true);
    // Said in words, not only by dimming.
    expect(screen.getByTestId('audit-stale-note').textContent).toBe(
      'These results are from before your fix. They update when you check the new manifest.',
    );
    expect(results.getAttribute('aria-describedby')).toBe('audit-stale-note');
    expect(screen.getByTestId('recheck-ask').textContent).toContain('Download the manifest again');
    // The pasted text is selected, so pasting the new manifest replaces it.
    const box = screen.getByTestId('manifest-paste') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(box);
    expect(box.selectionStart).toBe(0);
    expect(box.selectionEnd).toBe(MANIFEST.length);
    // Nothing is checked until the new manifest comes.
    expect(m.auditManifest).toHaveBeenCalledTimes(1);

    paste(CLEAN);
    await waitFor(() => expect(screen.getByTestId('audit-summary').textContent).toBe('Nothing needs fixing and 14 are fine.'));
    expect(screen.getByTestId('audit-results').dataset.stale).toBe('false');
    expect(screen.queryByTestId('audit-stale-note')).toBeNull();
    expect(screen.queryByTestId('recheck-ask')).toBeNull();
  });

  it('after a file, it puts the cursor on the file button', async () => {
    show('v3/azure-app/answered');
    const file = new File([MANIFEST], 'northwind.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('manifest-file-input'), { target: { files: [file] } });
    const results = await screen.findByTestId('audit-results');
    await waitFor(() => expect(document.activeElement?.id).toBe('audit-title'));
    fireEvent.click(within(results).getByTestId('recheck-button'));
    expect(document.activeElement).toBe(screen.getByTestId('manifest-file-input'));
    expect(results.dataset.stale).toBe('true');
  });

  it('dims the old results while a check runs again', async () => {
    const check = deferred<AuditOutcome>();
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const results = await screen.findByTestId('audit-results');
    m.auditManifest.mockImplementationOnce(() => check.promise);
    paste(CLEAN);
    await waitFor(() => expect(results.dataset.stale).toBe('true'));
    check.resolve(outcomeFor(CLEAN));
    await waitFor(() => expect(screen.getByTestId('audit-results').dataset.stale).toBe('false'));
  });
});

describe('finding cards a non-developer can follow (issue 17, point 6)', () => {
  it('says what each fix changes and whether it is safe, in Rust’s words, and copies instructions', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    const { report } = fixtureAudit('near-miss');
    for (const f of report.findings.filter((x) => x.status !== 'pass' && x.fix !== null)) {
      expect(f.safety).not.toBeNull();
      const card = screen.getByTestId(`finding-${f.check}`);
      expect(within(card).getByTestId('finding-safety').textContent).toBe(`Is it safe? ${f.safety!}`);
      expect(within(card).getByRole('button', { name: 'Copy instructions' })).toBeTruthy();
      expect(within(card).queryByRole('button', { name: 'Copy the fix' })).toBeNull();
    }
    const redirect = report.findings.find((f) => f.check === 'redirect_uris')!;
    expect(redirect.safety).toContain("adding a redirect URI doesn't affect existing sign-ins");
  });

  it('marks every difference of a near miss: the region and the trailing slash', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const card = await screen.findByTestId('finding-redirect_uris');
    const compare = within(card).getAllByTestId('near-miss-compare')[0]!;
    const marks = within(compare).getAllByTestId('diff-mark').map((m) => m.textContent);
    // Yours: …api.[us]…callback[/]   Needed: …api.[eu]…callback
    expect(marks).toEqual(['[differs: us]', '[differs: /]', '[differs: eu]']);
    expect(compare.textContent).toContain('Yours:');
    expect(compare.textContent).toContain('Needed:');
  });

  it('puts sign-in error codes under "Details for support", folded, never first', async () => {
    show('v3/azure-app/answered');
    paste(MANIFEST);
    const card = await screen.findByTestId('finding-redirect_uris');
    const support = within(card).getByTestId('finding-support') as HTMLDetailsElement;
    expect(support.tagName).toBe('DETAILS');
    expect(support.open).toBe(false);
    expect(support.querySelector('summary')?.textContent).toBe('Details for support');
    expect(support.textContent).toContain('AADSTS50011');
    // The card's headline and explanation carry no code.
    expect(within(card).getByRole('heading', { level: 4 }).textContent).not.toMatch(/AADSTS/);
  });

  it('says when a warning is safe to ignore', async () => {
    show('v3/azure-app/single', answersWith([]));
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    const { report } = fixtureAudit('near-miss/v3/azure-app/single');
    const audience = report.findings.find((f) => f.check === 'sign_in_audience')!;
    expect(audience.status).toBe('warn');
    expect(audience.ignore_when).not.toBeNull();
    expect(within(screen.getByTestId('finding-sign_in_audience')).getByTestId('finding-ignore').textContent).toBe(
      audience.ignore_when,
    );
    // A failure is never said to be safe to ignore.
    expect(within(screen.getByTestId('finding-redirect_uris')).queryByTestId('finding-ignore')).toBeNull();
  });
});

describe('the Azure app step’s questions (issue 17, point 8)', () => {
  it('asks "Who will sign in?" on its own before the manifest; tenant and client secret have their own sections', () => {
    show('v3/azure-app/answered');
    const who = screen.getByRole('heading', { level: 2, name: 'Who will sign in?' });
    const tenancy = screen.getByTestId('audit-tenancy');
    const manifest = screen.getByRole('heading', { level: 2, name: 'Check your app registration' });
    // Before the manifest, and not folded away with the optional answers.
    expect(who.compareDocumentPosition(manifest) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(tenancy.compareDocumentPosition(manifest) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(tenancy.closest('details')).toBeNull();
    expect(tenancy.getAttribute('aria-labelledby')).toBe('who-signs-in-title');
    const options = screen.getByTestId('audit-options');
    const tenant = within(options).getByTestId('tenant-section');
    const secret = within(options).getByTestId('secret-section');
    expect(within(tenant).getByRole('heading', { level: 3 }).textContent).toBe('Your tenant');
    expect(within(secret).getByRole('heading', { level: 3 }).textContent).toBe('Your client secret');
    expect(within(tenant).getByTestId('audit-tenant')).toBeTruthy();
    expect(within(secret).getByTestId('client-secret')).toBeTruthy();
  });
});

describe('help in place on the Azure app step (issue 17, point 12)', () => {
  it('explains manifest, tenant and client secret where they are asked, and admin consent on its finding', async () => {
    show('v3/azure-app/single-rooms');
    for (const term of ['manifest', 'tenant', 'client_secret']) {
      expect(screen.getByTestId(`term-${term}`)).toBeTruthy();
    }
    fireEvent.click(within(screen.getByTestId('term-tenant')).getByTestId('term-docs-tenant'));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'microsoft_tenant_id' } });
    paste(MANIFEST);
    const card = await screen.findByTestId('finding-admin_consent');
    expect(within(card).getByTestId('term-admin_consent')).toBeTruthy();
  });
});
