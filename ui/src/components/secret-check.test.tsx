import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { StoredSecret } from '../bindings/StoredSecret';
import { fixtureProgress, makeCtx } from '../test/requirements';
import { CheckingStatus, DashboardLink, SavedActions, keptWhere, reloadAfterRefusal, useStoredSecret } from './secret-check';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, storedSecret: vi.fn(), getSession: vi.fn() };
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
