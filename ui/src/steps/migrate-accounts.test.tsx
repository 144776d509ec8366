import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type MigrateAccountsView, WizardApiError } from '../api';
import type { Classification } from '../bindings/Classification';
import type { ProgressView } from '../bindings/ProgressView';
import { fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { MigrateAccountsStep } from './migrate-accounts';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, classifyV2Accounts: vi.fn(), saveReauthCsv: vi.fn() };
});
const m = vi.mocked(api);

const CSV = 'email,provider,authentication_type\na@contoso.com,graph,token\nb@contoso.com,office365,token\nc@contoso.com,exchange,password\ne@contoso.com,gmail,token\n';

function onStep(): ProgressView {
  const p = fixtureProgress('migrate/scopes/new');
  p.step = 'accounts';
  p.leaving = { step: 'accounts', status: 'skipped', reason: 'No v2 account list has been sorted yet.' };
  return p;
}

const count = (category: number, cls: Classification['counts'][number]['class'], n: number) => ({
  category,
  class: cls,
  label: `Class ${category} label`,
  explanation: `Class ${category} explanation`,
  count: n,
});

const account = (email: string, category: number, cls: Classification['accounts'][number]['class'], action: string, row: number) => ({
  email,
  category,
  class: cls,
  action,
  row,
  provider: 'office365',
  authentication_type: 'token',
  account_id: null,
  needs_ews: cls === 'reauth-password',
});

function sorted(): Classification {
  return {
    accounts: [
      account('a@contoso.com', 1, 'migrates', 'Nothing to do.', 2),
      account('b@contoso.com', 2, 'reauth-oauth', 'Ask the user to sign in again with Microsoft.', 3),
      account('c@contoso.com', 3, 'reauth-password', 'Ask the user to sign in again with their password.', 4),
    ],
    unclassified: [{ row: 5, reason: '"gmail" isn\'t a Microsoft provider.', email: 'e@contoso.com' }],
    counts: [count(1, 'migrates', 1), count(2, 'reauth-oauth', 1), count(3, 'reauth-password', 1), count(4, 'personal', 0)],
    format: 'csv',
    total: 4,
    reauth: 2,
    needs_ews_connector: true,
  };
}

function answer(): MigrateAccountsView {
  const progress = onStep();
  progress.answers.migrate_accounts = {
    total: 4,
    counts: [1, 1, 1, 0],
    unclassified: 1,
    reauth: 2,
    needs_ews_connector: true,
    source: 'v2-accounts.csv',
    at: '2026-12-01T23:00:00Z',
  };
  return { classification: sorted(), progress };
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe('MigrateAccountsStep', () => {
  it('sorts the chosen file, shows the counts, the rows it couldn\'t sort, and saves the CSV through Rust', async () => {
    const ctx = makeCtx(onStep());
    const a = answer();
    m.classifyV2Accounts.mockResolvedValue(a);
    m.saveReauthCsv.mockResolvedValue('/home/admin/Downloads/Nylas v2 accounts to re-authenticate 2026-12-01.csv');
    renderStep(MigrateAccountsStep, ctx);
    const file = new File([CSV], 'v2-accounts.csv', { type: 'text/csv' });
    fireEvent.change(screen.getByTestId('migrate-accounts-file'), { target: { files: [file] } });
    await waitFor(() => expect(m.classifyV2Accounts).toHaveBeenCalledWith(CSV, 'v2-accounts.csv'));
    const table = await screen.findByTestId('migrate-counts');
    expect(within(table).getByTestId('migrate-count-2').textContent).toContain('Class 2 label');
    expect(within(table).getByTestId('migrate-count-4').textContent).toContain('0');
    expect(within(table).getByTestId('migrate-count-unclassified').textContent).toContain('1');
    expect(screen.getByTestId('migrate-unclassified').textContent).toContain('"gmail" isn\'t a Microsoft provider.');
    expect(screen.getByTestId('migrate-accounts').textContent).toContain('b@contoso.com');
    expect(screen.getByTestId('migrate-ews')).toBeTruthy();
    expect(ctx.applyProgress).toHaveBeenCalledWith(a.progress);

    const save = screen.getByTestId('migrate-save-csv');
    expect(save.textContent).toContain('Save the 2 accounts to re-authenticate');
    fireEvent.click(save);
    await waitFor(() => expect(m.saveReauthCsv).toHaveBeenCalledWith(CSV));
    expect((await screen.findByTestId('migrate-saved')).textContent).toContain('re-authenticate 2026-12-01.csv');
  });

  it('sorts a pasted list and shows Rust\'s error for a list it can\'t read', async () => {
    const ctx = makeCtx(onStep());
    m.classifyV2Accounts.mockRejectedValue(
      new WizardApiError('invalid_input', 'The accounts file has no "email" column (its first row is: mail).'),
    );
    renderStep(MigrateAccountsStep, ctx);
    (screen.getByTestId('migrate-accounts-paste') as HTMLTextAreaElement).value = 'mail\nx';
    fireEvent.click(screen.getByTestId('migrate-sort-pasted'));
    await waitFor(() => expect(m.classifyV2Accounts).toHaveBeenCalledWith('mail\nx', null));
    expect(await screen.findByText('The accounts file has no "email" column (its first row is: mail).')).toBeTruthy();
    expect(screen.queryByTestId('migrate-counts')).toBeNull();
    expect(ctx.applyProgress).not.toHaveBeenCalled();
  });

  it('says what the last sorting found when the list isn\'t loaded', () => {
    renderStep(MigrateAccountsStep, makeCtx(answer().progress));
    expect(screen.getByTestId('migrate-accounts-last').textContent).toBe(
      "Last sorted (v2-accounts.csv): 4 rows, 2 must sign in again, 1 couldn't be sorted. Choose the list again to see each account.",
    );
  });
});
