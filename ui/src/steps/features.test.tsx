import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import { fakePlan, makeChoices, makeCtx } from '../test/requirements';
import { FeaturesStep } from './features';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, featureChoices: vi.fn(), planScopes: vi.fn() };
});
const m = vi.mocked(api);

beforeEach(() => {
  vi.clearAllMocks();
  m.featureChoices.mockImplementation(async () => makeChoices());
  m.planScopes.mockImplementation(async (path, preset, features) => fakePlan(path, preset, features));
});

const box = (id: string) => screen.getByTestId(`feature-${id}`) as HTMLInputElement;
const radio = (id: string) => screen.getByTestId(`preset-${id}`) as HTMLInputElement;

describe('Features step', () => {
  it('asks for a pick first, without planning anything', async () => {
    render(<FeaturesStep ctx={makeCtx('v3')} />);
    await screen.findByTestId('preset-email-client');
    expect(screen.getByTestId('scope-list').textContent).toContain('tick at least one box');
    expect(m.planScopes).not.toHaveBeenCalled();
  });

  it('ticks the features of a preset and shows the scope list with reasons', async () => {
    render(<FeaturesStep ctx={makeCtx('v3')} />);
    fireEvent.click(await screen.findByTestId('preset-email-client'));

    expect(radio('email-client').checked).toBe(true);
    expect(box('mail-modify').checked).toBe(true);
    expect(box('mail-send').checked).toBe(true);
    expect(box('mail-read').checked).toBe(false);

    const send = await screen.findByTestId('scope-Mail.Send');
    expect(send.textContent).toContain('Lets Nylas send email as the user.');
    expect(m.planScopes).toHaveBeenLastCalledWith('v3', 'email-client', ['mail-modify', 'mail-send']);
    const rw = screen.getByTestId('scope-Mail.ReadWrite');
    expect(rw.querySelector('code')?.textContent).toBe('Mail.ReadWrite');
    expect(rw.textContent).toContain('Also works if your app already has: Mail.ReadWrite.Shared');
    const offline = screen.getByTestId('scope-offline_access');
    expect(offline.textContent).toContain('Always needed');
    expect(offline.textContent).toContain('keep working after the first hour');
    expect(screen.getByTestId('scope-list').textContent).toContain('every connected user sign in again');
  });

  it('is in progress until a pick gives a permission list, then done', async () => {
    const ctx = makeCtx('v3');
    render(<FeaturesStep ctx={ctx} />);
    fireEvent.click(await screen.findByTestId('preset-email-client'));
    await screen.findByTestId('scope-Mail.Send');
    await waitFor(() => expect(ctx.setStatus).toHaveBeenLastCalledWith('done'));
    expect(ctx.setStatus).toHaveBeenCalledWith('in-progress');
  });

  it('updates the list when a box is ticked, and marks admin-consent scopes', async () => {
    render(<FeaturesStep ctx={makeCtx('v3')} />);
    fireEvent.click(await screen.findByTestId('preset-read-only-inbox'));
    await screen.findByTestId('scope-Mail.Read');
    expect(screen.queryByTestId('scope-Place.Read.All')).toBeNull();

    fireEvent.click(box('rooms'));
    const rooms = await screen.findByTestId('scope-Place.Read.All');
    expect(within(rooms).getByText('Needs admin consent')).toBeTruthy();
    expect(screen.getByTestId('scope-Mail.Read')).toBeTruthy();
    // Read-only inbox + rooms is no preset any more.
    expect(radio('read-only-inbox').checked).toBe(false);
    expect(m.planScopes).toHaveBeenLastCalledWith('v3', null, ['mail-read', 'rooms']);
  });

  it('saves the preset and the list, and a change by hand clears the preset', async () => {
    const ctx = makeCtx('v3');
    render(<FeaturesStep ctx={ctx} />);
    fireEvent.click(await screen.findByTestId('preset-email-client'));
    await waitFor(() => expect(ctx.setAnswer).toHaveBeenCalledWith('features.list', ['mail-modify', 'mail-send']));
    expect(ctx.setAnswer).toHaveBeenCalledWith('features.preset', 'email-client');

    fireEvent.click(box('mail-send'));
    await waitFor(() => expect(ctx.setAnswer).toHaveBeenLastCalledWith('features.list', ['mail-modify']));
    expect(ctx.setAnswer).toHaveBeenCalledWith('features.preset', null);
    expect(ctx.session.progress.answers['features.preset']).toBeUndefined();
  });

  it('recognises a preset picked box by box', async () => {
    render(<FeaturesStep ctx={makeCtx('v3')} />);
    fireEvent.click(await screen.findByTestId('feature-mail-modify'));
    expect(radio('email-client').checked).toBe(false);
    fireEvent.click(box('mail-send'));
    expect(radio('email-client').checked).toBe(true);
  });

  it('restores the saved choice when the step opens', async () => {
    render(<FeaturesStep ctx={makeCtx('v3', { 'features.preset': null, 'features.list': ['mail-read', 'calendar-write'] })} />);
    await screen.findByTestId('preset-email-client');
    expect(box('mail-read').checked).toBe(true);
    expect(box('calendar-write').checked).toBe(true);
    expect(box('mail-send').checked).toBe(false);
    await screen.findByTestId('scope-Calendars.ReadWrite');
    expect(m.planScopes).toHaveBeenCalledWith('v3', null, ['mail-read', 'calendar-write']);
  });

  it('restores a preset saved without its list by ticking its features', async () => {
    render(<FeaturesStep ctx={makeCtx('v3', { 'features.preset': 'email-client' })} />);
    await screen.findByTestId('scope-Mail.Send');
    expect(radio('email-client').checked).toBe(true);
    expect(box('mail-send').checked).toBe(true);
  });

  it('offers only calendar features on the v2 path, saved under their own keys', async () => {
    const ctx = makeCtx('v2-events', { 'features.list': ['mail-read'] });
    render(<FeaturesStep ctx={ctx} />);
    await screen.findByTestId('feature-calendar-write');
    expect(screen.queryByTestId('feature-mail-read')).toBeNull();
    expect(screen.queryByTestId('preset-email-client')).toBeNull();
    expect(screen.getByTestId('preset-calendar-scheduler')).toBeTruthy();
    // Nothing ticked on v2 still plans (Rust defaults to calendar-write).
    await waitFor(() => expect(m.planScopes).toHaveBeenCalledWith('v2-events', null, []));

    fireEvent.click(box('shared-calendar'));
    await waitFor(() => expect(ctx.setAnswer).toHaveBeenCalledWith('features.v2-events.list', ['shared-calendar']));
    expect(ctx.setAnswer).not.toHaveBeenCalledWith('features.list', expect.anything());
  });

  it('shows a failed plan as an error card', async () => {
    m.planScopes.mockRejectedValue(new WizardApiError('invalid_input', 'Pick at least one feature.', 'Presets: email-client.'));
    render(<FeaturesStep ctx={makeCtx('v3', { 'features.list': ['mail-read'] })} />);
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain('Pick at least one feature.');
    expect(card.textContent).toContain('Presets: email-client.');
  });
});
