import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { toWizardError } from '../api';
import { ErrorCard } from './error-card';

// The version comes from the session (api.test.ts checks getSession keeps it).
vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, appVersion: vi.fn() };
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The clipboard, mocked: what was written to it. */
function mockClipboard() {
  const write = vi.fn(async (text: string) => {
    void text;
  });
  vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText: write } as unknown as Clipboard);
  return write;
}

function startWithVersion(version: string) {
  vi.mocked(api.appVersion).mockReturnValue(version);
}

describe('ErrorCard', () => {
  it('copies code, request id, time and version, never the message or hint', async () => {
    startWithVersion('9.8.7');
    const write = mockClipboard();
    // As Rust sends it: the message quotes something secret-like the admin
    // pasted; the hint too.
    const error = toWizardError({
      code: 'unauthorized',
      message: 'Nylas refused the key nyk_v0_SECRETabc123.',
      hint: 'Check the key Q~hint-secret-789.',
      request_id: 'req-4f2a-77',
    });
    const before = Date.now();
    render(<ErrorCard error={error} />);
    expect(screen.getByTestId('error-request-id').textContent).toBe('req-4f2a-77');

    fireEvent.click(screen.getByRole('button', { name: 'Copy support details' }));
    await waitFor(() => expect(write).toHaveBeenCalledTimes(1));
    const copied = write.mock.calls[0]?.[0] ?? '';
    expect(copied).toContain('Code: unauthorized');
    expect(copied).toContain('Request ID: req-4f2a-77');
    expect(copied).toContain('Version: 9.8.7');
    expect(copied).toContain(`Problem: ${error.title}`);
    const time = /Time: (\S+)/.exec(copied)?.[1];
    expect(time).toBeDefined();
    const at = Date.parse(time ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    for (const secret of ['SECRETabc123', 'nyk_', 'hint-secret', 'Nylas refused']) {
      expect(copied).not.toContain(secret);
    }
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Support details copied'));
  });

  it('leaves the request id out when the error has none', async () => {
    startWithVersion('1.2.3');
    const write = mockClipboard();
    render(<ErrorCard error={toWizardError({ code: 'io', message: 'Could not save your progress: disk full.' })} />);
    expect(screen.queryByTestId('error-request-id')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Copy support details' }));
    await waitFor(() => expect(write).toHaveBeenCalledTimes(1));
    const copied = write.mock.calls[0]?.[0] ?? '';
    expect(copied).toContain('Code: io');
    expect(copied).toContain('Version: 1.2.3');
    expect(copied).not.toContain('Request ID');
    expect(copied).not.toContain('disk full');
  });
});
