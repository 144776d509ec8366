import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import type { CallbackValidation } from '../bindings/CallbackValidation';
import type { PathId } from '../bindings/PathId';
import type { Region } from '../bindings/Region';
import { makeCtx } from '../test/requirements';
import { RegionStep } from './region';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, redirectUris: vi.fn(), validateCallback: vi.fn() };
});
const m = vi.mocked(api);

function uris(path: PathId, region: Region) {
  const host = path === 'teams' ? `beta.${region}.nylas.com/connect/callback` : `api.${region}.nylas.com/v3/connect/callback`;
  return {
    path: path === 'teams' ? ('teams' as const) : ('v3' as const),
    region,
    required: [`https://${host}`],
    optional: [],
    portal_location: 'Authentication → Platform configurations → Web',
    note: 'Nylas v3 hosted authentication sends users back to this address after they sign in with Microsoft.',
  };
}

/** The rules of wizard-core's validate_callback_uri that the tests use. */
function validate(uri: string): CallbackValidation {
  const t = uri.trim();
  const problems: string[] = [];
  if (t.startsWith('http://') && !t.startsWith('http://localhost'))
    problems.push('It must start with https:// (only http://localhost may use http).');
  if (t.includes('#')) problems.push('It contains a # fragment, which redirect URIs may not have.');
  return { uri: t, valid: problems.length === 0, problems, warnings: [] };
}

beforeEach(() => {
  vi.clearAllMocks();
  m.redirectUris.mockImplementation(async (path, region) => uris(path, region));
  m.validateCallback.mockImplementation(async (uri) => validate(uri));
});

const requiredUris = () => screen.getAllByTestId('redirect-uri-required').map((e) => e.querySelector('code')?.textContent);

describe('Region step', () => {
  it('starts on US and lists its redirect URI with where it goes in the portal', async () => {
    render(<RegionStep ctx={makeCtx('v3')} />);
    await waitFor(() => expect(requiredUris()).toEqual(['https://api.us.nylas.com/v3/connect/callback']));
    expect((screen.getByTestId('region-us') as HTMLInputElement).checked).toBe(true);
    expect(m.redirectUris).toHaveBeenCalledWith('v3', 'us');
    const step = screen.getByTestId('region-step');
    expect(step.textContent).toContain('Authentication → Platform configurations → Web');
    expect(step.textContent).toContain("it's shown on the Nylas dashboard");
    expect(within(screen.getByTestId('redirect-uri-required')).getByRole('button', { name: 'Copy redirect URI' })).toBeTruthy();
  });

  it('switches to EU: new URIs, and the choice is saved', async () => {
    const ctx = makeCtx('v3');
    render(<RegionStep ctx={ctx} />);
    await screen.findByTestId('redirect-uri-required');
    fireEvent.click(screen.getByTestId('region-eu'));
    await waitFor(() => expect(requiredUris()).toEqual(['https://api.eu.nylas.com/v3/connect/callback']));
    expect(m.redirectUris).toHaveBeenLastCalledWith('v3', 'eu');
    expect(ctx.setAnswer).toHaveBeenCalledWith('region.region', 'eu');
    expect(ctx.setStatus).toHaveBeenCalledWith('done');
  });

  it('restores the saved region', async () => {
    render(<RegionStep ctx={makeCtx('v3', { 'region.region': 'eu' })} />);
    await waitFor(() => expect(requiredUris()).toEqual(['https://api.eu.nylas.com/v3/connect/callback']));
    expect((screen.getByTestId('region-eu') as HTMLInputElement).checked).toBe(true);
  });

  it('uses the Teams redirect URI on the Teams path, without own callback URIs', async () => {
    render(<RegionStep ctx={makeCtx('teams')} />);
    await waitFor(() => expect(requiredUris()).toEqual(['https://beta.us.nylas.com/connect/callback']));
    expect(screen.queryByTestId('callback-input')).toBeNull();
  });

  it('explains why an own callback URI would be refused, and does not add it', async () => {
    const ctx = makeCtx('v3');
    render(<RegionStep ctx={ctx} />);
    const input = screen.getByTestId('callback-input') as HTMLInputElement;
    fireEvent.input(input, { target: { value: 'http://app.example.com/cb' } });
    await screen.findByText('It must start with https:// (only http://localhost may use http).');
    expect(m.validateCallback).toHaveBeenCalledWith('http://app.example.com/cb');
    expect(input.getAttribute('aria-invalid')).toBe('true');

    fireEvent.click(screen.getByTestId('callback-add'));
    await waitFor(() => expect(m.validateCallback).toHaveBeenCalledTimes(2));
    expect(screen.queryAllByTestId('callback-item')).toHaveLength(0);
    expect(ctx.setAnswer).not.toHaveBeenCalledWith('region.callback_uris', expect.anything());
  });

  it('adds a valid callback URI, saves the list, and removes it again', async () => {
    const ctx = makeCtx('v3', { 'region.callback_uris': ['https://app.example.com/old'] });
    render(<RegionStep ctx={ctx} />);
    expect(screen.getAllByTestId('callback-item').map((e) => e.querySelector('code')?.textContent)).toEqual([
      'https://app.example.com/old',
    ]);
    const input = screen.getByTestId('callback-input') as HTMLInputElement;
    fireEvent.input(input, { target: { value: '  https://app.example.com/cb ' } });
    fireEvent.click(screen.getByTestId('callback-add'));
    await waitFor(() =>
      expect(ctx.setAnswer).toHaveBeenCalledWith('region.callback_uris', [
        'https://app.example.com/old',
        'https://app.example.com/cb',
      ]),
    );
    expect(input.value).toBe('');

    fireEvent.click(screen.getByRole('button', { name: 'Remove https://app.example.com/old' }));
    expect(ctx.setAnswer).toHaveBeenLastCalledWith('region.callback_uris', ['https://app.example.com/cb']);
    expect(screen.getAllByTestId('callback-item')).toHaveLength(1);
  });
});
