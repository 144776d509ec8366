import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { Answer, TestCtx } from '../test/requirements';
import {
  answersWith,
  deferred,
  fixtureChoices,
  fixturePlan,
  fixtureProgress,
  makeCtx,
  renderStep,
} from '../test/requirements';
import { FeaturesStep } from './features';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, featureChoices: vi.fn(), planScopes: vi.fn() };
});
const m = vi.mocked(api);

// The context of the test running; plan_scopes plans from its saved answers,
// so "Rust" returns the plan generated for the state the progress is in.
let ctx: TestCtx;

beforeEach(() => {
  vi.clearAllMocks();
  m.featureChoices.mockImplementation(async (path) => fixtureChoices(path));
  m.planScopes.mockImplementation(async () => {
    if (ctx.state === null) throw new Error('planScopes called outside a generated state');
    return fixturePlan(ctx.state);
  });
});

function show(start: string, table: Parameters<typeof answersWith>[0] = []) {
  ctx = makeCtx(start, answersWith(table));
  renderStep(FeaturesStep, ctx);
  return ctx;
}

const box = (id: string) => screen.getByTestId(`feature-${id}`) as HTMLInputElement;
const radio = (id: string) => screen.getByTestId(`preset-${id}`) as HTMLInputElement;
const ticked = () =>
  (screen.getAllByRole('checkbox') as HTMLInputElement[])
    .filter((b) => b.checked)
    .map((b) => b.dataset.testid?.replace('feature-', ''));

const EMAIL_CLIENT = { key: 'preset', value: 'email-client' } as const;

describe('Features step', () => {
  it('asks for a pick first, without planning anything', async () => {
    show('v3/features/new');
    await screen.findByTestId('preset-email-client');
    expect(m.featureChoices).toHaveBeenCalledWith('v3');
    expect(screen.getByTestId('scope-list').textContent).toContain('tick at least one box');
    expect(ticked()).toEqual([]);
    expect(m.planScopes).not.toHaveBeenCalled();
  });

  it('ticks the features of a preset and shows the scope list with reasons', async () => {
    show('v3/features/new', [[EMAIL_CLIENT, 'v3/features/email-client']]);
    fireEvent.click(await screen.findByTestId('preset-email-client'));

    const preset = fixtureChoices('v3').presets.find((p) => p.id === 'email-client')!;
    expect(radio('email-client').checked).toBe(true);
    expect(ticked()).toEqual(preset.features);
    expect(ctx.setAnswer).toHaveBeenCalledWith(EMAIL_CLIENT);

    const plan = fixturePlan('v3/features/email-client');
    await screen.findByTestId('scope-Mail.Send');
    expect(m.planScopes.mock.calls.every((c) => c.length === 0)).toBe(true);
    for (const r of plan.required) {
      const item = screen.getByTestId(`scope-${r.name}`);
      expect(item.querySelector('code')?.textContent).toBe(r.name);
      expect(item.textContent).toContain(r.reason);
      if (r.also_satisfied_by.length > 0)
        expect(item.textContent).toContain(`Also works if your app already has: ${r.also_satisfied_by.join(', ')}`);
      expect(item.textContent?.includes('Always needed')).toBe(r.features.length === 0);
    }
    expect(plan.required.some((r) => r.features.length === 0)).toBe(true);
    for (const n of plan.notes) expect(screen.getByTestId('scope-list').textContent).toContain(n);
  });

  it('sets no status itself and plans only once Rust has saved a pick that gives a list', async () => {
    const saved = deferred<Answer>();
    ctx = makeCtx('v3/features/new', () => saved.promise);
    renderStep(FeaturesStep, ctx);
    fireEvent.click(await screen.findByTestId('preset-email-client'));
    // Shown at once, but nothing planned before Rust answered.
    expect(radio('email-client').checked).toBe(true);
    await Promise.resolve();
    expect(m.planScopes).not.toHaveBeenCalled();

    saved.resolve('v3/features/email-client');
    await screen.findByTestId('scope-Mail.Send');
    expect(m.planScopes).toHaveBeenCalledTimes(1);
    // The step list's status is Rust's, from the answers: none is set here.
    expect(ctx.setStatus).not.toHaveBeenCalled();
    expect(ctx.session.progress.step_status.features).toBe(fixtureProgress('v3/features/email-client').step_status.features);
  });

  it('updates the list when a box is ticked, and marks admin-consent scopes', async () => {
    show('v3/features/new', [
      [{ key: 'preset', value: 'read-only-inbox' }, 'v3/features/read-only-inbox'],
      [{ key: 'feature', value: { feature: 'rooms', on: true } }, 'v3/features/read-only-inbox-rooms'],
    ]);
    fireEvent.click(await screen.findByTestId('preset-read-only-inbox'));
    await screen.findByTestId('scope-Mail.Read');
    expect(screen.queryByTestId('scope-Place.Read.All')).toBeNull();

    fireEvent.click(box('rooms'));
    expect(ctx.setAnswer).toHaveBeenLastCalledWith({ key: 'feature', value: { feature: 'rooms', on: true } });
    const plan = fixturePlan('v3/features/read-only-inbox-rooms');
    await screen.findByTestId('scope-Place.Read.All');
    expect(plan.required.some((r) => r.admin_consent)).toBe(true);
    for (const r of plan.required) {
      const badge = within(screen.getByTestId(`scope-${r.name}`)).queryByText('Needs admin consent');
      expect(badge !== null, r.name).toBe(r.admin_consent);
    }
    for (const n of plan.notes) expect(screen.getByTestId('scope-list').textContent).toContain(n);
    // Read-only inbox + rooms is no preset: Rust says so, and the step shows it.
    expect(fixtureProgress('v3/features/read-only-inbox-rooms').current?.features.preset).toBeNull();
    await waitFor(() => expect(radio('read-only-inbox').checked).toBe(false));
    expect(ticked()).toEqual(fixtureProgress('v3/features/read-only-inbox-rooms').current?.features.features);
  });

  it('saves the preset, and a change by hand sends that feature and shows what Rust made of it', async () => {
    const untick = { key: 'feature', value: { feature: 'mail-send', on: false } } as const;
    show('v3/features/new', [
      [EMAIL_CLIENT, 'v3/features/email-client'],
      [untick, 'v3/features/mail-modify'],
    ]);
    fireEvent.click(await screen.findByTestId('preset-email-client'));
    await waitFor(() => expect(ctx.setAnswer).toHaveBeenCalledWith(EMAIL_CLIENT));
    await screen.findByTestId('scope-Mail.Send');

    fireEvent.click(box('mail-send'));
    expect(ctx.setAnswer).toHaveBeenLastCalledWith(untick);
    expect(ctx.setAnswer).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(radio('email-client').checked).toBe(false));
    expect(ticked()).toEqual(fixtureProgress('v3/features/mail-modify').current?.features.features);
    expect(screen.getByTestId('features-step').textContent).toContain('Your own choice.');
    await waitFor(() => expect(screen.queryByTestId('scope-Mail.Send')).toBeNull());
  });

  it('recognises a preset picked box by box, as Rust derives it', async () => {
    show('v3/features/new', [
      [{ key: 'feature', value: { feature: 'mail-modify', on: true } }, 'v3/features/mail-modify'],
      [{ key: 'feature', value: { feature: 'mail-send', on: true } }, 'v3/features/email-client'],
    ]);
    fireEvent.click(await screen.findByTestId('feature-mail-modify'));
    await waitFor(() => expect(ctx.state).toBe('v3/features/mail-modify'));
    expect(radio('email-client').checked).toBe(false);
    fireEvent.click(box('mail-send'));
    await waitFor(() => expect(radio('email-client').checked).toBe(true));
  });

  it('shows the saved choice again when a save fails', async () => {
    ctx = makeCtx('v3/features/mail-modify', () => null);
    renderStep(FeaturesStep, ctx);
    fireEvent.click(await screen.findByTestId('preset-read-only-inbox'));
    expect(radio('read-only-inbox').checked).toBe(true);
    await waitFor(() => expect(radio('read-only-inbox').checked).toBe(false));
    expect(ticked()).toEqual(fixtureProgress('v3/features/mail-modify').current?.features.features);
  });

  it('restores the saved choice when the step opens', async () => {
    show('v3/features/read-only-inbox-rooms');
    await screen.findByTestId('scope-Place.Read.All');
    expect(ticked()).toEqual(fixtureProgress('v3/features/read-only-inbox-rooms').current?.features.features);
    expect(ticked()).toEqual(['mail-read', 'rooms']);
    expect((screen.getAllByRole('radio') as HTMLInputElement[]).some((r) => r.checked)).toBe(false);
    expect(m.planScopes).toHaveBeenCalledTimes(1);
  });

  it('restores a saved preset with its features ticked', async () => {
    show('v3/features/email-client');
    await screen.findByTestId('scope-Mail.Send');
    expect(radio('email-client').checked).toBe(true);
    expect(ticked()).toEqual(['mail-modify', 'mail-send']);
  });

  it('on the v2 path offers only what Rust offers for v2, and sends its feature updates', async () => {
    const tick = { key: 'feature', value: { feature: 'shared-calendar', on: true } } as const;
    show('v2-events/features/new', [[tick, 'v2-events/features/shared-calendar']]);
    await screen.findByTestId('feature-calendar-write');
    expect(m.featureChoices).toHaveBeenCalledWith('v2-events');
    const offered = fixtureChoices('v2-events');
    expect(screen.getAllByRole('checkbox').map((b) => b.dataset.testid)).toEqual(offered.features.map((f) => `feature-${f.id}`));
    expect(screen.getAllByRole('radio').map((r) => r.dataset.testid)).toEqual(offered.presets.map((p) => `preset-${p.id}`));
    expect(screen.queryByTestId('feature-mail-read')).toBeNull();
    expect(screen.getByTestId('features-step').textContent).toContain('only calendar features are offered here');
    // Nothing ticked on v2 still plans (Rust plans for calendar-write).
    for (const r of fixturePlan('v2-events/features/new').required) await screen.findByTestId(`scope-${r.name}`);

    fireEvent.click(box('shared-calendar'));
    expect(ctx.setAnswer).toHaveBeenCalledWith(tick);
    expect(ctx.setAnswer).toHaveBeenCalledTimes(1);
    for (const r of fixturePlan('v2-events/features/shared-calendar').required) await screen.findByTestId(`scope-${r.name}`);
    expect(m.planScopes).toHaveBeenCalledTimes(2);
    expect(box('shared-calendar').checked).toBe(true);
  });

  it('on the Teams path offers the v3 features, requires calendar write and plans the Teams meetings permission on top', async () => {
    const tick = { key: 'feature', value: { feature: 'calendar-write', on: true } } as const;
    show('teams/features/new', [[tick, 'teams/features/calendar-write']]);
    await screen.findByTestId('feature-calendar-write');
    expect(m.featureChoices).toHaveBeenCalledWith('teams');
    const offered = fixtureChoices('teams');
    expect(screen.getAllByRole('checkbox').map((b) => b.dataset.testid)).toEqual(offered.features.map((f) => `feature-${f.id}`));
    // The v3 features, less conferencing: Teams meetings are the path itself.
    const v3 = fixtureChoices('v3').features.map((f) => f.id);
    expect(offered.features.map((f) => f.id)).toEqual(v3.filter((f) => f !== 'conferencing'));
    expect(screen.queryByTestId('feature-conferencing')).toBeNull();
    // What Rust requires is marked, and said in the intro and the empty list.
    const required = fixtureProgress('teams/features/new').current?.required_features;
    expect(required).toEqual(['calendar-write']);
    expect(screen.getByTestId('required-calendar-write').textContent).toBe('Required');
    expect(screen.queryByTestId('required-mail-read')).toBeNull();
    const intro = screen.getByTestId('features-intro').textContent ?? '';
    expect(intro).toContain('“Create or update events” is required');
    expect(intro).toContain('lets Nylas create the meetings');
    expect(screen.getByTestId('scope-list').textContent).toContain('including “Create or update events”');
    expect(m.planScopes).not.toHaveBeenCalled();

    fireEvent.click(box('calendar-write'));
    expect(ctx.setAnswer).toHaveBeenCalledWith(tick);
    const plan = fixturePlan('teams/features/calendar-write');
    const meetings = await screen.findByTestId('scope-OnlineMeetings.ReadWrite');
    expect(meetings.textContent).toContain('Always needed');
    for (const r of plan.required) expect(screen.getByTestId(`scope-${r.name}`).textContent).toContain(r.reason);
    expect(plan.required.map((r) => r.name)).toContain('Calendars.ReadWrite');
    // EWS/EAS: kept, never to remove.
    for (const k of plan.keep) await screen.findByTestId(`scope-${k.name}`);
    expect(screen.getByTestId('scope-list').textContent).toContain('Keep these if your app already has them');
  });

  it('on the Teams path a setup without calendar write asks for it, by name', async () => {
    show('teams/features/email-client');
    await screen.findByTestId('preset-email-client');
    expect(radio('email-client').checked).toBe(true);
    expect(fixtureProgress('teams/features/email-client').current?.needs_features).toBe(true);
    expect(screen.getByTestId('scope-list').textContent).toContain('Tick “Create or update events” too');
    expect(m.planScopes).not.toHaveBeenCalled();
  });

  it('on v3 offers conferencing without requiring anything', async () => {
    show('v3/features/new');
    await screen.findByTestId('feature-conferencing');
    expect(screen.queryByTestId('features-intro')).toBeNull();
    expect(screen.queryByText('Required')).toBeNull();
  });

  it('shows a failed plan as an error card', async () => {
    m.planScopes.mockRejectedValue(new WizardApiError('invalid_input', 'Pick at least one feature.', 'Presets: email-client.'));
    show('v3/features/mail-modify');
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain('Pick at least one feature.');
    expect(card.textContent).toContain('Presets: email-client.');
  });
});
