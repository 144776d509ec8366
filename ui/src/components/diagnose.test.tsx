import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { makeDiagnosis } from '../test/requirements';
import { AppHeader } from './app-header';
import { DiagnoseButton } from './diagnose';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, diagnose: vi.fn(), openExternal: vi.fn() };
});
const m = vi.mocked(api);

const ERROR_50011 =
  "AADSTS50011: The redirect URI 'https://api.us.nylas.com/v3/connect/callback/' specified in the request does not match.";

beforeEach(() => {
  vi.clearAllMocks();
  m.diagnose.mockImplementation(async () => [makeDiagnosis()]);
  m.openExternal.mockImplementation(async () => undefined);
});

function openDialog() {
  const button = screen.getByTestId('diagnose-button');
  fireEvent.click(button);
  return { button, dialog: screen.getByTestId('diagnose-dialog') };
}

describe('Diagnose', () => {
  it('is in the header on every screen, with or without a path', () => {
    render(<AppHeader version="0.1.0" path={null} />);
    expect(screen.getByTestId('diagnose-button').textContent).toBe('Diagnose an error');
  });

  it('opens a labelled modal dialog with focus in the text field', () => {
    render(<DiagnoseButton />);
    expect(screen.queryByTestId('diagnose-dialog')).toBeNull();
    const { dialog } = openDialog();
    expect(dialog.getAttribute('role')).toBe('dialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Diagnose an error');
    expect(document.activeElement).toBe(screen.getByTestId('diagnose-input'));
    expect(screen.getByLabelText("Paste an error message or the address from your browser's address bar")).toBe(
      screen.getByTestId('diagnose-input'),
    );
  });

  it('explains a pasted error: code small, title, cause, fix and the check that catches it', async () => {
    render(<DiagnoseButton />);
    openDialog();
    fireEvent.input(screen.getByTestId('diagnose-input'), { target: { value: ERROR_50011 } });
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    const d = await screen.findByTestId('diagnosis-AADSTS50011');
    expect(m.diagnose).toHaveBeenCalledWith(ERROR_50011);
    expect(within(d).getByRole('heading').textContent).toBe("The redirect URI doesn't match your Azure app");
    expect(d.textContent).toContain("isn't registered on the app's Web platform");
    expect(d.textContent).toContain('What to do');
    expect(d.textContent).toContain('Checked by: Redirect URIs');
    expect(d.querySelector('.finding-codes')?.textContent).toContain('Code: AADSTS50011');
    expect(d.querySelector('.finding-codes')?.textContent).toContain('Trace ID: abc-123');
    expect(within(d).getByText('https://api.us.nylas.com/v3/connect/callback/')).toBeTruthy();

    fireEvent.click(within(d).getByRole('button', { name: 'Read more about this error' }));
    expect(m.openExternal).toHaveBeenCalledWith('https://aka.ms/redirectUriMismatchError');
  });

  it('explains with Ctrl+Enter from the text field', async () => {
    render(<DiagnoseButton />);
    openDialog();
    const input = screen.getByTestId('diagnose-input');
    fireEvent.input(input, { target: { value: 'AADSTS50011' } });
    fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await screen.findByTestId('diagnosis-AADSTS50011');
  });

  it('shows the friendly not-recognised entry for unknown text, without a code', async () => {
    m.diagnose.mockResolvedValueOnce([
      makeDiagnosis({
        code: 'unrecognised',
        source: 'unknown',
        title: "We don't recognise this message",
        cause: "It has no Microsoft error code (AADSTS followed by digits) and doesn't match a Nylas error we know.",
        fix: 'Paste the whole error, including any AADSTS code.',
        related_check: null,
        learn_more: null,
        found: {},
      }),
    ]);
    render(<DiagnoseButton />);
    openDialog();
    fireEvent.input(screen.getByTestId('diagnose-input'), { target: { value: 'it broke' } });
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    const d = await screen.findByTestId('diagnosis-unrecognised');
    expect(d.textContent).toContain("We don't recognise this message");
    expect(d.textContent).not.toContain('Code:');
    expect(d.textContent).not.toContain('Checked by');
  });

  it('does not call Rust for an empty field', () => {
    render(<DiagnoseButton />);
    openDialog();
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    expect(m.diagnose).not.toHaveBeenCalled();
  });

  it('closes with Esc and gives focus back to the button', async () => {
    render(<DiagnoseButton />);
    const { button } = openDialog();
    fireEvent.keyDown(screen.getByTestId('diagnose-input'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('diagnose-dialog')).toBeNull());
    expect(document.activeElement).toBe(button);
  });

  it('closes with the Close button too', () => {
    render(<DiagnoseButton />);
    const { button } = openDialog();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('diagnose-dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('keeps Tab inside the dialog', () => {
    render(<DiagnoseButton />);
    const { dialog } = openDialog();
    const close = screen.getByRole('button', { name: 'Close' });
    const explain = screen.getByTestId('diagnose-submit');
    explain.focus();
    fireEvent.keyDown(explain, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(explain);
    expect(dialog.contains(document.activeElement)).toBe(true);
  });
});
