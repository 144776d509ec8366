import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import type { ChangeLog } from '../bindings/ChangeLog';
import changesJson from '../test/generated/changes.json';
import { ChangeList, ChangesButton, JustChanged } from './change-list';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, listChanges: vi.fn(), openLink: vi.fn() };
});
const m = vi.mocked(api);

// One change of each kind, as Rust builds them (crates/wizard-core/tests/ui_fixtures.rs).
const LOG = changesJson as ChangeLog;
const [FIXED, SECRET] = LOG.changes;

beforeEach(() => {
  vi.clearAllMocks();
  m.openLink.mockResolvedValue(undefined);
});

describe('Change list', () => {
  it('shows what changed, where, its ids and before → after, with the undo steps folded', () => {
    render(<ChangeList changes={LOG.changes} />);
    const items = screen.getAllByTestId('change-item');
    expect(items).toHaveLength(LOG.changes.length);
    const first = items[0]!;
    expect(first.textContent).toContain(FIXED!.what);
    expect(within(first).getByTestId('change-where').textContent).toBe('Azure app registration');
    expect(within(first).getByTestId('change-before').textContent).toBe('Registered under Single-page application');
    expect(within(first).getByTestId('change-after').textContent).toBe('Registered under Web');
    const undo = within(first).getByTestId('change-undo') as HTMLDetailsElement;
    expect(undo.open).toBe(false);
    expect(undo.querySelector('summary')?.textContent).toBe('How to undo this');
    // Every step Rust wrote is there, in order.
    const steps = Array.from(undo.querySelectorAll('li')).map((li) => li.textContent);
    expect(steps).toEqual(FIXED!.undo.steps);
    expect(within(first).getByTestId('change-caution').textContent).toContain(FIXED!.undo.caution!);
    // The Nylas ones say so.
    expect(within(items[3]!).getByTestId('change-where').textContent).toBe('Nylas application');
  });

  it('names a client secret by its Secret ID and hint only', () => {
    render(<ChangeList changes={[SECRET!]} />);
    const item = screen.getByTestId('change-item');
    expect(item.textContent).toContain('Secret ID');
    expect(item.textContent).toContain('9a3b5c7d-1e2f-4a6b-8c0d-2e4f6a8b0c1d');
    expect(item.textContent).toContain('Sbx…4Qz');
  });

  it('opens the page where the change is undone, by intent', async () => {
    render(<ChangeList changes={LOG.changes} />);
    const [azure, , , nylas] = screen.getAllByTestId('change-item');
    fireEvent.click(within(azure!).getByTestId('change-undo-open'));
    await waitFor(() =>
      expect(m.openLink).toHaveBeenCalledWith({
        kind: 'portal',
        page: { blade: 'authentication', app_id: '5e8c1f3a-2b4d-4c6e-8f0a-1b3d5f7a9c2e' },
      }),
    );
    fireEvent.click(within(nylas!).getByTestId('change-undo-open'));
    await waitFor(() => expect(m.openLink).toHaveBeenLastCalledWith({ kind: 'docs', topic: { topic: 'nylas_dashboard' } }));
  });

  it('after an apply, shows nothing when nothing changed', () => {
    const { container } = render(<JustChanged changes={[]} />);
    expect(container.textContent).toBe('');
    render(<JustChanged changes={[FIXED!]} />);
    expect(screen.getByTestId('just-changed').textContent).toContain('Changes made');
  });
});

describe('Changes made (header)', () => {
  it('is hidden until something was changed, then counts and lists the changes', async () => {
    m.listChanges.mockResolvedValue({ version: 1, changes: [] });
    render(<ChangesButton />);
    await waitFor(() => expect(m.listChanges).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId('changes-button')).toBeNull();

    // A write command (here failing: the IPC is not there in tests) may
    // still have changed something: the count is read again.
    m.listChanges.mockResolvedValue(LOG);
    await api.applyLiveFixes('x').catch(() => undefined);
    const button = await screen.findByTestId('changes-button');
    expect(button.textContent).toBe(`Changes made (${LOG.changes.length})`);

    fireEvent.click(button);
    const panel = await screen.findByTestId('changes-panel');
    await waitFor(() => expect(within(panel).getAllByTestId('change-item')).toHaveLength(LOG.changes.length));
    // A read-only command does not make it ask again.
    const calls = m.listChanges.mock.calls.length;
    await api.microsoftSignedIn().catch(() => undefined);
    expect(m.listChanges.mock.calls.length).toBe(calls);
  });

  it('says so when the list is empty', async () => {
    m.listChanges.mockResolvedValueOnce(LOG).mockResolvedValue({ version: 1, changes: [] });
    render(<ChangesButton />);
    fireEvent.click(await screen.findByTestId('changes-button'));
    expect((await screen.findByTestId('changes-none')).textContent).toContain('Nothing has been changed');
  });
});
