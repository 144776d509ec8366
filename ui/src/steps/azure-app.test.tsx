import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import { makeChoices, makeCtx, makeReport } from '../test/requirements';
import { AzureAppStep } from './azure-app';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, auditManifest: vi.fn(), featureChoices: vi.fn(), storedSecret: vi.fn() };
});
const m = vi.mocked(api);

const MANIFEST = '{"appId": "5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e", "web": {"redirectUris": []}}';

const V3_ANSWERS = {
  'features.preset': 'email-client',
  'features.list': ['mail-modify', 'mail-send'],
  'region.region': 'eu',
  'region.callback_uris': ['https://app.example.com/cb'],
};

beforeEach(() => {
  vi.clearAllMocks();
  m.auditManifest.mockImplementation(async () => makeReport());
  m.featureChoices.mockImplementation(async () => makeChoices());
  m.storedSecret.mockImplementation(async () => null);
});

function paste(text: string) {
  fireEvent.input(screen.getByTestId('manifest-paste'), { target: { value: text } });
  fireEvent.click(screen.getByTestId('manifest-check-button'));
}

describe('Azure app step', () => {
  it('checks a pasted manifest with the request built from the saved answers', async () => {
    render(<AzureAppStep ctx={makeCtx('v3', { ...V3_ANSWERS, 'azure-app.tenancy': 'single', 'azure-app.tenant': 'contoso.com' })} />);
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest).toHaveBeenCalledWith(MANIFEST, {
      path: 'v3',
      preset: 'email-client',
      features: ['mail-modify', 'mail-send'],
      region: 'eu',
      tenancy: 'single',
      tenant: 'contoso.com',
      client_id: null,
      callback_uris: ['https://app.example.com/cb'],
      now: null,
    });
  });

  it('marks the step as needing attention when something fails, done when nothing does', async () => {
    const ctx = makeCtx('v3', V3_ANSWERS);
    render(<AzureAppStep ctx={ctx} />);
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    expect(ctx.setStatus).toHaveBeenLastCalledWith('needs-attention');

    const clean = makeReport();
    clean.summary = { pass: 13, warn: 0, fail: 0 };
    clean.findings = clean.findings.map((f) => ({ ...f, status: 'pass' as const }));
    m.auditManifest.mockImplementation(async () => clean);
    paste(MANIFEST);
    await waitFor(() => expect(ctx.setStatus).toHaveBeenLastCalledWith('done'));
  });

  it('shows the summary and the findings grouped, each with its status in words', async () => {
    render(<AzureAppStep ctx={makeCtx('v3', V3_ANSWERS)} />);
    paste(MANIFEST);
    const summary = await screen.findByTestId('audit-summary');
    expect(summary.textContent).toBe('2 things need fixing, 1 is worth a look and 2 are fine.');

    const fail = screen.getByTestId('finding-group-fail');
    expect(within(fail).getByRole('heading', { level: 3 }).textContent).toContain('Needs fixing');
    const warn = screen.getByTestId('finding-group-warn');
    expect(within(warn).getByRole('heading', { level: 3 }).textContent).toContain('Worth a look');

    const card = screen.getByTestId('finding-redirect_uris');
    expect(card.getAttribute('data-status')).toBe('fail');
    expect(fail.contains(card)).toBe(true);
    expect(card.textContent).toContain('Needs fixing');
    expect(card.textContent).toContain('Your app is missing the EU redirect URI');
    const fix = within(card).getByTestId('finding-fix');
    expect(fix.textContent).toContain('How to fix');
    expect(fix.textContent).toContain('paste https://api.eu.nylas.com/v3/connect/callback exactly as shown');
    // The URI to add, copyable; the near miss and the misplaced one explained.
    expect(within(card).getByTestId('finding-missing-uri').querySelector('code')?.textContent).toBe(
      'https://api.eu.nylas.com/v3/connect/callback',
    );
    expect(fix.textContent).toContain('https://api.us.nylas.com/v3/connect/callback/ is for the other Nylas region.');
    expect(fix.textContent).toContain('is under Single-page application; Nylas needs it under Web.');
    expect(card.textContent).toContain('Prevents sign-in errors AADSTS50011, AADSTS500113');

    const scopes = screen.getByTestId('finding-delegated_scopes');
    expect(Array.from(scopes.querySelectorAll('.chip')).map((c) => c.textContent)).toEqual(['Mail.ReadWrite', 'Mail.Send']);
    const secret = screen.getByTestId('finding-client_secret');
    expect(secret.getAttribute('data-status')).toBe('warn');
    expect(warn.contains(secret)).toBe(true);
    expect(secret.textContent).toContain(new Date('2026-12-04T10:00:00Z').toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' }));
  });

  it('folds the passed checks until asked', async () => {
    render(<AzureAppStep ctx={makeCtx('v3', V3_ANSWERS)} />);
    paste(MANIFEST);
    const toggle = await screen.findByTestId('toggle-passed');
    expect(toggle.textContent).toContain('All good');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('finding-client_id')).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('finding-client_id').getAttribute('data-status')).toBe('pass');
    expect(screen.getByTestId('finding-offline_access').textContent).toContain('All good');
  });

  it('opens the exact portal page of a finding in the browser', async () => {
    const ctx = makeCtx('v3', V3_ANSWERS);
    render(<AzureAppStep ctx={ctx} />);
    paste(MANIFEST);
    const card = await screen.findByTestId('finding-redirect_uris');
    fireEvent.click(within(card).getByTestId('open-portal-button'));
    expect(ctx.openExternal).toHaveBeenCalledWith(
      'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Authentication/appId/5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e',
    );
  });

  it('shows a file that is not a manifest as a friendly card with its hint', async () => {
    m.auditManifest.mockRejectedValueOnce(
      new WizardApiError('manifest_invalid', 'This looks like a package.json, not an app manifest.', 'In the Azure portal open your app → Manifest → Download.'),
    );
    render(<AzureAppStep ctx={makeCtx('v3', V3_ANSWERS)} />);
    paste('{"name": "mail-sync-service"}');
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain("That file isn't an app manifest");
    expect(card.textContent).toContain('This looks like a package.json');
    expect(card.textContent).toContain('What to do: In the Azure portal open your app → Manifest → Download.');
    expect(within(card).getByTestId('error-code').textContent).toBe('manifest_invalid');
    expect(screen.queryByTestId('audit-summary')).toBeNull();
  });

  it('reads a chosen file and checks it, naming the file', async () => {
    render(<AzureAppStep ctx={makeCtx('v3', V3_ANSWERS)} />);
    const file = new File([MANIFEST], 'northwind.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('manifest-file-input'), { target: { files: [file] } });
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest.mock.calls[0]?.[0]).toBe(MANIFEST);
    expect(screen.getByText('northwind.json')).toBeTruthy();
  });

  it('checks a file dropped on the drop zone', async () => {
    render(<AzureAppStep ctx={makeCtx('v3', V3_ANSWERS)} />);
    const file = new File([MANIFEST], 'dropped.json', { type: 'application/json' });
    // happy-dom's drag events don't carry files; build the drop by hand.
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [file] } });
    screen.getByTestId('manifest-drop').dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest.mock.calls[0]?.[0]).toBe(MANIFEST);
  });

  it('asks for the manifest instead of checking an empty paste', () => {
    render(<AzureAppStep ctx={makeCtx('v3', V3_ANSWERS)} />);
    paste('   ');
    expect(m.auditManifest).not.toHaveBeenCalled();
    expect(screen.getByText(/Paste the whole manifest first/)).toBeTruthy();
  });

  it('remembers that a check was done, never the manifest itself', async () => {
    const ctx = makeCtx('v3', V3_ANSWERS);
    render(<AzureAppStep ctx={ctx} />);
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    expect(ctx.setAnswer).toHaveBeenCalledWith('azure-app.last_check', {
      display_name: 'Northwind Sync',
      checked_at: '2026-11-22T08:40:24Z',
      fail: 2,
      warn: 1,
      pass: 2,
    });
    for (const [, value] of vi.mocked(ctx.setAnswer).mock.calls) {
      expect(JSON.stringify(value)).not.toContain('redirectUris');
    }
  });

  it('says what the last check found when the step opens again', () => {
    render(
      <AzureAppStep
        ctx={makeCtx('v3', {
          ...V3_ANSWERS,
          'azure-app.last_check': { display_name: 'Northwind Sync', checked_at: '2026-11-22T08:40:24Z', fail: 1, warn: 0, pass: 12 },
        })}
      />,
    );
    expect(screen.getByTestId('last-check').textContent).toContain('1 thing needs fixing and 12 are fine.');
  });

  it('checks the Teams path for Teams, without features or callback URIs', async () => {
    render(<AzureAppStep ctx={makeCtx('teams', V3_ANSWERS)} />);
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest.mock.calls[0]?.[1]).toMatchObject({ path: 'teams', preset: null, features: [], callback_uris: [], region: 'eu' });
  });

  it('on the migration path with no features saved, asks what the app does before checking', async () => {
    const ctx = makeCtx('migrate', { 'region.region': 'us' });
    render(<AzureAppStep ctx={ctx} />);
    const select = (await screen.findByTestId('audit-preset')) as HTMLSelectElement;
    paste(MANIFEST);
    expect(m.auditManifest).not.toHaveBeenCalled();
    expect(screen.getByTestId('audit-error').textContent).toContain('depend on what your app does');

    fireEvent.change(select, { target: { value: 'read-only-inbox' } });
    await waitFor(() => expect(ctx.setAnswer).toHaveBeenCalledWith('features.list', ['mail-read']));
    expect(ctx.setAnswer).toHaveBeenCalledWith('features.preset', 'read-only-inbox');
    fireEvent.click(screen.getByTestId('manifest-check-button'));
    await screen.findByTestId('audit-summary');
    expect(m.auditManifest.mock.calls[0]?.[1]).toMatchObject({ path: 'v3', preset: 'read-only-inbox', features: ['mail-read'] });
  });

  it('checks again when the tenancy changes, and saves it', async () => {
    const ctx = makeCtx('v3', V3_ANSWERS);
    render(<AzureAppStep ctx={ctx} />);
    paste(MANIFEST);
    await screen.findByTestId('audit-summary');
    fireEvent.change(screen.getByTestId('audit-tenancy'), { target: { value: 'single' } });
    await waitFor(() => expect(m.auditManifest).toHaveBeenCalledTimes(2));
    expect(m.auditManifest.mock.calls[1]?.[1].tenancy).toBe('single');
    expect(ctx.setAnswer).toHaveBeenCalledWith('azure-app.tenancy', 'single');
  });
});
