import { fireEvent, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { type EwsAppliedView, type EwsPlanView, WizardApiError } from '../api';
import type { Plan } from '../bindings/Plan';
import type { ProgressView } from '../bindings/ProgressView';
import ewsJson from '../test/generated/ews.json';
import { fixtureProgress, makeCtx, renderStep } from '../test/requirements';
import { MigrateEwsStep } from './migrate-ews';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, planMigrateEws: vi.fn(), applyMigrateEws: vi.fn(), goToStep: vi.fn() };
});
const m = vi.mocked(api);

function onStep(): ProgressView {
  const p = fixtureProgress('migrate/scopes/new');
  p.step = 'ews';
  return p;
}

// What the shell's commands answered in practice mode for an on-premises
// account (src-tauri/src/ews_tests.rs writes it).
const FIX = ewsJson as unknown as { needed: EwsPlanView; applied: EwsAppliedView; again: EwsPlanView };

const PLAN: Plan = {
  id: 'migrate-ews',
  title: 'The EWS connector for Exchange on-premises',
  steps: [
    {
      key: 'connector:ews',
      summary: 'Add the EWS connector to your Nylas application (US region) with the permissions ews.messages, ews.calendar.',
      action: 'create',
      safety: 'Safe: it adds a way in for Exchange on your own servers.',
      undo: ['In the Nylas Dashboard, open Connectors and choose EWS.'],
      request: { method: 'POST', path: '/v3/connectors', body: { provider: 'ews', settings: {}, scope: ['ews.messages', 'ews.calendar'] } },
      changes: [],
    },
  ],
};

function view(over: Partial<EwsPlanView> = {}): EwsPlanView {
  return {
    need: 'needed',
    why: 'Your v2 accounts include Exchange on your own servers.',
    missing: [],
    plan: PLAN,
    region: 'us',
    application: { application_id: 'app-1', region: 'us', name: 'Contoso Scheduler', checked_at: '2026-12-01T20:30:00Z' },
    api_key_hint: 'nyk_…8Tz1',
    scopes: ['ews.messages', 'ews.calendar'],
    record: null,
    ...over,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
});

describe('MigrateEwsStep', () => {
  it('says plainly when no EWS connector is needed and offers nothing to send', async () => {
    m.planMigrateEws.mockResolvedValue(
      view({ need: 'not_needed', why: 'None of your sorted v2 accounts is on Exchange servers of your own, so no EWS connector is needed.', plan: null }),
    );
    renderStep(MigrateEwsStep, makeCtx(onStep()));
    const need = await screen.findByTestId('ews-need');
    expect(need.dataset.need).toBe('not_needed');
    expect(need.textContent).toContain('Not needed.');
    expect(need.textContent).toContain('no EWS connector is needed');
    expect(screen.queryByTestId('ews-confirm')).toBeNull();
    expect(m.applyMigrateEws).not.toHaveBeenCalled();
  });

  it('names the step to go back to when the accounts aren\'t sorted', async () => {
    m.planMigrateEws.mockResolvedValue(
      view({
        need: 'unknown',
        why: "Your v2 accounts haven't been sorted yet.",
        plan: null,
        missing: [{ what: 'Your v2 accounts, sorted', step: 'accounts', step_title: 'Accounts' }],
      }),
    );
    const ctx = makeCtx(onStep());
    m.goToStep.mockResolvedValue(onStep());
    renderStep(MigrateEwsStep, ctx);
    fireEvent.click(await screen.findByTestId('ews-goto-accounts'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('accounts'));
    expect(screen.getByTestId('ews-goto-accounts').textContent).toBe('Go back to Accounts');
  });

  it('shows the request before sending, then the outcome with progress and the change', async () => {
    m.planMigrateEws.mockResolvedValue(FIX.needed);
    const ctx = makeCtx(onStep());
    m.applyMigrateEws.mockImplementation(async (on) => {
      on({ key: 'connector:ews', index: 0, total: 1, state: { kind: 'started' } });
      return FIX.applied;
    });
    renderStep(MigrateEwsStep, ctx);
    expect((await screen.findByTestId('ews-scopes')).textContent).toContain('ews.messages, ews.calendar');
    expect(screen.getByTestId('ews-need').textContent).toContain('Exchange on your own servers');
    expect(screen.getByTestId('configure-step-connector:ews').dataset.action).toBe('create');
    expect(screen.getByTestId('configure-request').textContent).toContain('POST /v3/connectors');
    expect(screen.getByTestId('configure-request').textContent).toContain('"provider": "ews"');
    expect(screen.getByTestId('ews-confirm').textContent).toBe('Add the EWS connector in Nylas');
    fireEvent.click(screen.getByTestId('ews-confirm'));
    expect((await screen.findByTestId('ews-verdict')).textContent).toContain('The EWS connector is now in your Nylas application');
    expect(ctx.applyProgress).toHaveBeenCalledWith(FIX.applied.progress);
    expect(screen.getByTestId('configure-tick-connector:ews').dataset.state).toBe('created');
    expect(screen.getByTestId('ews-result').textContent).toContain(FIX.applied.changes[0]!.what);
  });

  it('says when the connector is already there, and checking again sends nothing new', async () => {
    m.planMigrateEws.mockResolvedValue(FIX.again);
    renderStep(MigrateEwsStep, makeCtx(onStep()));
    expect((await screen.findByTestId('configure-step-connector:ews')).dataset.action).toBe('nothing_to_do');
    expect(screen.getByTestId('ews-plan').textContent).toContain('Everything is already right');
    expect(screen.getByTestId('ews-confirm').textContent).toBe('Check it again');
  });

  it('shows Nylas\'s refusal in plain words, never swallowed', async () => {
    m.planMigrateEws.mockResolvedValue(view());
    const refusal = {
      code: 'rejected',
      message: 'Nylas refused to create the EWS connector in both forms the wizard knows.',
      hint: 'With the permissions as a list ("scope") Nylas said: "Unknown field". Create the EWS connector in the Nylas Dashboard.',
    };
    m.applyMigrateEws.mockResolvedValue({
      plan: PLAN,
      report: {
        plan_id: 'migrate-ews',
        steps: [{ key: 'connector:ews', summary: PLAN.steps[0]!.summary, outcome: 'failed', error: refusal as never, ids: [] }],
        cancelled: false,
        resumed: false,
      },
      accepted: null,
      changes: [],
      progress: onStep(),
    });
    renderStep(MigrateEwsStep, makeCtx(onStep()));
    fireEvent.click(await screen.findByTestId('ews-confirm'));
    expect((await screen.findByTestId('ews-verdict')).textContent).toContain('could not be made');
    expect(await screen.findByText(refusal.message)).toBeTruthy();
    expect(screen.getByText(/Create the EWS connector in the Nylas Dashboard/)).toBeTruthy();
  });

  it('shows an error reading Nylas with a way to try again', async () => {
    m.planMigrateEws.mockRejectedValueOnce(new WizardApiError('unauthorized', 'Nylas refused the API key.'));
    renderStep(MigrateEwsStep, makeCtx(onStep()));
    expect(await screen.findByText('Nylas refused the API key.')).toBeTruthy();
    expect(screen.queryByTestId('ews-plan')).toBeNull();
  });
});
