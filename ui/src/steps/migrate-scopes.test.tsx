import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type MigrateScopesView, WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import type { ScopeTranslation } from '../bindings/ScopeTranslation';
import { fixturePlan, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { MigrateScopesStep } from './migrate-scopes';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    v2ScopeChoices: vi.fn(),
    translateV2Scopes: vi.fn(),
    checkCurrentAppExchange: vi.fn(),
    checkCurrentAppExchangeLive: vi.fn(),
    microsoftSignedIn: vi.fn(),
  };
});
const m = vi.mocked(api);

const CHOICES = [
  { id: 'email.read_only' as const, meaning: 'read messages, threads, attachments and drafts' },
  { id: 'calendar' as const, meaning: 'read and change calendars and events' },
];

/** What Rust answers for email.read_only + calendar (the plan is a real one). */
function translated(): ScopeTranslation {
  const plan = fixturePlan('v3/features/read-only-inbox');
  return {
    scopes: plan.scope_names,
    details: [],
    v2_scopes: ['email.read_only', 'calendar'],
    mapping: [
      { v2: 'email.read_only', meaning: CHOICES[0]!.meaning, features: ['mail-read'], graph_scopes: ['Mail.Read'], note: null },
      { v2: 'calendar', meaning: CHOICES[1]!.meaning, features: ['calendar-write'], graph_scopes: ['Calendars.ReadWrite'], note: null },
    ],
    features: ['mail-read', 'calendar-write'],
    plan,
    notes: ['Nylas v3 uses Microsoft Graph only: every user whose v2 account didn\'t use Graph signs in again to accept these permissions.'],
  };
}

function recorded(): ProgressView {
  const p = fixtureProgress('migrate/scopes/new');
  p.answers.migrate_scopes = {
    v2_scopes: ['calendar'],
    features: ['calendar-write'],
    scopes: ['Calendars.ReadWrite', 'User.Read', 'offline_access'],
    at: '2026-12-01T23:00:00Z',
  };
  p.leaving = { step: 'scopes', status: 'done', reason: null };
  return p;
}

beforeEach(() => {
  vi.clearAllMocks();
  m.microsoftSignedIn.mockResolvedValue(null);
  m.v2ScopeChoices.mockResolvedValue(CHOICES);
});

describe('MigrateScopesStep', () => {
  it('translates the ticked and pasted v2 scopes and shows each Graph permission with its reason', async () => {
    const ctx = makeCtx('migrate/scopes/new');
    const answer: MigrateScopesView = { translation: translated(), progress: recorded() };
    m.translateV2Scopes.mockResolvedValue(answer);
    renderStep(MigrateScopesStep, ctx);
    fireEvent.click(await screen.findByTestId('v2-scope-calendar'));
    const paste = screen.getByTestId('v2-scopes-paste') as HTMLTextAreaElement;
    paste.value = 'email.read_only';
    fireEvent.click(screen.getByTestId('translate-v2-scopes'));
    await waitFor(() => expect(m.translateV2Scopes).toHaveBeenCalledWith(['calendar'], 'email.read_only'));
    const panel = screen.getByTestId('migrate-scope-list');
    // The Features step's list: the reason of each permission.
    await within(panel).findByTestId('scope-Mail.Read');
    expect(within(panel).getByTestId('scope-offline_access').textContent).toContain('refresh access');
    const mapping = within(panel).getByTestId('migrate-mapping');
    expect(mapping.textContent).toContain('email.read_only');
    expect(mapping.textContent).toContain('Calendars.ReadWrite');
    expect(within(panel).getByTestId('migrate-notes').textContent).toContain('signs in again');
    // The pasted scope is ticked now, and the field is empty.
    expect((screen.getByTestId('v2-scope-email.read_only') as HTMLInputElement).checked).toBe(true);
    expect(paste.value).toBe('');
    expect(ctx.applyProgress).toHaveBeenCalledWith(answer.progress);
  });

  it('shows Rust\'s error naming an unknown v2 scope and keeps what was pasted', async () => {
    const ctx = makeCtx('migrate/scopes/new');
    m.translateV2Scopes.mockRejectedValue(
      new WizardApiError('invalid_input', '"calender" is not a Nylas v2 scope.', 'Nylas v2 scopes are: email, calendar.'),
    );
    renderStep(MigrateScopesStep, ctx);
    await screen.findByTestId('v2-scope-calendar');
    const paste = screen.getByTestId('v2-scopes-paste') as HTMLTextAreaElement;
    paste.value = 'calender';
    fireEvent.click(screen.getByTestId('translate-v2-scopes'));
    expect(await screen.findByText('"calender" is not a Nylas v2 scope.')).toBeTruthy();
    expect(paste.value).toBe('calender');
    expect(ctx.applyProgress).not.toHaveBeenCalled();
  });

  it('starts from what was translated before', async () => {
    renderStep(MigrateScopesStep, makeCtx(recorded()));
    expect(((await screen.findByTestId('v2-scope-calendar')) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('v2-scope-email.read_only') as HTMLInputElement).checked).toBe(false);
    expect(screen.getByTestId('migrate-scopes-last').textContent).toContain('Calendars.ReadWrite User.Read offline_access');
  });

  it('checks the current app\'s manifest for Exchange permissions and says what it means', async () => {
    m.checkCurrentAppExchange.mockResolvedValue({
      app_name: 'Contoso v2',
      found: [{ name: 'EAS.AccessAsUser.All', resource_name: 'Office 365 Exchange Online' }],
      message: 'This app still uses Exchange permissions: EAS.AccessAsUser.All (Office 365 Exchange Online). Nylas v3 needs Microsoft Graph permissions instead.',
    });
    renderStep(MigrateScopesStep, makeCtx('migrate/scopes/new'));
    const manifest = new File(['{"appId": "x"}'], 'manifest.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('migrate-current-manifest'), { target: { files: [manifest] } });
    await waitFor(() => expect(m.checkCurrentAppExchange).toHaveBeenCalledWith('{"appId": "x"}'));
    const card = await screen.findByTestId('migrate-exchange-check');
    expect(card.textContent).toContain('Contoso v2 uses Exchange permissions');
    expect(card.textContent).toContain('Nylas v3 needs Microsoft Graph permissions');
    expect(m.translateV2Scopes).not.toHaveBeenCalled();
  });

  it('reads the current app live in the signed-in session and says so', async () => {
    m.microsoftSignedIn.mockResolvedValue({
      tenant: 'contoso.com',
      tenant_name: 'Contoso Ltd',
      tenant_id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      access: 'audit',
      practice: true,
    });
    m.checkCurrentAppExchangeLive.mockResolvedValue({
      app_name: 'Contoso v2',
      found: [{ name: 'EWS.AccessAsUser.All', resource_name: 'Office 365 Exchange Online' }],
      message: 'This app still uses Exchange permissions: EWS.AccessAsUser.All (Office 365 Exchange Online).',
    });
    const p = fixtureProgress('migrate/scopes/new');
    p.answers.tenant = 'contoso.com';
    renderStep(MigrateScopesStep, makeCtx(p));
    // Signed in already (Rust's session): the app's ID can be typed.
    const id = (await screen.findByTestId('migrate-current-client-id')) as HTMLInputElement;
    expect(screen.queryByTestId('migrate-current-tenant')).toBeNull();
    id.value = ' 5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e ';
    fireEvent.click(screen.getByTestId('migrate-current-read'));
    await waitFor(() =>
      expect(m.checkCurrentAppExchangeLive).toHaveBeenCalledWith('5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e'),
    );
    const card = await screen.findByTestId('migrate-exchange-check');
    expect(card.textContent).toContain('Contoso v2 uses Exchange permissions');
    expect(card.textContent).toContain('Read live from Microsoft');
    expect(m.checkCurrentAppExchange).not.toHaveBeenCalled();
  });

  it('asks for the tenant before the live read can sign in, and shows Rust\'s refusal', async () => {
    m.microsoftSignedIn.mockResolvedValue(null);
    const ctx = makeCtx('migrate/scopes/new');
    renderStep(MigrateScopesStep, ctx);
    const tenant = (await screen.findByTestId('migrate-current-tenant')) as HTMLInputElement;
    // Not signed in: no ID field yet.
    expect(screen.queryByTestId('migrate-current-client-id')).toBeNull();
    tenant.value = ' contoso.com ';
    fireEvent.blur(tenant);
    expect(ctx.setAnswer).toHaveBeenCalledWith({ key: 'tenant', value: 'contoso.com' });
  });

  it('a refused live read is shown as an error, with no result', async () => {
    m.microsoftSignedIn.mockResolvedValue({
      tenant: 'contoso.com',
      tenant_name: null,
      tenant_id: null,
      access: 'audit',
      practice: false,
    });
    m.checkCurrentAppExchangeLive.mockRejectedValue(
      new WizardApiError('not_found', 'There is no app registration with the Application (client) ID 0000 in the tenant contoso.com.'),
    );
    const p = fixtureProgress('migrate/scopes/new');
    p.answers.tenant = 'contoso.com';
    renderStep(MigrateScopesStep, makeCtx(p));
    (await screen.findByTestId('migrate-current-client-id') as HTMLInputElement).value = '0000';
    fireEvent.click(screen.getByTestId('migrate-current-read'));
    await waitFor(() => expect(document.body.textContent).toContain('There is no app registration'));
    expect(screen.queryByTestId('migrate-exchange-check')).toBeNull();
  });
});
