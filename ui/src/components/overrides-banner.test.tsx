import { render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { App } from '../app';
import type { EndpointOverride } from '../bindings/EndpointOverride';
import { fixturePaths, makeSession } from '../test/requirements';
import { OverridesBanner } from './overrides-banner';

vi.mock('../api', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../api')>();
  return { ...actual, getSession: vi.fn(), listPaths: vi.fn() };
});
const m = vi.mocked(api);

const GRAPH: EndpointOverride = {
  service: 'Microsoft Graph',
  variable: 'NYLAS_WIZARD_URL_GRAPH',
  url: 'https://graph.proxy.example/',
};
const LOGIN: EndpointOverride = {
  service: 'Microsoft sign-in',
  variable: 'NYLAS_WIZARD_URL_MICROSOFT_LOGIN',
  url: 'http://127.0.0.1:4010/microsoft-login/',
};

beforeEach(() => {
  vi.clearAllMocks();
  m.listPaths.mockResolvedValue(fixturePaths());
});

describe('changed service addresses banner', () => {
  it('names each overridden service and where its calls go', () => {
    render(<OverridesBanner overrides={[GRAPH, LOGIN]} />);
    const banner = screen.getByTestId('overrides-banner');
    expect(banner.getAttribute('role')).toBe('region');
    const items = within(banner).getAllByTestId('override-item');
    expect(items.map((li) => li.textContent)).toEqual([
      'Microsoft Graph: https://graph.proxy.example/',
      'Microsoft sign-in: http://127.0.0.1:4010/microsoft-login/',
    ]);
    // The variable that set each, for support.
    expect(items.map((li) => li.getAttribute('title'))).toEqual([
      'NYLAS_WIZARD_URL_GRAPH',
      'NYLAS_WIZARD_URL_MICROSOFT_LOGIN',
    ]);
  });

  it('is absent when every service goes to its real host', () => {
    render(<OverridesBanner overrides={[]} />);
    expect(screen.queryByTestId('overrides-banner')).toBeNull();
  });

  it('shows on the welcome screen whenever the session reports an override', async () => {
    m.getSession.mockResolvedValue(makeSession({ overrides: [GRAPH] }));
    render(<App />);
    const banner = await screen.findByTestId('overrides-banner');
    expect(banner.textContent).toContain('Microsoft Graph');
    expect(banner.textContent).toContain('https://graph.proxy.example/');
  });

  it('is not shown in practice mode, which has its own banner', async () => {
    m.getSession.mockResolvedValue(
      makeSession({ practice: { enabled: true, sandbox_url: 'http://127.0.0.1:1/', left: null }, overrides: [] }),
    );
    render(<App />);
    await screen.findByTestId('practice-banner');
    expect(screen.queryByTestId('overrides-banner')).toBeNull();
  });
});
