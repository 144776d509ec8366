import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { answersWith, fixtureCallback, fixtureProgress, fixtureRedirects, makeCtx, renderStep } from '../test/requirements';
import { RegionStep } from './region';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, redirectUris: vi.fn(), validateCallback: vi.fn() };
});
const m = vi.mocked(api);

beforeEach(() => {
  vi.clearAllMocks();
  m.redirectUris.mockImplementation(async (path, region) => fixtureRedirects(path, region));
  m.validateCallback.mockImplementation(async (uri) => fixtureCallback(uri));
});

const requiredUris = () => screen.getAllByTestId('redirect-uri-required').map((e) => e.querySelector('code')?.textContent);
const callbackItems = () => screen.queryAllByTestId('callback-item').map((e) => e.querySelector('code')?.textContent);

describe('Region step', () => {
  it('starts on US and lists its redirect URI with where it goes in the portal', async () => {
    renderStep(RegionStep, makeCtx('v3/region/new'));
    const us = fixtureRedirects('v3', 'us');
    await waitFor(() => expect(requiredUris()).toEqual(us.required));
    expect((screen.getByTestId('region-us') as HTMLInputElement).checked).toBe(true);
    expect(m.redirectUris).toHaveBeenCalledWith('v3', 'us');
    const step = screen.getByTestId('region-step');
    expect(step.textContent).toContain(us.portal_location);
    expect(step.textContent).toContain(us.note);
    expect(step.textContent).toContain("it's shown on the Nylas dashboard");
    // Issue 17, point 5: no account yet? Create it first; the region is picked there.
    expect(screen.getByTestId('no-nylas-account').textContent).toBe(
      'No Nylas account yet? Create it first in the Nylas dashboard: you pick its region there, and that choice is what this step asks for. Come back here once it exists.',
    );
    expect(within(screen.getByTestId('redirect-uri-required')).getByRole('button', { name: 'Copy redirect URI' })).toBeTruthy();
    // Issue 17, point 12: "redirect URI" is explained in place.
    expect(screen.getByTestId('term-tip-redirect_uri').textContent).toContain('letter for letter');
  });

  it('switches to EU: new URIs, and the choice is saved (its status is Rust’s)', async () => {
    const ctx = makeCtx('v3/region/new', answersWith([[{ key: 'region', value: 'eu' }, 'v3/region/eu']]));
    renderStep(RegionStep, ctx);
    await screen.findByTestId('redirect-uri-required');
    fireEvent.click(screen.getByTestId('region-eu'));
    await waitFor(() => expect(requiredUris()).toEqual(fixtureRedirects('v3', 'eu').required));
    expect(m.redirectUris).toHaveBeenLastCalledWith('v3', 'eu');
    expect(ctx.setAnswer).toHaveBeenCalledWith({ key: 'region', value: 'eu' });
    expect(ctx.setAnswer).toHaveBeenCalledTimes(1);
    expect(ctx.setStatus).not.toHaveBeenCalled();
    expect((screen.getByTestId('region-eu') as HTMLInputElement).checked).toBe(true);
  });

  it('restores the saved region', async () => {
    const ctx = makeCtx('v3/region/eu');
    expect(ctx.session.progress.current?.region).toBe('eu');
    renderStep(RegionStep, ctx);
    await waitFor(() => expect(requiredUris()).toEqual(fixtureRedirects('v3', 'eu').required));
    expect((screen.getByTestId('region-eu') as HTMLInputElement).checked).toBe(true);
    expect(m.redirectUris).not.toHaveBeenCalledWith('v3', 'us');
  });

  it('uses the Teams redirect URI on the Teams path, without own callback URIs', async () => {
    const ctx = makeCtx('teams/region/new');
    expect(ctx.session.progress.current?.uses_callback_uris).toBe(false);
    renderStep(RegionStep, ctx);
    const teams = fixtureRedirects('teams', 'us');
    await waitFor(() => expect(requiredUris()).toEqual(teams.required));
    expect(m.redirectUris).toHaveBeenCalledWith('teams', 'us');
    expect(screen.getByTestId('region-step').textContent).toContain(teams.note);
    expect(screen.queryByTestId('callback-input')).toBeNull();
  });

  it('offers own callback URIs where Rust says the path uses them', () => {
    expect(fixtureProgress('v3/region/new').current?.uses_callback_uris).toBe(true);
    renderStep(RegionStep, makeCtx('v3/region/new'));
    expect(screen.getByTestId('callback-input')).toBeTruthy();
  });

  it('explains why an own callback URI would be refused, and does not add it', async () => {
    const ctx = makeCtx('v3/region/new');
    renderStep(RegionStep, ctx);
    const typed = 'http://app.example.com/cb';
    const verdict = fixtureCallback(typed);
    expect(verdict.valid).toBe(false);
    const input = screen.getByTestId('callback-input') as HTMLInputElement;
    fireEvent.input(input, { target: { value: typed } });
    for (const p of verdict.problems) await screen.findByText(p);
    expect(m.validateCallback).toHaveBeenCalledWith(typed);
    expect(input.getAttribute('aria-invalid')).toBe('true');

    fireEvent.click(screen.getByTestId('callback-add'));
    await waitFor(() => expect(m.validateCallback).toHaveBeenCalledTimes(2));
    expect(callbackItems()).toHaveLength(0);
    expect(ctx.setAnswer).not.toHaveBeenCalled();
  });

  it('adds a valid callback URI as Rust cleaned it, saves the list, and removes one again', async () => {
    const ctx = makeCtx('v3/region/eu-callback');
    const saved = ctx.session.progress.answers.callback_uris;
    renderStep(RegionStep, ctx);
    expect(callbackItems()).toEqual(saved);

    const typed = '  https://app.example.com/new ';
    const verdict = fixtureCallback(typed);
    expect(verdict.valid).toBe(true);
    const input = screen.getByTestId('callback-input') as HTMLInputElement;
    fireEvent.input(input, { target: { value: typed } });
    for (const w of verdict.warnings) await screen.findByText(w);
    fireEvent.click(screen.getByTestId('callback-add'));
    await waitFor(() =>
      expect(ctx.setAnswer).toHaveBeenCalledWith({ key: 'callback_uris', value: [...saved, verdict.uri] }),
    );
    expect(input.value).toBe('');
    expect(callbackItems()).toEqual([...saved, verdict.uri]);

    fireEvent.click(screen.getByRole('button', { name: `Remove ${saved[0]}` }));
    expect(ctx.setAnswer).toHaveBeenLastCalledWith({ key: 'callback_uris', value: [verdict.uri] });
    expect(callbackItems()).toEqual([verdict.uri]);
  });
});
