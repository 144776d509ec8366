import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type TeamsApplied, type TeamsPlanView } from '../api';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { ProgressView } from '../bindings/ProgressView';
import blockedJson from '../test/generated/teams-blocked.json';
import teamsJson from '../test/generated/teams.json';
import { deferred, makeCtx, renderStep } from '../test/requirements';
import { TeamsIntegrationStep } from './teams-integration';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    planTeamsIntegration: vi.fn(),
    applyTeamsIntegration: vi.fn(),
    cancelRemote: vi.fn(),
    goToStep: vi.fn(),
  };
});
const m = vi.mocked(api);

// What the shell's commands answered in practice mode
// (src-tauri/src/teams_tests.rs writes both files).
const FIX = teamsJson as unknown as {
  create: TeamsPlanView;
  applied: TeamsApplied;
  update: TeamsPlanView;
  updated: TeamsApplied;
};
const BLOCKED = blockedJson as unknown as TeamsPlanView;

function ctxAtStep() {
  const progress: ProgressView = { ...FIX.applied.progress, step: 'teams-integration' };
  return makeCtx(progress);
}

beforeEach(() => {
  vi.clearAllMocks();
  m.cancelRemote.mockResolvedValue(1);
});

describe('Teams integration', () => {
  it('says which earlier step is missing, with a button back to it', async () => {
    const missing: TeamsPlanView = {
      ...FIX.create,
      plan: null,
      missing: [
        {
          what: "Your Nylas v2 app's client ID and secret, checked for the US region",
          step: 'nylas-v2',
          step_title: 'Nylas v2 app',
        },
      ],
    };
    m.planTeamsIntegration.mockResolvedValue(missing);
    m.goToStep.mockResolvedValue({ ...FIX.applied.progress, step: 'nylas-v2' });
    const ctx = ctxAtStep();
    renderStep(TeamsIntegrationStep, ctx);
    const box = await screen.findByTestId('teams-missing');
    expect(box.textContent).toContain('checked for the US region');
    expect(screen.queryByTestId('teams-confirm')).toBeNull();
    fireEvent.click(screen.getByTestId('teams-goto-nylas-v2'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('nylas-v2'));
    await waitFor(() => expect(ctx.applyProgress).toHaveBeenCalled());
  });

  it('a failing Teams check blocks it, naming the failures and the step that fixes them', async () => {
    m.planTeamsIntegration.mockResolvedValue(BLOCKED);
    m.goToStep.mockResolvedValue({ ...FIX.applied.progress, step: 'azure-app' });
    renderStep(TeamsIntegrationStep, ctxAtStep());
    const blocked = await screen.findByTestId('teams-blocked');
    expect(blocked.textContent).toContain('Turn on ID tokens for Teams');
    expect(blocked.textContent).toContain('Azure app step');
    expect(screen.queryByTestId('teams-plan')).toBeNull();
    expect(screen.queryByTestId('teams-facts')).toBeNull();
    fireEvent.click(screen.getByTestId('teams-goto-azure-app'));
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('azure-app'));
  });

  it('shows the plan with the secret hidden, then creates with progress and the change made', async () => {
    m.planTeamsIntegration.mockResolvedValue(FIX.create);
    const answer = deferred<TeamsApplied>();
    let progress: ((e: ProgressEvent) => void) | undefined;
    m.applyTeamsIntegration.mockImplementation((_a, _c, _confirm, onProgress) => {
      progress = onProgress;
      return answer.promise;
    });
    const ctx = ctxAtStep();
    renderStep(TeamsIntegrationStep, ctx);
    const plan = await screen.findByTestId('teams-plan');
    expect(within(plan).getByTestId('teams-step').textContent).toContain('Will be created');
    const sent = within(plan).getByTestId('teams-request');
    expect(sent.textContent).toContain('POST /connect/integrations');
    expect(sent.textContent).toContain('"client_secret": "•••"');
    expect(screen.getByTestId('teams-tenancy').textContent).toContain('Your organization only');
    expect(screen.getByTestId('teams-redirect-check').dataset.state).toBe('matches');
    expect(screen.getByTestId('teams-secrets').textContent).toContain(FIX.create.azure_secret_hint ?? '');
    expect(screen.queryByTestId('teams-agree')).toBeNull();
    expect(m.applyTeamsIntegration).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('teams-confirm'));
    await waitFor(() => expect(m.applyTeamsIntegration).toHaveBeenCalled());
    const [, choices, confirm] = m.applyTeamsIntegration.mock.calls[0]!;
    expect(confirm).toBe(false);
    expect(choices.redirect_uris).toEqual(FIX.create.redirect_uris);
    progress!({ key: 'integration:microsoft', index: 0, total: 1, state: { kind: 'retrying', attempt: 1, wait_ms: 2000 } });
    await waitFor(() => expect(screen.getByTestId('teams-progress').textContent).toContain('trying again in 2 s'));
    answer.resolve(FIX.applied);
    const verdict = await screen.findByTestId('teams-verdict');
    expect(verdict.textContent).toContain('The Teams integration is created. Its ID is sandbox-integration-1.');
    expect(ctx.applyProgress).toHaveBeenCalledWith(FIX.applied.progress);
  });

  it('changes an existing integration only after the admin agrees to the difference', async () => {
    m.planTeamsIntegration.mockResolvedValue(FIX.update);
    m.applyTeamsIntegration.mockResolvedValue(FIX.updated);
    renderStep(TeamsIntegrationStep, ctxAtStep());
    const diff = await screen.findByTestId('teams-diff');
    expect(diff.textContent).toContain('Tenant');
    expect(diff.textContent).toContain('common');
    expect(screen.getByTestId('teams-confirm').textContent).toBe('Change the integration');
    fireEvent.click(screen.getByTestId('teams-confirm'));
    expect((await screen.findByTestId('teams-agree-needed')).textContent).toContain('Tick the box first');
    expect(m.applyTeamsIntegration).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('teams-agree'));
    fireEvent.click(screen.getByTestId('teams-confirm'));
    await waitFor(() => expect(m.applyTeamsIntegration).toHaveBeenCalled());
    expect(m.applyTeamsIntegration.mock.calls[0]![2]).toBe(true);
    expect((await screen.findByTestId('teams-verdict')).textContent).toContain('is changed');
  });

  it('sends the typed options to Rust and shows its refusal', async () => {
    m.planTeamsIntegration.mockResolvedValueOnce(FIX.create);
    renderStep(TeamsIntegrationStep, ctxAtStep());
    await screen.findByTestId('teams-plan');
    const refusal = new WizardApiError('invalid_input', "A token lifetime of 60 seconds isn't accepted.");
    m.planTeamsIntegration.mockRejectedValueOnce(refusal);
    const expires = screen.getByTestId('teams-expires') as HTMLInputElement;
    expect(expires.value).toBe('1209600');
    fireEvent.input(expires, { target: { value: '60' } });
    fireEvent.input(screen.getByTestId('teams-name'), { target: { value: 'Contoso meetings' } });
    fireEvent.click(screen.getByTestId('teams-replan'));
    await waitFor(() => expect(m.planTeamsIntegration).toHaveBeenCalledTimes(2));
    const choices = m.planTeamsIntegration.mock.calls[1]![1];
    expect(choices.expires_in).toBe(60);
    expect(choices.name).toBe('Contoso meetings');
    expect(await screen.findByText("A token lifetime of 60 seconds isn't accepted.")).toBeTruthy();
    // Typing is never overwritten.
    expect((screen.getByTestId('teams-expires') as HTMLInputElement).value).toBe('60');
  });
});
