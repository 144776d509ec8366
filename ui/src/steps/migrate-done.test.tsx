import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { ProgressView } from '../bindings/ProgressView';
import type { SetupReport } from '../bindings/SetupReport';
import fixture from '../test/generated/migrate-done.json';
import { makeCtx, renderStep } from '../test/requirements';
import { MigrateDoneStep } from './migrate-done';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return {
    ...actual,
    setupReport: vi.fn(),
    saveReport: vi.fn(),
    listChanges: vi.fn(),
    goToStep: vi.fn(),
    tickMigrateItem: vi.fn(),
  };
});
const m = vi.mocked(api);

// What Rust answered in src-tauri/src/migrate_checklist_tests.rs: path D's
// report before and after the import tool was ticked, and the tick itself.
const BEFORE = fixture.before as unknown as SetupReport;
const AFTER = fixture.after as unknown as SetupReport;
const TICKED = fixture.ticked as unknown as api.MigrateTickView;
const ON_DONE = TICKED.progress as unknown as ProgressView;

beforeEach(() => {
  vi.clearAllMocks();
  m.listChanges.mockResolvedValue({ changes: [] } as unknown as Awaited<ReturnType<typeof api.listChanges>>);
});

describe('Path D Done step', () => {
  it('shows every checklist step with its state and why, and the dashboard link', async () => {
    m.setupReport.mockResolvedValue(BEFORE);
    const ctx = makeCtx(ON_DONE);
    renderStep(MigrateDoneStep, ctx);
    const list = await screen.findByTestId('migrate-checklist');
    const items = BEFORE.migrate_checklist?.items ?? [];
    expect(items.length).toBe(10);
    expect(list.querySelectorAll('li[data-state]').length).toBe(items.length);
    const translated = within(list).getByTestId('checklist-translate-scopes');
    expect(translated.dataset.state).toBe('verified');
    expect(within(translated).getByTestId('checklist-translate-scopes-state').textContent).toBe(
      'Done — checked by the wizard',
    );
    expect(within(translated).getByTestId('checklist-translate-scopes-why').textContent).toBe(items[1]?.why);
    // A verified step can't be ticked; a dashboard one can, and links there.
    expect(within(translated).queryByRole('checkbox')).toBeNull();
    const importTool = within(list).getByTestId('checklist-import-tool');
    expect(importTool.dataset.state).toBe('to-do');
    expect((within(importTool).getByRole('checkbox') as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(importTool).getByTestId('checklist-import-tool-link'));
    expect(ctx.openLink).toHaveBeenCalledWith({ kind: 'docs', topic: { topic: 'nylas_dashboard' } });
    expect(screen.getByTestId('migrate-checklist-count').textContent).toContain(
      `${BEFORE.migrate_checklist?.done} of ${BEFORE.migrate_checklist?.needed} needed steps done`,
    );
    // What is left names the dashboard's steps.
    const left = screen.getByTestId('done-left');
    expect(left.textContent).toContain('Run the Nylas import tool');
    expect(screen.queryByTestId('done-complete')).toBeNull();
  });

  it('ticking a dashboard step saves it through Rust and what is left follows', async () => {
    m.setupReport.mockResolvedValueOnce(BEFORE).mockResolvedValueOnce(AFTER);
    m.tickMigrateItem.mockResolvedValue(TICKED);
    const ctx = makeCtx(ON_DONE);
    renderStep(MigrateDoneStep, ctx);
    const box = within(await screen.findByTestId('checklist-import-tool')).getByRole('checkbox');
    fireEvent.click(box);
    await waitFor(() => expect(m.tickMigrateItem).toHaveBeenCalledWith('import-tool', true, null));
    await waitFor(() => expect(screen.getByTestId('checklist-import-tool').dataset.state).toBe('ticked'));
    expect(screen.getByTestId('checklist-import-tool-state').textContent).toBe('Done — you ticked it');
    expect(ctx.applyProgress).toHaveBeenCalledWith(TICKED.progress);
    expect(screen.getByTestId('done-left').textContent).not.toContain('Run the Nylas import tool');
  });

  it('shows a refused tick as an error card and keeps the box as Rust has it', async () => {
    m.setupReport.mockResolvedValue(BEFORE);
    m.tickMigrateItem.mockRejectedValue(
      new WizardApiError('invalid_input', 'The migration checklist belongs to the path “Move from Nylas v2 to v3”.'),
    );
    renderStep(MigrateDoneStep, makeCtx(ON_DONE));
    const box = within(await screen.findByTestId('checklist-batch-migration')).getByRole('checkbox');
    fireEvent.click(box);
    expect((await screen.findByRole('alert')).textContent).toContain('belongs to the path');
    expect(screen.getByTestId('checklist-batch-migration').dataset.state).toBe('to-do');
    expect((box as HTMLInputElement).checked).toBe(false);
  });

  it('goes back to the step that checks an open item', async () => {
    m.setupReport.mockResolvedValue(BEFORE);
    const back = structuredClone(ON_DONE);
    back.step = 'azure-app';
    m.goToStep.mockResolvedValue(back);
    const ctx = makeCtx(ON_DONE);
    renderStep(MigrateDoneStep, ctx);
    const go = await screen.findByTestId('checklist-redirect-uris-go');
    expect(go.textContent).toBe('Go to New Azure app');
    fireEvent.click(go);
    await waitFor(() => expect(m.goToStep).toHaveBeenCalledWith('azure-app'));
    await waitFor(() => expect(ctx.applyProgress).toHaveBeenCalledWith(back));
  });
});
