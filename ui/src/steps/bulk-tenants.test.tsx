import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type BulkRunView, type BulkStepView, WizardApiError } from '../api';
import type { BulkProgress } from '../bindings/BulkProgress';
import type { BulkSummary } from '../bindings/BulkSummary';
import type { ProgressView } from '../bindings/ProgressView';
import { deferred, fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { BulkTenantsStep } from './bulk-tenants';
import { BulkGrantsStep } from './bulk-grants';
import { timeLeft } from './bulk-run';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    bulkTenantsView: vi.fn(),
    bulkReadTenants: vi.fn(),
    bulkUsersView: vi.fn(),
    bulkReadUsers: vi.fn(),
    bulkPlanCredentials: vi.fn(),
    bulkRun: vi.fn(),
    bulkSaveFailures: vi.fn(),
    cancelRemote: vi.fn(),
    goToStep: vi.fn(),
  };
});
const m = vi.mocked(api);

function at(step: string): ProgressView {
  return { ...fixtureProgress('bulk/explain/new'), step };
}

const ITEMS = [
  { key: 'credential:contoso.com', label: 'Contoso (contoso.com)', state: 'pending' as const, id: null, reason: null },
  { key: 'credential:fabrikam.de', label: 'Fabrikam (fabrikam.de)', state: 'pending' as const, id: null, reason: null },
  { key: 'credential:adatum.com', label: 'Adatum (adatum.com)', state: 'pending' as const, id: null, reason: null },
];

function view(over: Partial<BulkStepView> = {}): BulkStepView {
  return {
    kind: 'credentials',
    missing: [],
    source: 'tenants.csv',
    tenants: [],
    users: [],
    problems: [],
    items: ITEMS,
    done_before: 0,
    last_run: null,
    progress: at('tenants'),
    ...over,
  };
}

const EMPTY = view({ source: null, items: [] });

function summary(over: Partial<BulkSummary> = {}): BulkSummary {
  return {
    kind: 'credentials',
    total: 3,
    created: 2,
    reused: 0,
    failed: 1,
    cancelled: false,
    elapsed_ms: 1200,
    items: [
      { ...ITEMS[0]!, state: 'created', id: 'cred-1' },
      { ...ITEMS[1]!, state: 'created', id: 'cred-2' },
      { ...ITEMS[2]!, state: 'failed', reason: 'Nylas refused the tenant adatum.com.' },
    ],
    ...over,
  };
}

function file(name: string, text: string): File {
  return new File([text], name, { type: 'text/csv' });
}

beforeEach(() => {
  vi.clearAllMocks();
  m.cancelRemote.mockResolvedValue(1);
  m.bulkPlanCredentials.mockResolvedValue({
    id: 'bulk-credentials',
    title: 'Tenants',
    steps: [
      { key: 'credential:contoso.com', summary: '', action: 'create', safety: '', undo: [], request: null, changes: [] },
      { key: 'credential:fabrikam.de', summary: '', action: 'create', safety: '', undo: [], request: null, changes: [] },
      { key: 'credential:adatum.com', summary: '', action: 'nothing_to_do', safety: '', undo: [], request: null, changes: [] },
    ],
  });
});

describe('Tenants (path E)', () => {
  it('reads the chosen file through Rust, lists the rows left out with the reason and what Nylas will get', async () => {
    m.bulkTenantsView.mockResolvedValue(EMPTY);
    m.bulkReadTenants.mockResolvedValue(
      view({ problems: [{ row: 5, text: 'not a tenant!,Broken', reason: 'The tenant "not a tenant!" is not a tenant ID or a domain.' }] }),
    );
    const ctx = makeCtx(at('tenants'));
    renderStep(BulkTenantsStep, ctx);
    const input = (await screen.findByTestId('bulk-credentials-file')) as HTMLInputElement;
    fireEvent.change(input, { target: { files: [file('tenants.csv', 'tenant,name\ncontoso.com,Contoso\n')] } });
    await waitFor(() => expect(m.bulkReadTenants).toHaveBeenCalledWith('tenant,name\ncontoso.com,Contoso\n', 'tenants.csv'));
    expect((await screen.findByTestId('bulk-credentials-list')).textContent).toContain('3 tenants in tenants.csv');
    const problems = screen.getByTestId('bulk-credentials-problems');
    expect(problems.textContent).toContain('1 row was left out');
    expect(problems.textContent).toContain('is not a tenant ID or a domain');
    expect((await screen.findByTestId('bulk-credentials-plan')).textContent).toContain(
      'Nylas will get 2 new credentials; 1 already there will be reused',
    );
    expect(screen.getByTestId('bulk-credentials-start').textContent).toBe('Create 3 admin-consent credentials in Nylas');
    expect(ctx.applyProgress).toHaveBeenCalled();
  });

  it('runs with a progress bar, counts and time left, a status per row, then the result and the failures saved', async () => {
    m.bulkTenantsView.mockResolvedValue(view());
    const run = deferred<BulkRunView>();
    let send: ((p: BulkProgress) => void) | null = null;
    m.bulkRun.mockImplementation((_kind, _fresh, onProgress) => {
      send = onProgress;
      return run.promise;
    });
    m.bulkSaveFailures.mockResolvedValue('/home/admin/Downloads/Nylas tenants that failed.csv');
    renderStep(BulkTenantsStep, makeCtx(at('tenants')));
    fireEvent.click(await screen.findByTestId('bulk-credentials-start'));
    expect(m.bulkRun).toHaveBeenCalledWith('credentials', false, expect.any(Function));
    send!({
      kind: 'credentials',
      total: 3,
      finished: 1,
      created: 1,
      reused: 0,
      failed: 0,
      eta_seconds: 130,
      item: { ...ITEMS[0]!, state: 'created', id: 'cred-1' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('bulk-progress-text').textContent).toBe(
        '1 of 3 done · 1 created · 0 already there · 0 failed · about 2 minutes left',
      ),
    );
    const bar = screen.getByTestId('bulk-progress').querySelector('progress')!;
    expect([bar.value, bar.max]).toEqual([1, 3]);
    const rows = screen.getAllByTestId('bulk-item');
    expect(within(rows[0]!).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Contoso (contoso.com)', 'Created', 'cred-1']);
    expect(rows[1]!.textContent).toContain('Not done yet');
    fireEvent.click(screen.getByTestId('bulk-stop'));
    expect(m.cancelRemote).toHaveBeenCalledWith('bulk_run_credentials');

    run.resolve({ summary: summary(), progress: at('tenants') });
    expect((await screen.findByTestId('bulk-result-text')).textContent).toBe(
      '2 of 3 done (2 created, 0 already there); 1 tenant failed. The reason is next to each below: fix it and run again.',
    );
    expect(screen.getAllByTestId('bulk-item')[2]!.textContent).toContain('Nylas refused the tenant adatum.com.');
    // The button now offers what is left to do.
    expect(screen.getByTestId('bulk-credentials-start').textContent).toBe('Try the 1 tenant that failed again');
    fireEvent.click(screen.getByTestId('bulk-save-failures'));
    expect((await screen.findByTestId('bulk-failures-saved')).textContent).toContain('Nylas tenants that failed.csv');
    expect(m.bulkSaveFailures).toHaveBeenCalledWith('credentials');
  });

  it('offers to continue a run the journal says was left halfway, or to start again', async () => {
    const half = view({ done_before: 2, items: [{ ...ITEMS[0]!, state: 'created' }, { ...ITEMS[1]!, state: 'reused' }, ITEMS[2]!] });
    m.bulkTenantsView.mockResolvedValue(half);
    m.bulkRun.mockResolvedValue({ summary: summary({ failed: 0, created: 1, reused: 2 }), progress: at('tenants') });
    renderStep(BulkTenantsStep, makeCtx(at('tenants')));
    expect((await screen.findByTestId('bulk-credentials-resume')).textContent).toContain('2 of 3 were done last time');
    // The kept list's plan is read on opening too (nothing sent).
    expect((await screen.findByTestId('bulk-credentials-plan')).textContent).toContain('Nylas will get 2 new credentials');
    expect(screen.getByTestId('bulk-credentials-start').textContent).toBe('Continue with the other 1');
    fireEvent.click(screen.getByTestId('bulk-credentials-start'));
    await waitFor(() => expect(m.bulkRun).toHaveBeenCalledWith('credentials', false, expect.any(Function)));
    expect((await screen.findByTestId('bulk-result-text')).textContent).toContain(
      'Every tenant has its admin-consent credential (1 created, 2 already there).',
    );
  });

  it('a fresh start forgets the journal', async () => {
    m.bulkTenantsView.mockResolvedValue(view({ done_before: 1 }));
    m.bulkRun.mockResolvedValue({ summary: summary({ cancelled: true, failed: 0, created: 1 }), progress: at('tenants') });
    renderStep(BulkTenantsStep, makeCtx(at('tenants')));
    fireEvent.click(await screen.findByTestId('bulk-credentials-fresh'));
    await waitFor(() => expect(m.bulkRun).toHaveBeenCalledWith('credentials', true, expect.any(Function)));
    expect((await screen.findByTestId('bulk-result-text')).textContent).toBe(
      'Stopped after 1 of 3. Continue later to do the rest: nothing is created twice.',
    );
  });

  it('says what is missing first, with a way back; a refused file shows Rust’s words', async () => {
    m.bulkTenantsView.mockResolvedValue(
      view({ items: [], missing: [{ what: 'A Nylas API key checked for the US region', step: 'nylas-account', step_title: 'Nylas account' }] }),
    );
    m.bulkReadTenants.mockRejectedValue(new WizardApiError('invalid_input', 'The file has no "tenant" column.'));
    m.goToStep.mockResolvedValue(at('nylas-account'));
    const ctx = makeCtx(at('tenants'));
    renderStep(BulkTenantsStep, ctx);
    fireEvent.click(await screen.findByTestId('bulk-goto-nylas-account'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('nylas-account'));
    const paste = screen.getByTestId('bulk-credentials-paste') as HTMLTextAreaElement;
    paste.value = 'name\nContoso';
    fireEvent.click(screen.getByTestId('bulk-credentials-read-pasted'));
    expect(await screen.findByText('The file has no "tenant" column.')).toBeTruthy();
    expect(m.bulkReadTenants).toHaveBeenCalledWith('name\nContoso', null);
    // Uncontrolled: what was typed stays.
    expect(paste.value).toBe('name\nContoso');
  });
});

describe('Mailboxes (path E)', () => {
  it('runs the grants with the same panel and its own words', async () => {
    const items = [{ key: 'grant:megan@contoso.com', label: 'megan@contoso.com', state: 'pending' as const, id: null, reason: null }];
    m.bulkUsersView.mockResolvedValue(view({ kind: 'grants', items, source: 'mailboxes.csv' }));
    m.bulkRun.mockResolvedValue({
      summary: { ...summary(), kind: 'grants', total: 1, created: 1, failed: 0, items: [{ ...items[0]!, state: 'created', id: 'grant-1' }] },
      progress: at('grants'),
    });
    renderStep(BulkGrantsStep, makeCtx(at('grants')));
    fireEvent.click(await screen.findByTestId('bulk-grants-start'));
    await waitFor(() => expect(m.bulkRun).toHaveBeenCalledWith('grants', false, expect.any(Function)));
    expect((await screen.findByTestId('bulk-result-text')).textContent).toBe(
      'Every mailbox is connected to Nylas (1 new, 0 already connected). You can go on to Done.',
    );
    expect(m.bulkPlanCredentials).not.toHaveBeenCalled();
  });

  it('words the time left', () => {
    expect([timeLeft(null), timeLeft(3), timeLeft(42), timeLeft(75), timeLeft(600)]).toEqual([
      'working out the time left…',
      'almost done',
      'about 42 seconds left',
      'about 1 minute left',
      'about 10 minutes left',
    ]);
  });
});
