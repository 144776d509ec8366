import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { diagnosesFor, fixtureDiagnoses } from '../test/requirements';
import { AppHeader } from './app-header';
import { DiagnoseButton } from './diagnose';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, diagnose: vi.fn(), openDocs: vi.fn() };
});
const m = vi.mocked(api);

beforeEach(() => {
  vi.clearAllMocks();
  // What Rust's diagnose returned for each text the fixtures were made from.
  m.diagnose.mockImplementation(async (text) => diagnosesFor(text));
  m.openDocs.mockImplementation(async () => undefined);
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
    const { text, diagnoses } = fixtureDiagnoses('redirect-mismatch');
    const diagnosis = diagnoses[0]!;
    expect(diagnoses).toHaveLength(1);
    render(<DiagnoseButton />);
    openDialog();
    fireEvent.input(screen.getByTestId('diagnose-input'), { target: { value: text } });
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    const d = await screen.findByTestId(`diagnosis-${diagnosis.code}`);
    expect(m.diagnose).toHaveBeenCalledWith(text);
    expect(within(d).getByRole('heading').textContent).toBe(diagnosis.title);
    expect(d.textContent).toContain(diagnosis.cause);
    expect(d.textContent).toContain('What to do');
    expect(d.textContent).toContain(diagnosis.fix);
    expect(diagnosis.related_check).toBe('redirect_uris');
    expect(d.textContent).toContain('Checked by: Redirect URIs');
    const codes = d.querySelector('.finding-codes')?.textContent;
    expect(codes).toContain(`Code: ${diagnosis.code}`);
    expect(codes).toContain(`Trace ID: ${diagnosis.found.trace_id}`);
    expect(codes).toContain(`Correlation ID: ${diagnosis.found.correlation_id}`);
    // The values quoted in the error, copyable.
    expect(within(d).getByText(diagnosis.found.redirect_uri!)).toBeTruthy();
    expect(within(d).getByText(diagnosis.found.app_id!)).toBeTruthy();

    fireEvent.click(within(d).getByRole('button', { name: 'Read more about this error' }));
    expect(diagnosis.docs).toEqual({ topic: 'redirect_uri_mismatch' });
    expect(m.openDocs).toHaveBeenCalledWith(diagnosis.docs);
  });

  it('explains the address a failed sign-in left in the browser', async () => {
    const { text, diagnoses } = fixtureDiagnoses('callback-address');
    render(<DiagnoseButton />);
    openDialog();
    fireEvent.input(screen.getByTestId('diagnose-input'), { target: { value: text } });
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    const d = await screen.findByTestId(`diagnosis-${diagnoses[0]!.code}`);
    expect(within(d).getByText(diagnoses[0]!.found.redirect_uri!)).toBeTruthy();
    expect(d.querySelector('.finding-codes')?.textContent).toBe(`Code: ${diagnoses[0]!.code}`);
  });

  it('explains with Ctrl+Enter from the text field', async () => {
    const { text, diagnoses } = fixtureDiagnoses('code-only');
    render(<DiagnoseButton />);
    openDialog();
    const input = screen.getByTestId('diagnose-input');
    fireEvent.input(input, { target: { value: text } });
    fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await screen.findByTestId(`diagnosis-${diagnoses[0]!.code}`);
    expect(m.diagnose).toHaveBeenCalledWith(text);
  });

  it('shows the friendly not-recognised entry for unknown text, without a code', async () => {
    const { text, diagnoses } = fixtureDiagnoses('unrecognised');
    const diagnosis = diagnoses[0]!;
    expect(diagnosis.code).toBe('unrecognised');
    render(<DiagnoseButton />);
    openDialog();
    fireEvent.input(screen.getByTestId('diagnose-input'), { target: { value: text } });
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    const d = await screen.findByTestId('diagnosis-unrecognised');
    expect(d.textContent).toContain(diagnosis.title);
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

describe('Diagnose keeps what was pasted (issue 17, point 13)', () => {
  it('keeps the text and the explanation when closed by a click outside, and links to the related check', async () => {
    const { text, diagnoses } = fixtureDiagnoses('redirect-mismatch');
    const onShowCheck = vi.fn();
    render(<DiagnoseButton onShowCheck={onShowCheck} />);
    openDialog();
    fireEvent.input(screen.getByTestId('diagnose-input'), { target: { value: text } });
    fireEvent.click(screen.getByTestId('diagnose-submit'));
    await screen.findByTestId(`diagnosis-${diagnoses[0]!.code}`);
    // A click on the backdrop closes it…
    fireEvent.click(document.querySelector('.dialog-backdrop')!);
    expect(screen.queryByTestId('diagnose-dialog')).toBeNull();
    // …and opening it again finds the pasted text and its explanation.
    openDialog();
    expect((screen.getByTestId('diagnose-input') as HTMLTextAreaElement).value).toBe(text);
    const d = screen.getByTestId(`diagnosis-${diagnoses[0]!.code}`);
    fireEvent.click(within(d).getByTestId('diagnosis-go-to-check'));
    expect(onShowCheck).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('diagnose-dialog')).toBeNull();
  });

  it('says Change path keeps the progress', () => {
    const path = { id: 'v3', title: 'Connect Microsoft to Nylas' } as unknown as Parameters<typeof AppHeader>[0]['path'];
    render(<AppHeader version="0.1.0" path={path} onChangePath={vi.fn()} />);
    const button = screen.getByTestId('change-path-button');
    expect(button.textContent).toBe('Change path · progress is kept');
    expect(document.getElementById(button.getAttribute('aria-describedby')!)?.textContent).toContain('progress is kept');
  });
});
