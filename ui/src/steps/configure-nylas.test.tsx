import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError, type ConfigureApplied, type ConfigurePlanView } from '../api';
import type { ProgressEvent } from '../bindings/ProgressEvent';
import type { ProgressView } from '../bindings/ProgressView';
import configureJson from '../test/generated/configure.json';
import { deferred, makeCtx, renderStep } from '../test/requirements';
import { ConfigureNylasStep } from './configure-nylas';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    planConfigureNylas: vi.fn(),
    applyConfigureNylas: vi.fn(),
    cancelRemote: vi.fn(),
    setAnswer: vi.fn(),
    goToStep: vi.fn(),
  };
});
const m = vi.mocked(api);

// What the shell's commands answered in practice mode
// (src-tauri/src/configure_tests.rs writes it).
const FIX = configureJson as unknown as {
  missing: ConfigurePlanView;
  create: ConfigurePlanView;
  update: ConfigurePlanView;
  applied: ConfigureApplied;
};
const CONNECTOR = 'connector:microsoft';
const TEST_CB = 'callback-uri:http://localhost:47615/nylas-wizard/test-sign-in';

function ctxAtConnector() {
  const progress: ProgressView = { ...FIX.applied.progress, step: 'connector' };
  return makeCtx(progress);
}

beforeEach(() => {
  vi.clearAllMocks();
  m.cancelRemote.mockResolvedValue(1);
});

describe('Configure Nylas', () => {
  it('says which earlier step is missing, with a button back to it', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.missing);
    m.goToStep.mockResolvedValue({ ...FIX.applied.progress, step: 'azure-app' });
    const ctx = ctxAtConnector();
    renderStep(ConfigureNylasStep, ctx);
    const missing = await screen.findByTestId('configure-missing');
    expect(within(screen.getByTestId('configure-missing-azure-app')).getAllByRole('listitem')).toHaveLength(2);
    expect(missing.textContent).toContain('A Nylas API key checked for the US region');
    expect(screen.queryByTestId('configure-plan')).toBeNull();
    expect(screen.queryByTestId('configure-confirm')).toBeNull();
    fireEvent.click(screen.getByTestId('configure-goto-nylas-account'));
    expect(screen.getByTestId('configure-goto-azure-app').textContent).toBe('Go back to Azure app');
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('nylas-account'));
    await waitFor(() => expect(ctx.applyProgress).toHaveBeenCalled());
  });

  it('shows the plan in words, what will be sent with secrets hidden, and sends nothing before Confirm', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.create);
    renderStep(ConfigureNylasStep, ctxAtConnector());
    const plan = await screen.findByTestId('configure-plan');
    const connector = within(plan).getByTestId(`configure-step-${CONNECTOR}`);
    expect(connector.textContent).toContain('Will be added');
    expect(within(connector).getByTestId('configure-safety').textContent).toContain('Is it safe?');
    const sent = within(connector).getByTestId('configure-request');
    expect((sent as HTMLDetailsElement).open).toBe(false);
    expect(sent.textContent).toContain('POST /v3/connectors');
    expect(sent.textContent).toContain('"client_secret": "•••"');
    expect(within(plan).getByTestId(`configure-step-${TEST_CB}`)).toBeTruthy();
    expect(screen.getByTestId('configure-facts').textContent).toContain('Contoso Scheduler');
    expect(screen.getByTestId('configure-confirm').textContent).toBe('Make these 2 changes in Nylas');
    expect(m.applyConfigureNylas).not.toHaveBeenCalled();
  });

  it('shows an existing connector before → after', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.update);
    renderStep(ConfigureNylasStep, ctxAtConnector());
    const connector = await screen.findByTestId(`configure-step-${CONNECTOR}`);
    expect(connector.textContent).toContain('Will be changed');
    const diff = within(connector).getByTestId('configure-diff');
    expect(diff.textContent).toContain('Permissions (scopes)');
    expect(within(diff).getByTestId('configure-before').textContent).toBe('Mail.Read, User.Read, offline_access');
    expect(within(diff).getByTestId('configure-after').textContent).toContain('Mail.Send');
    expect(screen.getByTestId('configure-confirm').textContent).toBe('Make this change in Nylas');
  });

  it('applies with a tick per step as Rust reports it, then shows the result and the changes with their undo', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.create);
    const answer = deferred<ConfigureApplied>();
    let report: ((e: ProgressEvent) => void) | undefined;
    m.applyConfigureNylas.mockImplementation((onProgress) => {
      report = onProgress;
      return answer.promise;
    });
    const ctx = ctxAtConnector();
    renderStep(ConfigureNylasStep, ctx);
    fireEvent.click(await screen.findByTestId('configure-confirm'));
    await screen.findByTestId('configure-working');
    expect(screen.getByTestId(`configure-tick-${CONNECTOR}`).dataset.state).toBe('waiting');
    report?.({ key: CONNECTOR, index: 0, total: 2, state: { kind: 'started' } });
    await waitFor(() => expect(screen.getByTestId(`configure-tick-${CONNECTOR}`).dataset.state).toBe('started'));
    // Nylas asked to slow down: the tick says it waits and tries again.
    report?.({ key: CONNECTOR, index: 0, total: 2, state: { kind: 'retrying', attempt: 2, wait_ms: 3000 } });
    await waitFor(() => expect(screen.getByTestId(`configure-tick-${CONNECTOR}`).dataset.state).toBe('retrying'));
    expect(screen.getByTestId('configure-retrying').textContent).toContain('trying again in 3 s (attempt 2)');
    report?.({ key: CONNECTOR, index: 0, total: 2, state: { kind: 'done', outcome: 'created' } });
    await waitFor(() => expect(screen.getByTestId(`configure-tick-${CONNECTOR}`).dataset.state).toBe('created'));
    expect(screen.getByTestId(`configure-tick-${TEST_CB}`).dataset.state).toBe('waiting');

    answer.resolve(FIX.applied);
    const result = await screen.findByTestId('configure-result');
    expect(screen.getByTestId('configure-verdict').textContent).toContain('Nylas is configured (2 added)');
    expect(within(result).getByTestId(`configure-tick-${TEST_CB}`).dataset.state).toBe('created');
    const changed = within(result).getByTestId('just-changed');
    expect(within(changed).getAllByTestId('change-item')).toHaveLength(2);
    expect(changed.textContent).toContain('Created the Microsoft connector');
    expect(ctx.applyProgress).toHaveBeenCalledWith(FIX.applied.progress);
  });

  it('Stop asks Rust to cancel; a failed step shows its error in plain words', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.create);
    const answer = deferred<ConfigureApplied>();
    m.applyConfigureNylas.mockReturnValue(answer.promise);
    renderStep(ConfigureNylasStep, ctxAtConnector());
    fireEvent.click(await screen.findByTestId('configure-confirm'));
    fireEvent.click(await screen.findByTestId('configure-stop'));
    await waitFor(() => expect(m.cancelRemote).toHaveBeenCalledWith('apply_configure_nylas'));
    const error = { code: 'unauthorized' as const, message: 'Nylas refused the API key.', hint: 'Check the key on the Nylas account step.'};
    answer.resolve({
      ...FIX.applied,
      report: {
        ...FIX.applied.report,
        steps: [
          { ...FIX.applied.report.steps[0]!, outcome: 'failed', error },
          { ...FIX.applied.report.steps[1]!, outcome: 'not_run' },
        ],
      },
      changes: [],
    });
    await screen.findByTestId('configure-result');
    expect(screen.getByTestId('configure-verdict').textContent).toContain('Not finished');
    expect(screen.getByText('Nylas refused the API key.')).toBeTruthy();
  });

  it('saves additional tenants through Rust and shows its refusal under the field', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.create);
    m.setAnswer.mockRejectedValueOnce(
      new WizardApiError('invalid_input', '"common" can\'t be an additional tenant: enter a tenant ID (a GUID) or a domain like fabrikam.com.'),
    );
    renderStep(ConfigureNylasStep, ctxAtConnector());
    const field = (await screen.findByTestId('configure-tenants')) as HTMLTextAreaElement;
    field.value = 'common';
    fireEvent.click(screen.getByTestId('configure-tenants-save'));
    const err = await screen.findByTestId('configure-tenants-error');
    expect(err.textContent).toContain("can't be an additional tenant");
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(m.setAnswer).toHaveBeenCalledWith({ key: 'additional_tenants', value: ['common'] });

    m.setAnswer.mockResolvedValueOnce(FIX.applied.progress);
    field.value = 'fabrikam.com\n adatum.com ';
    fireEvent.click(screen.getByTestId('configure-tenants-save'));
    await waitFor(() => expect(screen.queryByTestId('configure-tenants-error')).toBeNull());
    expect(m.setAnswer).toHaveBeenLastCalledWith({ key: 'additional_tenants', value: ['fabrikam.com', 'adatum.com'] });
    await waitFor(() => expect(m.planConfigureNylas).toHaveBeenCalledTimes(2));
  });

  it('a plan that could not be read says why and reads again on Try again', async () => {
    m.planConfigureNylas
      .mockRejectedValueOnce(new WizardApiError('remote_unavailable', "Nylas couldn't be reached."))
      .mockResolvedValueOnce(FIX.create);
    renderStep(ConfigureNylasStep, ctxAtConnector());
    expect((await screen.findByText("Nylas couldn't be reached.")).textContent).toBeTruthy();
    expect(screen.queryByTestId('configure-confirm')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /Try again/ }));
    await screen.findByTestId('configure-plan');
    expect(m.planConfigureNylas).toHaveBeenCalledTimes(2);
    expect(screen.queryByText("Nylas couldn't be reached.")).toBeNull();
  });

  it('on path D words the imported connector: the heading, the help and the result', async () => {
    const update: ConfigurePlanView = { ...FIX.update, migration: true };
    m.planConfigureNylas.mockResolvedValue(update);
    m.applyConfigureNylas.mockResolvedValue(FIX.applied);
    renderStep(ConfigureNylasStep, ctxAtConnector());
    expect((await screen.findByRole('heading', { level: 2 })).textContent).toBe(
      'Point the imported Microsoft connector at your new app',
    );
    expect(screen.getByTestId('configure-migration-help').textContent).toContain('When Nylas imported your v2 application');
    expect(screen.getAllByTestId('configure-before').length).toBeGreaterThan(0);
    fireEvent.click(await screen.findByTestId('configure-confirm'));
    expect((await screen.findByTestId('configure-verdict')).textContent).toContain(
      'The Microsoft connector now uses your new Azure app',
    );
  });

  it('on path E leaves out the extra tenants (its own step) and says to go on to the tenants', async () => {
    m.planConfigureNylas.mockResolvedValue(FIX.create);
    m.applyConfigureNylas.mockResolvedValue(FIX.applied);
    const progress: ProgressView = { ...FIX.applied.progress, path: 'bulk', step: 'connector' };
    renderStep(ConfigureNylasStep, makeCtx(progress));
    expect((await screen.findByTestId('configure-bulk-help')).textContent).toContain('after giving consent');
    expect(screen.queryByTestId('configure-tenants')).toBeNull();
    fireEvent.click(await screen.findByTestId('configure-confirm'));
    expect((await screen.findByTestId('configure-verdict')).textContent).toContain('You can go on to your tenants.');
  });
});
