import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import type { AuditReport } from '../bindings/AuditReport';
import { HandoffLink } from './handoff-panel';
import { forgetAudit } from './summary-panel';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, globalAdminRequest: vi.fn(), openGlobalAdminMail: vi.fn() };
});
const m = vi.mocked(api);
const ID = 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0';
const BODY = `Hello,\n\n3. Grant admin consent …\n   https://login.microsoftonline.com/contoso.com/adminconsent?client_id=${ID}\n`;

beforeEach(() => {
  vi.clearAllMocks();
  forgetAudit();
  m.globalAdminRequest.mockImplementation(async () => ({ subject: 'Please approve our Nylas app in Azure (Nylas v3)', body: BODY }));
  m.openGlobalAdminMail.mockImplementation(async () => undefined);
});

describe('Global Admin hand-off', () => {
  it('shows the request Rust built for the checked app', async () => {
    render(<HandoffLink report={{ app_id: ID } as AuditReport} />);
    fireEvent.click(screen.getByTestId('handoff-link'));
    expect(screen.getByTestId('handoff-link').textContent).toBe("I'm not the Global Admin — ask someone");
    const body = await screen.findByTestId('handoff-body');
    expect(body.textContent).toBe(BODY);
    expect(screen.getByTestId('handoff-subject').textContent).toContain('Please approve');
    expect(m.globalAdminRequest).toHaveBeenCalledWith(ID);
  });

  it('copies subject and message, and opens the mail app for the typed address', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<HandoffLink report={null} />);
    fireEvent.click(screen.getByTestId('handoff-link'));
    await screen.findByTestId('handoff-body');
    fireEvent.click(screen.getByTestId('handoff-copy'));
    await waitFor(() =>
      expect(writeText).toHaveBeenCalledWith(`Subject: Please approve our Nylas app in Azure (Nylas v3)\n\n${BODY}`),
    );
    fireEvent.click(screen.getByTestId('handoff-mail'));
    expect(m.openGlobalAdminMail).toHaveBeenLastCalledWith(null, null);
    (screen.getByTestId('handoff-to') as HTMLInputElement).value = ' it@contoso.com ';
    fireEvent.click(screen.getByTestId('handoff-mail'));
    expect(m.openGlobalAdminMail).toHaveBeenLastCalledWith(null, 'it@contoso.com');
  });

  it('shows Rust refusing an address as an error card', async () => {
    m.openGlobalAdminMail.mockRejectedValueOnce({ code: 'invalid_input', message: '"x" isn\'t an email address.' });
    render(<HandoffLink report={null} />);
    fireEvent.click(screen.getByTestId('handoff-link'));
    await screen.findByTestId('handoff-body');
    fireEvent.click(screen.getByTestId('handoff-mail'));
    await waitFor(() => expect(screen.getByTestId('handoff-panel').textContent).toContain("isn't an email address"));
  });
});
