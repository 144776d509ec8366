import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type NylasAccountView, WizardApiError } from '../api';
import type { NylasAccountRecord } from '../bindings/NylasAccountRecord';
import type { ProgressView } from '../bindings/ProgressView';
import type { Region } from '../bindings/Region';
import { fixtureProgress, makeCtx, makeSession, renderStep } from '../test/requirements';
import { NylasAccountStep } from './nylas-account';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    storedSecret: vi.fn(),
    checkNylasAccount: vi.fn(),
    checkStoredNylasAccount: vi.fn(),
    cancelRemote: vi.fn(),
    getSession: vi.fn(),
  };
});
const m = vi.mocked(api);

const KEY = 'nyk_v0_practice_us_contoso_7Hq2Lm9Xw4Rb8Tz1';
const HINT = { name: 'nylas_api_key' as const, hint: 'nyk…Tz1', persistent: true };

/** The progress on the Nylas account step of path A. */
function onStep(region: Region | null = null, record: NylasAccountRecord | null = null): ProgressView {
  const p = fixtureProgress('v3/region/new');
  p.step = 'nylas-account';
  p.answers.region = region;
  p.answers.nylas_account = record;
  if (p.current !== null) p.current.region = region ?? 'us';
  return p;
}

const record = (region: Region): NylasAccountRecord => ({
  application_id: '2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b',
  region,
  name: 'Contoso Scheduler',
  checked_at: '2026-12-01T20:00:00Z',
});

function answer(region: Region, chosen: Region, kept: boolean): NylasAccountView {
  const progress = onStep(kept ? region : chosen, kept ? record(region) : null);
  return {
    check: {
      application: {
        application_id: region === 'us' ? '2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b' : '8d7c6b5a-4f3e-4d2c-9b1a-0f9e8d7c6b5a',
        organization_id: '0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f',
        region,
        environment: 'production',
        branding_name: region === 'us' ? 'Contoso Scheduler' : 'Fabrikam Mail Hub',
        callback_uris: [{ id: 'c1', url: 'https://scheduler.contoso.com/oauth/nylas/callback', platform: 'web' }],
      },
      chosen_region: chosen,
      other_region:
        region === chosen
          ? null
          : {
              region,
              message: `This key belongs to a Nylas application in the ${region.toUpperCase()} region.`,
              what_changes: `Switching the region to ${region.toUpperCase()} also changes the redirect URI your Azure app needs to https://api.${region}.nylas.com/v3/connect/callback, so check the Azure app step again afterwards.`,
              redirect_uri: `https://api.${region}.nylas.com/v3/connect/callback`,
            },
    },
    kept,
    stored: kept ? HINT : null,
    progress,
  };
}

function typeKey(value: string) {
  const input = screen.getByTestId('nylas-key-input') as HTMLInputElement;
  input.value = value;
  return input;
}

beforeEach(() => {
  vi.clearAllMocks();
  m.storedSecret.mockResolvedValue(null);
  m.cancelRemote.mockResolvedValue(1);
});

describe('Nylas account step', () => {
  it('checks a pasted key, clears the field and shows the application, never the key', async () => {
    m.checkNylasAccount.mockResolvedValue(answer('us', 'us', true));
    const ctx = makeCtx(onStep());
    renderStep(NylasAccountStep, ctx);
    const input = (await screen.findByTestId('nylas-key-input')) as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(screen.getByTestId('nylas-key-region').textContent).toContain('in the US region');
    expect(screen.getByTestId('nylas-key-where').textContent).toContain('API Keys');
    expect(screen.getByTestId('nylas-account-step').textContent).toContain('It goes straight to your system keychain');
    typeKey(KEY);
    fireEvent.click(screen.getByTestId('nylas-key-check'));
    const card = await screen.findByTestId('nylas-app-card');
    expect(m.checkNylasAccount).toHaveBeenCalledWith(KEY, null);
    expect(within(card).getByTestId('nylas-app-name').textContent).toBe('Contoso Scheduler');
    expect(within(card).getByTestId('nylas-app-id').textContent).toContain('2b6f0c1e-7d3a-4e9b-8c5f-1a2d3e4f5a6b');
    expect(within(card).getByRole('button', { name: 'Copy application ID' })).toBeTruthy();
    expect(within(card).getByTestId('nylas-app-region').textContent).toBe('US');
    expect(within(card).getByTestId('nylas-app-environment').textContent).toBe('production');
    expect(within(card).getByTestId('nylas-app-callbacks').textContent).toContain(
      'https://scheduler.contoso.com/oauth/nylas/callback',
    );
    expect(card.textContent).toContain('Nothing in Nylas was changed.');
    expect(screen.getByTestId('nylas-key-hint').textContent).toBe('nyk…Tz1');
    expect(screen.queryByTestId('nylas-region-switched')).toBeNull();
    expect(ctx.applyProgress).toHaveBeenCalledTimes(1);
    // Kept by Rust: the field is gone and nothing in the window holds the key.
    expect(input.value).toBe('');
    expect(screen.queryByTestId('nylas-key-input')).toBeNull();
    const fields = Array.from(document.querySelectorAll('input'));
    expect(fields.filter((f) => f.value.includes(KEY))).toEqual([]);
    expect(document.body.innerHTML).not.toContain(KEY);
  });

  it('offers the other region as the main choice and switches with the same key', async () => {
    m.checkNylasAccount.mockResolvedValueOnce(answer('eu', 'us', false)).mockResolvedValueOnce(answer('eu', 'eu', true));
    renderStep(NylasAccountStep, makeCtx(onStep()));
    await screen.findByTestId('nylas-key-input');
    typeKey('nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q');
    fireEvent.click(screen.getByTestId('nylas-key-check'));
    const offer = await screen.findByTestId('nylas-region-offer');
    expect(offer.textContent).toContain('This key belongs to a Nylas application in the EU region.');
    expect(offer.textContent).toContain('Fabrikam Mail Hub');
    expect(offer.textContent).toContain("so the key isn't saved yet");
    expect(offer.textContent).toContain('https://api.eu.nylas.com/v3/connect/callback');
    const switchButton = within(offer).getByTestId('nylas-switch-region');
    expect(switchButton.className).toContain('btn-primary');
    expect(switchButton.textContent).toBe('Switch to the EU region');
    expect(screen.queryByTestId('nylas-app-card')).toBeNull();
    fireEvent.click(switchButton);
    await screen.findByTestId('nylas-app-card');
    expect(m.checkNylasAccount).toHaveBeenLastCalledWith('nyk_v0_practice_eu_fabrikam_Kp5Vn3Js8Df6Gh2Q', 'eu');
    expect(screen.queryByTestId('nylas-region-offer')).toBeNull();
    expect(screen.getByTestId('nylas-app-region').textContent).toBe('EU');
    // What switching changed: the Azure app's redirect URI.
    const switched = screen.getByTestId('nylas-region-switched');
    expect(switched.textContent).toContain('Your region is now EU');
    expect(switched.textContent).toContain('Check the Azure app step again');
    expect(within(switched).getByTestId('nylas-switched-redirect-uri').textContent).toContain(
      'https://api.eu.nylas.com/v3/connect/callback',
    );
  });

  it('shows a refused key as an error card and keeps the field', async () => {
    m.checkNylasAccount.mockRejectedValue(
      new WizardApiError(
        'unauthorized',
        "Nylas doesn't accept this API key in either region (US or EU).",
        'The key may be mistyped, deleted or expired.',
      ),
    );
    renderStep(NylasAccountStep, makeCtx(onStep()));
    await screen.findByTestId('nylas-key-input');
    typeKey('nyk_v0_wrong');
    fireEvent.click(screen.getByTestId('nylas-key-check'));
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain("doesn't accept this API key in either region");
    expect(card.textContent).toContain('mistyped, deleted or expired');
    expect(screen.getByTestId('nylas-key-input')).toBeTruthy();
    expect(screen.queryByTestId('nylas-app-card')).toBeNull();
  });

  it('reuses the saved key: its hint, Check again and Use a different key', async () => {
    m.storedSecret.mockResolvedValue(HINT);
    m.checkStoredNylasAccount.mockResolvedValue(answer('us', 'us', true));
    renderStep(NylasAccountStep, makeCtx(onStep('us', record('us'))));
    const saved = await screen.findByTestId('nylas-key-saved');
    expect(saved.textContent).toContain('Key saved in your system keychain: nyk…Tz1');
    expect(screen.getByTestId('nylas-key-record').textContent).toContain('Contoso Scheduler in the US region');
    expect(screen.queryByTestId('nylas-key-input')).toBeNull();
    fireEvent.click(screen.getByTestId('nylas-key-recheck'));
    await screen.findByTestId('nylas-app-card');
    expect(m.checkStoredNylasAccount).toHaveBeenCalledWith(null);
    expect(m.checkNylasAccount).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('nylas-key-replace'));
    expect(screen.getByTestId('nylas-key-input')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Keep the saved key (nyk…Tz1)' })).toBeTruthy();
  });

  it('shows the field again when Rust removed a saved key that works nowhere', async () => {
    m.storedSecret.mockResolvedValueOnce(HINT).mockResolvedValue(null);
    m.checkStoredNylasAccount.mockRejectedValue(
      new WizardApiError('unauthorized', 'Your saved Nylas API key no longer works in either region, so it was removed.'),
    );
    const ctx = makeCtx(onStep('us', record('us')));
    m.getSession.mockResolvedValue(makeSession({ progress: onStep('us', null) }));
    renderStep(NylasAccountStep, ctx);
    fireEvent.click(await screen.findByTestId('nylas-key-recheck'));
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain('so it was removed');
    await screen.findByTestId('nylas-key-input');
    expect(screen.queryByTestId('nylas-key-saved')).toBeNull();
    expect(ctx.session.progress.answers.nylas_account).toBeNull();
  });

  it('says a key checked for another region needs checking again', async () => {
    m.storedSecret.mockResolvedValue(HINT);
    renderStep(NylasAccountStep, makeCtx(onStep('eu', record('us'))));
    const note = await screen.findByTestId('nylas-key-record');
    expect(note.textContent).toBe('It was checked in the US region, but your region is now EU. Check it again.');
    expect(screen.getByTestId('nylas-key-recheck').className).toContain('btn-primary');
  });

  it('says when a key checked before is no longer saved', async () => {
    renderStep(NylasAccountStep, makeCtx(onStep('us', record('us'))));
    const note = await screen.findByTestId('nylas-key-missing');
    expect(note.textContent).toContain("but it isn't saved any more");
    expect(screen.getByTestId('nylas-key-input')).toBeTruthy();
  });

  it('in practice mode, offers the practice key', async () => {
    m.checkNylasAccount.mockResolvedValue(answer('us', 'us', true));
    const ctx = makeCtx(onStep());
    ctx.session = makeSession({ progress: ctx.session.progress, practice: { enabled: true, sandbox_url: 'http://127.0.0.1:1/', left: null } });
    renderStep(NylasAccountStep, ctx);
    const note = await screen.findByTestId('nylas-practice-note');
    expect(note.textContent).toContain('practice key of a made-up US application');
    expect(screen.getByTestId('nylas-account-step').textContent).toContain("It goes straight to practice mode's memory");
    fireEvent.click(within(note).getByTestId('nylas-practice-key'));
    await screen.findByTestId('nylas-app-card');
    expect(m.checkNylasAccount).toHaveBeenCalledWith(null, null);
  });

  it('can be cancelled while Nylas is asked, and says nothing changed', async () => {
    let stop: (e: unknown) => void = () => undefined;
    m.checkNylasAccount.mockReturnValue(
      new Promise<NylasAccountView>((_, reject) => {
        stop = reject;
      }),
    );
    renderStep(NylasAccountStep, makeCtx(onStep()));
    await screen.findByTestId('nylas-key-input');
    typeKey(KEY);
    fireEvent.click(screen.getByTestId('nylas-key-check'));
    expect((await screen.findByTestId('nylas-key-checking')).textContent).toContain('Asking Nylas');
    expect(screen.getByTestId('nylas-key-check').textContent).toBe('Checking…');
    fireEvent.click(screen.getByTestId('nylas-key-cancel'));
    expect(m.cancelRemote).toHaveBeenCalledWith('check_nylas_account');
    // Rust ends the stopped call with `cancelled`.
    stop(new WizardApiError('cancelled', 'Stopped.'));
    await waitFor(() => expect(screen.getByTestId('nylas-key-stopped').textContent).toContain('Nothing was saved or changed'));
    expect(screen.queryByTestId('error-card')).toBeNull();
  });

  it('on path D names its own next step (the imported Microsoft connector)', async () => {
    m.checkNylasAccount.mockResolvedValue(answer('us', 'us', true));
    const p = fixtureProgress('migrate/scopes/new');
    p.step = 'nylas-account';
    const ctx = makeCtx(p);
    expect(ctx.path.steps.map((st) => st.id)).toContain('nylas-account');
    renderStep(NylasAccountStep, ctx);
    await screen.findByTestId('nylas-key-input');
    typeKey(KEY);
    fireEvent.click(screen.getByTestId('nylas-key-check'));
    const next = await screen.findByTestId('nylas-app-next');
    expect(next.textContent).toBe(
      'Nothing in Nylas was changed. Next, Microsoft connector shows exactly what it will set up before it changes anything.',
    );
  });
});
