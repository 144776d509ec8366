import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type NylasV2AppView, WizardApiError } from '../api';
import type { NylasV2Record } from '../bindings/NylasV2Record';
import type { ProgressView } from '../bindings/ProgressView';
import type { Region } from '../bindings/Region';
import { fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { NylasV2Step } from './nylas-v2';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    storedSecret: vi.fn(),
    checkNylasV2App: vi.fn(),
    cancelRemote: vi.fn(),
    getSession: vi.fn(),
  };
});
const m = vi.mocked(api);

const ID = 'practice-v2-contoso-client';
const SECRET = 'practice-v2-contoso-secret-4Kp8Wd2Nq';
const HINT = { name: 'nylas_v2_client_secret' as const, hint: 'pra…2Nq', persistent: true };

const record = (region: Region): NylasV2Record => ({
  client_id: ID,
  region,
  checked_at: '2026-12-01T20:00:00Z',
});

/** The progress on the Nylas v2 app step of path B (Teams) or C. */
function onStep(path: 'teams' | 'v2-events', region: Region = 'us', rec: NylasV2Record | null = null): ProgressView {
  const p = fixtureProgress(path === 'teams' ? 'teams/region/new' : 'v2-events/features/new');
  p.step = 'nylas-v2';
  p.answers.region = region;
  p.answers.nylas_v2 = rec;
  if (p.current !== null) p.current.region = region;
  return p;
}

function answer(path: 'teams' | 'v2-events'): NylasV2AppView {
  return {
    check: {
      client_id: ID,
      region: 'us',
      accounts: [
        { id: 'v2acct-contoso-adele', email: 'adele.vance@contoso.com', provider: 'graph', billing_state: 'paid', sync_state: 'running' },
      ],
      more_accounts: false,
      teams: path === 'teams' ? { integrations: 0, microsoft: false } : null,
      verified: ['Nylas v2 (US) accepts this client ID and client secret together.', 'The app has 1 connected account.'],
      unverified: ["Your plan's account limit and billing aren't visible with these credentials; the Nylas v2 dashboard shows them."],
    },
    stored: HINT,
    progress: onStep(path, 'us', record('us')),
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  m.storedSecret.mockResolvedValue(null);
  m.cancelRemote.mockResolvedValue(1);
});

describe('Nylas v2 app step', () => {
  it('checks the typed ID and secret, clears the secret and shows what was and was not proved', async () => {
    m.checkNylasV2App.mockResolvedValue(answer('teams'));
    const ctx = makeCtx(onStep('teams'));
    renderStep(NylasV2Step, ctx);
    const id = (await screen.findByTestId('nylas-v2-id-input')) as HTMLInputElement;
    const secret = screen.getByTestId('nylas-v2-secret-input') as HTMLInputElement;
    expect(secret.type).toBe('password');
    expect(screen.getByTestId('nylas-v2-region').textContent).toContain('US');
    expect(screen.getByTestId('nylas-v2-region').textContent).toContain('Teams integrations service');
    id.value = ID;
    secret.value = SECRET;
    fireEvent.click(screen.getByTestId('nylas-v2-check'));
    await screen.findByTestId('nylas-v2-card');
    expect(m.checkNylasV2App).toHaveBeenCalledWith(ID, SECRET);
    expect(secret.value).toBe('');
    expect(screen.getByTestId('nylas-v2-client-id').textContent).toBe(ID);
    expect(screen.getByTestId('nylas-v2-teams').textContent).toContain('Not set up yet');
    expect(screen.getByTestId('nylas-v2-verified').textContent).toContain('accepts this client ID');
    expect(screen.getByTestId('nylas-v2-accounts').textContent).toContain('adele.vance@contoso.com');
    expect(screen.getByTestId('nylas-v2-unverified').textContent).toContain('billing');
    expect(ctx.applyProgress).toHaveBeenCalledWith(answer('teams').progress);
    // The secret appears nowhere on the page; its hint does.
    expect(document.body.textContent).not.toContain(SECRET);
    await waitFor(() => expect(screen.getByTestId('nylas-v2-hint').textContent).toBe('pra…2Nq'));
  });

  it('path C shows no Teams line and says it reads the accounts', async () => {
    m.checkNylasV2App.mockResolvedValue(answer('v2-events'));
    renderStep(NylasV2Step, makeCtx(onStep('v2-events')));
    expect((await screen.findByTestId('nylas-v2-region')).textContent).toContain('list of accounts');
    (screen.getByTestId('nylas-v2-secret-input') as HTMLInputElement).value = SECRET;
    fireEvent.click(screen.getByTestId('nylas-v2-check'));
    await screen.findByTestId('nylas-v2-card');
    expect(screen.queryByTestId('nylas-v2-teams')).toBeNull();
  });

  it('shows a refusal as an error card and keeps nothing', async () => {
    m.checkNylasV2App.mockRejectedValue(
      new WizardApiError(
        'unauthorized',
        'The client ID or secret is wrong: Nylas v2 refused them in both regions (US and EU).',
        'Copy both again.',
      ),
    );
    renderStep(NylasV2Step, makeCtx(onStep('teams')));
    (await screen.findByTestId('nylas-v2-secret-input') as HTMLInputElement).value = 'wrong';
    fireEvent.click(screen.getByTestId('nylas-v2-check'));
    expect(await screen.findByText(/The client ID or secret is wrong/)).toBeTruthy();
    expect(screen.queryByTestId('nylas-v2-card')).toBeNull();
  });

  it('offers a saved app with its hint, re-checks it, and flags a region change', async () => {
    m.storedSecret.mockResolvedValue(HINT);
    m.checkNylasV2App.mockResolvedValue(answer('teams'));
    renderStep(NylasV2Step, makeCtx(onStep('teams', 'eu', record('us'))));
    expect((await screen.findByTestId('nylas-v2-hint')).textContent).toBe('pra…2Nq');
    expect(screen.getByTestId('nylas-v2-saved-id').textContent).toBe(ID);
    expect(screen.getByTestId('nylas-v2-record').textContent).toContain('your region is now EU');
    expect(screen.queryByTestId('nylas-v2-secret-input')).toBeNull();
    fireEvent.click(screen.getByTestId('nylas-v2-recheck'));
    await screen.findByTestId('nylas-v2-card');
    expect(m.checkNylasV2App).toHaveBeenCalledWith(null, null);
    // Use a different app: the form comes back, the ID prefilled.
    fireEvent.click(screen.getByTestId('nylas-v2-replace'));
    expect((screen.getByTestId('nylas-v2-id-input') as HTMLInputElement).value).toBe(ID);
  });

  it('practice mode checks the practice app, and Cancel asks Rust to stop', async () => {
    let settle: (v: NylasV2AppView) => void = () => undefined;
    m.checkNylasV2App.mockReturnValue(
      new Promise((resolve) => {
        settle = resolve;
      }),
    );
    const ctx = makeCtx(onStep('v2-events'));
    ctx.session.practice.enabled = true;
    renderStep(NylasV2Step, ctx);
    fireEvent.click(await screen.findByTestId('nylas-v2-practice'));
    await screen.findByTestId('nylas-v2-checking');
    expect(m.checkNylasV2App).toHaveBeenCalledWith(null, null);
    fireEvent.click(screen.getByTestId('nylas-v2-cancel'));
    expect(m.cancelRemote).toHaveBeenCalledWith('check_nylas_v2_app');
    settle(answer('v2-events'));
    await screen.findByTestId('nylas-v2-card');
  });
});
