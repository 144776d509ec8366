import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import { ClientSecretField } from './client-secret';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, saveSecret: vi.fn(), storedSecret: vi.fn(), forgetSecret: vi.fn() };
});
const m = vi.mocked(api);
const VALUE = 'q8F~Zk2_aVeryRealLookingSecretValue';

beforeEach(() => {
  vi.clearAllMocks();
  m.storedSecret.mockResolvedValue(null);
  m.saveSecret.mockResolvedValue({ name: 'azure_client_secret', hint: 'q8F…lue', persistent: true });
  m.forgetSecret.mockResolvedValue(undefined);
});

describe('client secret field', () => {
  it('hands the value to Rust once, clears the field and shows only the hint', async () => {
    const onChanged = vi.fn();
    render(<ClientSecretField onChanged={onChanged} />);
    const input = (await screen.findByTestId('client-secret-input')) as HTMLInputElement;
    expect(input.type).toBe('password');
    input.value = VALUE;
    fireEvent.click(screen.getByTestId('client-secret-save'));
    const stored = await screen.findByTestId('client-secret-stored');
    expect(m.saveSecret).toHaveBeenCalledWith('azure_client_secret', VALUE);
    expect(stored.textContent).toContain('Saved in your system keychain: q8F…lue');
    // The value was a DOM property, not markup: check the field itself was
    // cleared, and that no field or text anywhere still holds it.
    expect(input.value).toBe('');
    const fields = Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea'));
    expect(fields.filter((f) => f.value.includes(VALUE))).toEqual([]);
    expect(document.body.innerHTML).not.toContain(VALUE);
    expect(document.body.textContent).not.toContain(VALUE);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('shows a secret stored earlier, and removes it', async () => {
    m.storedSecret.mockResolvedValue({ name: 'azure_client_secret', hint: 'Q~x…7Fd', persistent: false });
    const onChanged = vi.fn();
    render(<ClientSecretField onChanged={onChanged} />);
    const stored = await screen.findByTestId('client-secret-stored');
    expect(stored.textContent).toContain('Saved for this run only: Q~x…7Fd');
    expect(screen.queryByTestId('client-secret-input')).toBeNull();
    fireEvent.click(screen.getByTestId('client-secret-remove'));
    await screen.findByTestId('client-secret-input');
    expect(m.forgetSecret).toHaveBeenCalledWith('azure_client_secret');
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('keeps the form and explains when the keychain refuses', async () => {
    m.saveSecret.mockRejectedValue(
      new WizardApiError('keychain_unavailable', "Your system keychain isn't available, so the wizard can't store secrets safely between runs."),
    );
    const onChanged = vi.fn();
    render(<ClientSecretField onChanged={onChanged} />);
    const input = (await screen.findByTestId('client-secret-input')) as HTMLInputElement;
    input.value = VALUE;
    fireEvent.click(screen.getByTestId('client-secret-save'));
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain("Your system keychain isn't available");
    await waitFor(() => expect(screen.getByTestId('client-secret-save').textContent).toBe('Save to keychain'));
    expect(onChanged).not.toHaveBeenCalled();
    expect(screen.queryByTestId('client-secret-stored')).toBeNull();
  });
});
