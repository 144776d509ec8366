import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CopyValue } from './copy-value';

const URI = 'https://api.us.nylas.com/v3/connect/callback';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CopyValue', () => {
  it('shows the value in monospace and copies it with a labelled button', async () => {
    const write = vi.fn(async () => undefined);
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText: write } as unknown as Clipboard);
    render(<CopyValue value={URI} label="redirect URI" />);
    const code = screen.getByText(URI);
    expect(code.tagName).toBe('CODE');
    const button = screen.getByRole('button', { name: 'Copy redirect URI' });
    fireEvent.click(button);
    await waitFor(() => expect(write).toHaveBeenCalledWith(URI));
    await waitFor(() => expect(button.textContent).toBe('Copied'));
    expect(screen.getByRole('status').textContent).toBe('redirect URI copied');
  });

  it('selects the value and says how to copy it when the clipboard is not allowed', async () => {
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({
      writeText: vi.fn(async () => {
        throw new Error('not allowed');
      }),
    } as unknown as Clipboard);
    const exec = vi.fn(() => false);
    (document as unknown as { execCommand: typeof exec }).execCommand = exec;
    render(<CopyValue value={URI} label="redirect URI" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy redirect URI' }));
    expect(await screen.findByText(/Press (Ctrl\+C|⌘C) to copy/)).toBeTruthy();
    expect(window.getSelection()?.toString()).toBe(URI);
  });
});
