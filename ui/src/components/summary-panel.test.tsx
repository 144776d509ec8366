import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import type { AuditReport } from '../bindings/AuditReport';
import { forgetAudit, rememberAudit, SummaryButton } from './summary-panel';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, exportSummary: vi.fn(), summaryText: vi.fn() };
});
const m = vi.mocked(api);

beforeEach(() => {
  vi.clearAllMocks();
  forgetAudit();
  m.exportSummary.mockImplementation(async (format) => `/home/me/Downloads/Nylas summary.${format === 'html' ? 'html' : 'md'}`);
  m.summaryText.mockImplementation(async () => '# Nylas Microsoft setup — summary');
});

function open() {
  render(<SummaryButton />);
  fireEvent.click(screen.getByTestId('summary-button'));
  return screen.getByTestId('summary-panel');
}

describe('Summary panel', () => {
  it('opens a labelled dialog and saves Markdown, showing where', async () => {
    const panel = open();
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(document.getElementById(panel.getAttribute('aria-labelledby')!)?.textContent).toBe('Summary to keep');
    expect(panel.textContent).toContain('never contains a secret');
    fireEvent.click(screen.getByTestId('summary-save-markdown'));
    const path = await screen.findByTestId('summary-saved-path');
    expect(path.textContent).toBe('/home/me/Downloads/Nylas summary.md');
    expect(m.exportSummary).toHaveBeenCalledWith('markdown', null, null);
  });

  it('saves HTML with the checked app and its client ID', async () => {
    rememberAudit({ app_id: 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0' } as AuditReport);
    open();
    fireEvent.click(screen.getByTestId('summary-save-html'));
    await screen.findByTestId('summary-saved-path');
    expect(m.exportSummary).toHaveBeenCalledWith('html', 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0', {
      report: { app_id: 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0' },
      source: 'manifest',
    });
    expect(screen.getByTestId('summary-panel').textContent).toContain('print it to PDF');
  });

  it('copies the Markdown Rust made', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    open();
    fireEvent.click(screen.getByTestId('summary-copy'));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('# Nylas Microsoft setup — summary'));
    expect((await screen.findByTestId('summary-copy')).textContent).toBe('Copied');
  });

  it('shows a failed save as an error card and closes with Escape, focus back on the button', async () => {
    m.exportSummary.mockRejectedValueOnce({ code: 'internal', message: 'The summary could not be saved: disk full.' });
    const panel = open();
    fireEvent.click(screen.getByTestId('summary-save-markdown'));
    await waitFor(() => expect(panel.textContent).toContain('The summary could not be saved: disk full.'));
    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByTestId('summary-panel')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('summary-button'));
  });
});
