import { fireEvent, render, screen } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { WizardApiError } from '../api';
import type { TenantInfo } from '../bindings/TenantInfo';
import { TenantLookup } from './tenant-lookup';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, lookUpTenant: vi.fn(), cancelRemote: vi.fn() };
});
const m = vi.mocked(api);

const CONTOSO: TenantInfo = {
  query: 'contoso.com',
  kind: 'single',
  tenant_id: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  region_scope: 'NA',
  issuer: 'https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/v2.0',
  authorization_endpoint: 'https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/oauth2/v2.0/authorize',
  token_endpoint: 'https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/oauth2/v2.0/token',
  device_authorization_endpoint: null,
};

beforeEach(() => vi.clearAllMocks());

describe('tenant look-up', () => {
  it('asks Rust for the typed tenant and shows its ID and region in words', async () => {
    m.lookUpTenant.mockResolvedValue(CONTOSO);
    render(<TenantLookup tenant="  contoso.com " />);
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    const found = await screen.findByTestId('tenant-found');
    expect(m.lookUpTenant).toHaveBeenCalledWith('contoso.com');
    expect(found.textContent).toContain('Microsoft knows “contoso.com”.');
    expect(found.textContent).toContain('North America');
    expect(screen.getByTestId('tenant-id').textContent).toContain(CONTOSO.tenant_id);
    // Issue 17, point 5: Microsoft's data location isn't the Nylas region.
    expect(screen.getByTestId('tenant-region-note').textContent).toContain(
      "It doesn't need to match your Nylas region",
    );
  });

  it('says so when a name stands for many tenants', async () => {
    m.lookUpTenant.mockResolvedValue({ ...CONTOSO, query: 'common', kind: 'common', tenant_id: null, region_scope: null });
    render(<TenantLookup tenant="common" />);
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    const found = await screen.findByTestId('tenant-found');
    expect(found.textContent).toContain('stands for many tenants');
    expect(screen.queryByTestId('tenant-id')).toBeNull();
    expect(screen.queryByTestId('tenant-region-note')).toBeNull();
  });

  it('shows an unknown tenant as an error card with a retry', async () => {
    m.lookUpTenant.mockRejectedValue(
      new WizardApiError('not_found', "Microsoft doesn't know the tenant 'contso.com' (AADSTS90002).", 'Check the spelling.'),
    );
    render(<TenantLookup tenant="contso.com" />);
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    const card = await screen.findByTestId('error-card');
    expect(card.textContent).toContain("It wasn't found");
    expect(card.textContent).toContain('AADSTS90002');
    expect(card.textContent).toContain('Try again');
    expect(screen.queryByTestId('tenant-found')).toBeNull();
  });

  it('offers Cancel while it runs; Cancel asks Rust to stop and says it stopped', async () => {
    // The look-up ends the way Rust ends a cancelled call.
    let reject: (e: unknown) => void = () => {};
    m.lookUpTenant.mockReturnValue(new Promise((_, r) => (reject = r)));
    m.cancelRemote.mockImplementation(async () => {
      reject(new WizardApiError('cancelled', 'The call to Microsoft sign-in was cancelled.'));
      return 1;
    });
    render(<TenantLookup tenant="contoso.com" />);
    expect(screen.queryByTestId('tenant-lookup-cancel')).toBeNull();
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    const cancel = await screen.findByTestId('tenant-lookup-cancel');
    expect(screen.getByTestId('tenant-lookup-button').textContent).toBe('Checking…');
    fireEvent.click(cancel);
    const stopped = await screen.findByTestId('tenant-lookup-stopped');
    // Only the look-up is stopped, not other remote work.
    expect(m.cancelRemote.mock.calls).toEqual([['look_up_tenant']]);
    expect(stopped.textContent).toContain('Stopped.');
    // Not an error to explain, and the look-up can be started again.
    expect(screen.queryByTestId('error-card')).toBeNull();
    expect(screen.queryByTestId('tenant-lookup-cancel')).toBeNull();
    expect(screen.getByTestId('tenant-lookup-button').textContent).toBe('Check this tenant');
  });

  it('offers the proxy setting once Microsoft could not be reached', async () => {
    m.lookUpTenant.mockRejectedValue(
      new WizardApiError('remote_unavailable', 'Microsoft sign-in could not be reached: the connection could not be opened.'),
    );
    render(<TenantLookup tenant="contoso.com" />);
    expect(screen.queryByTestId('proxy-setting')).toBeNull();
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    await screen.findByTestId('error-card');
    expect(screen.getByTestId('proxy-setting').textContent).toContain('Behind a company proxy?');
  });

  it('does not offer the proxy setting for an answer from Microsoft', async () => {
    m.lookUpTenant.mockRejectedValue(new WizardApiError('not_found', "Microsoft has no tenant 'contso.com'."));
    render(<TenantLookup tenant="contso.com" />);
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    await screen.findByTestId('error-card');
    expect(screen.queryByTestId('proxy-setting')).toBeNull();
  });

  it('does nothing while the field is empty', () => {
    render(<TenantLookup tenant="   " />);
    fireEvent.click(screen.getByTestId('tenant-lookup-button'));
    expect(m.lookUpTenant).not.toHaveBeenCalled();
    expect(screen.getByTestId('tenant-lookup-button').getAttribute('aria-disabled')).toBe('true');
  });
});
