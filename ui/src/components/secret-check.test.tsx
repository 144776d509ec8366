import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { StoredSecret } from '../bindings/StoredSecret';
import { fixtureProgress, makeCtx } from '../test/requirements';
import { CheckingStatus, DashboardLink, SavedActions, keptWhere, reloadAfterRefusal, useSecretCheck, useStoredSecret } from './secret-check';
import type { StepContext } from '../steps/types';
import { deferred } from '../test/requirements';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, storedSecret: vi.fn(), getSession: vi.fn(), cancelRemote: vi.fn() };
});
const m = vi.mocked(api);
const HINT: StoredSecret = { name: 'nylas_api_key', hint: 'nyk…Tz1', persistent: true };

beforeEach(() => vi.clearAllMocks());

function Probe({ onError }: { onError: (e: WizardApiError) => void }) {
  const [stored] = useStoredSecret('nylas_api_key', onError);
  return <p data-testid="stored">{stored === undefined ? 'asking' : stored === null ? 'none' : stored.hint}</p>;
}

describe('useStoredSecret', () => {
  it('asks Rust once and shows the hint', async () => {
    m.storedSecret.mockResolvedValue(HINT);
    render(<Probe onError={vi.fn()} />);
    expect(screen.getByTestId('stored').textContent).toBe('asking');
    await waitFor(() => expect(screen.getByTestId('stored').textContent).toBe('nyk…Tz1'));
    expect(m.storedSecret).toHaveBeenCalledWith('nylas_api_key');
  });

  it('a failed look-up counts as not saved and is reported', async () => {
    m.storedSecret.mockRejectedValue(new WizardApiError('keychain_unavailable', 'No keychain'));
    const onError = vi.fn();
    render(<Probe onError={onError} />);
    await waitFor(() => expect(screen.getByTestId('stored').textContent).toBe('none'));
    expect(onError.mock.calls[0]?.[0].code).toBe('keychain_unavailable');
  });
});

describe('reloadAfterRefusal and keptWhere', () => {
  it('shows what is true after a refusal: the secret and the progress', async () => {
    const progress = fixtureProgress('v3/region/new');
    const ctx = makeCtx(progress);
    m.storedSecret.mockResolvedValue(null);
    m.getSession.mockResolvedValue({ ...ctx.session, progress });
    const setStored = vi.fn();
    await reloadAfterRefusal('nylas_api_key', ctx, setStored);
    expect(setStored).toHaveBeenCalledWith(null);
    expect(ctx.applyProgress).toHaveBeenCalledWith(progress);
  });

  it('changes nothing when Rust cannot be asked', async () => {
    const ctx = makeCtx(fixtureProgress('v3/region/new'));
    m.storedSecret.mockRejectedValue(new Error('gone'));
    m.getSession.mockRejectedValue(new Error('gone'));
    const setStored = vi.fn();
    await reloadAfterRefusal('nylas_api_key', ctx, setStored);
    expect(setStored).not.toHaveBeenCalled();
    expect(ctx.applyProgress).not.toHaveBeenCalled();
  });

  it('says where a kept secret goes', () => {
    const ctx = makeCtx(fixtureProgress('v3/region/new'));
    const where = (practice: boolean, sessionOnly: boolean) =>
      keptWhere({
        ...ctx,
        session: { ...ctx.session, practice: { ...ctx.session.practice, enabled: practice }, keychain: { ...ctx.session.keychain, session_only: sessionOnly } },
      });
    expect(where(true, false)).toBe("practice mode's memory");
    expect(where(false, true)).toBe('memory, for this run only');
    expect(where(false, false)).toBe('your system keychain');
  });
});

describe('SavedActions, CheckingStatus, DashboardLink', () => {
  it('check again / use a different one, busy marked', () => {
    const onRecheck = vi.fn();
    const onReplace = vi.fn();
    render(<SavedActions prefix="k" primary={true} checking={true} busy={true} replaceLabel="Use a different key" onRecheck={onRecheck} onReplace={onReplace} />);
    const recheck = screen.getByTestId('k-recheck');
    expect(recheck.className).toBe('btn btn-primary');
    expect(recheck.textContent).toBe('Checking…');
    expect(recheck.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByTestId('k-replace'));
    expect(onReplace).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('k-replace').textContent).toBe('Use a different key');
  });

  it('asking with Cancel while busy; Stopped after', () => {
    const onCancel = vi.fn();
    const { rerender } = render(<CheckingStatus prefix="k" asking="Asking Nylas about your key…" busy={true} stopped={false} onCancel={onCancel} />);
    expect(screen.getByTestId('k-checking').textContent).toBe('Asking Nylas about your key…Cancel');
    fireEvent.click(screen.getByTestId('k-cancel'));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('k-stopped')).toBeNull();
    rerender(<CheckingStatus prefix="k" asking="x" busy={false} stopped={true} onCancel={onCancel} />);
    expect(screen.queryByTestId('k-checking')).toBeNull();
    expect(screen.getByTestId('k-stopped').textContent).toContain('Stopped. Nothing was saved or changed');
  });

  it('opens the Nylas dashboard by intent', () => {
    const ctx = makeCtx(fixtureProgress('v3/region/new'));
    render(<DashboardLink ctx={ctx} />);
    fireEvent.click(screen.getByRole('button', { name: 'Open the Nylas dashboard' }));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'nylas_dashboard' } });
  });
});

function Checker({ ctx, call, onAnswer, onFailed }: { ctx: StepContext; call: () => Promise<string>; onAnswer: (v: string) => void; onFailed: () => void }) {
  const h = useSecretCheck<'typed' | 'stored'>('nylas_api_key', ctx, (from) => `check_${from}`);
  return (
    <div>
      <p data-testid="busy">{h.busy ?? 'idle'}</p>
      <p data-testid="stopped">{String(h.stopped)}</p>
      <p data-testid="err">{h.error?.code ?? ''}</p>
      <button type="button" data-testid="typed" onClick={() => void h.check('typed', call, onAnswer, onFailed)} />
      <button type="button" data-testid="stored" onClick={() => void h.check('stored', call, onAnswer, onFailed)} />
      <button type="button" data-testid="cancel" onClick={h.cancel} />
    </div>
  );
}

describe('useSecretCheck', () => {
  it('one check at a time; Cancel names the running check; a cancelled check is "stopped", not an error', async () => {
    m.storedSecret.mockResolvedValue(null);
    vi.mocked(api.cancelRemote).mockResolvedValue(1);
    const d = deferred<string>();
    const call = vi.fn(() => d.promise);
    const onAnswer = vi.fn();
    const onFailed = vi.fn();
    render(<Checker ctx={makeCtx(fixtureProgress('v3/region/new'))} call={call} onAnswer={onAnswer} onFailed={onFailed} />);
    fireEvent.click(screen.getByTestId('typed'));
    await waitFor(() => expect(screen.getByTestId('busy').textContent).toBe('typed'));
    fireEvent.click(screen.getByTestId('stored'));
    expect(call).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByTestId('cancel'));
    expect(api.cancelRemote).toHaveBeenCalledWith('check_typed');
    d.resolve(Promise.reject(new WizardApiError('cancelled', 'Stopped')) as unknown as string);
    await waitFor(() => expect(screen.getByTestId('busy').textContent).toBe('idle'));
    expect(screen.getByTestId('stopped').textContent).toBe('true');
    expect(screen.getByTestId('err').textContent).toBe('');
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onAnswer).not.toHaveBeenCalled();
  });

  it('passes the answer on; a refused saved secret shows the error and reads what Rust kept', async () => {
    m.storedSecret.mockResolvedValue(HINT);
    const ctx = makeCtx(fixtureProgress('v3/region/new'));
    m.getSession.mockResolvedValue({ ...ctx.session });
    const onAnswer = vi.fn();
    const call = vi.fn().mockResolvedValueOnce('ok').mockRejectedValueOnce(new WizardApiError('unauthorized', 'Refused'));
    render(<Checker ctx={ctx} call={call} onAnswer={onAnswer} onFailed={vi.fn()} />);
    fireEvent.click(screen.getByTestId('typed'));
    await waitFor(() => expect(onAnswer).toHaveBeenCalledWith('ok'));
    fireEvent.click(screen.getByTestId('stored'));
    await waitFor(() => expect(screen.getByTestId('err').textContent).toBe('unauthorized'));
    await waitFor(() => expect(m.getSession).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('stopped').textContent).toBe('false');
  });
});
