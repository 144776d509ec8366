import { fireEvent, render, screen } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import { ProxySettingForm } from './proxy-setting';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, setProxy: vi.fn() };
});
const m = vi.mocked(api);

beforeEach(() => vi.clearAllMocks());

function typeProxy(text: string) {
  const field = screen.getByTestId('proxy-url') as HTMLInputElement;
  field.value = text;
  fireEvent.input(field);
}

describe('proxy setting', () => {
  it('sends the typed address to Rust and shows the address Rust checked', async () => {
    m.setProxy.mockResolvedValue({ mode: 'manual', url: 'http://proxy.corp:8080/' });
    render(<ProxySettingForm />);
    typeProxy('  proxy.corp:8080 ');
    fireEvent.click(screen.getByTestId('proxy-use'));
    const inForce = await screen.findByTestId('proxy-in-force');
    expect(m.setProxy).toHaveBeenCalledWith({ mode: 'manual', url: 'proxy.corp:8080' });
    expect(inForce.textContent).toBe('Using the proxy http://proxy.corp:8080/ until you close the wizard.');
  });

  it("goes back to the computer's settings, also from an empty field", async () => {
    m.setProxy.mockResolvedValue({ mode: 'system' });
    render(<ProxySettingForm />);
    fireEvent.click(screen.getByTestId('proxy-use'));
    await screen.findByTestId('proxy-in-force');
    fireEvent.click(screen.getByTestId('proxy-system'));
    await vi.waitFor(() => expect(m.setProxy).toHaveBeenCalledTimes(2));
    expect(m.setProxy.mock.calls).toEqual([[{ mode: 'system' }], [{ mode: 'system' }]]);
    expect(screen.getByTestId('proxy-in-force').textContent).toBe("Using this computer's proxy settings.");
  });

  it('shows an address Rust refused as an error card and keeps the typed text', async () => {
    m.setProxy.mockRejectedValue(
      new WizardApiError('invalid_input', 'That is not a proxy address we can use: only http:// and https:// proxies are supported.'),
    );
    render(<ProxySettingForm />);
    typeProxy('socks5://proxy.corp:1080');
    fireEvent.click(screen.getByTestId('proxy-use'));
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain('only http:// and https://');
    expect(screen.queryByTestId('proxy-in-force')).toBeNull();
    expect((screen.getByTestId('proxy-url') as HTMLInputElement).value).toBe('socks5://proxy.corp:1080');
  });
});
