import { invoke } from '@tauri-apps/api/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from './api';
import { ERROR_TEXT, WizardApiError, toWizardError } from './api';
import { fixtureAudit, fixtureProgress } from './test/requirements';

// setup.ts replaces the Tauri bridge with a mock; drive it here.
const invokeMock = vi.mocked(invoke);

beforeEach(() => {
  invokeMock.mockReset();
});

describe('api.ts', () => {
  it('calls each command by its Rust name with camelCase argument keys', async () => {
    invokeMock.mockResolvedValue({});
    await api.getSession();
    await api.listPaths();
    await api.choosePath('teams');
    await api.choosePath(null);
    await api.goToStep('region');
    await api.setAnswer({ key: 'region', value: 'eu' });
    await api.setAnswer({ key: 'feature', value: { feature: 'mail-send', on: false } });
    await api.setStepStatus('azure-app', 'done');
    await api.setPracticeMode(true);
    await api.useSessionOnlySecrets();
    await api.dismissNotice();
    await api.openPortal({ blade: 'credentials', app_id: 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0' });
    await api.openLink({ kind: 'portal', page: { blade: 'overview', app_id: null } });
    await api.openConsent('contoso.com', 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0');
    await api.openLink({ kind: 'docs', topic: { topic: 'microsoft_error', code: 50011 } });
    await api.featureChoices('v2-events');
    await api.planScopes();
    await api.redirectUris('teams', 'eu');
    await api.validateCallback('https://app.example.com/cb');
    await api.auditManifest('{"appId":"x"}');
    await api.diagnose('AADSTS50011');
    expect(invokeMock.mock.calls).toEqual([
      ['get_session', undefined],
      ['list_paths', undefined],
      ['choose_path', { path: 'teams' }],
      ['choose_path', { path: null }],
      ['go_to_step', { step: 'region' }],
      ['set_answer', { update: { key: 'region', value: 'eu' } }],
      ['set_answer', { update: { key: 'feature', value: { feature: 'mail-send', on: false } } }],
      ['set_step_status', { step: 'azure-app', status: 'done' }],
      ['set_practice_mode', { enabled: true }],
      ['use_session_only_secrets', undefined],
      ['dismiss_notice', undefined],
      ['open_portal', { blade: 'credentials', appId: 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0' }],
      ['open_portal', { blade: 'overview', appId: null }],
      ['open_consent', { tenant: 'contoso.com', clientId: 'cc64b230-1e3b-49e3-9a1e-4bb95b55ddb0' }],
      ['open_docs', { topic: { topic: 'microsoft_error', code: 50011 } }],
      ['feature_choices', { path: 'v2-events' }],
      ['plan_scopes', undefined],
      ['redirect_uris', { path: 'teams', region: 'eu' }],
      ['validate_callback', { uri: 'https://app.example.com/cb' }],
      ['audit_manifest', { manifest: '{"appId":"x"}' }],
      ['diagnose', { text: 'AADSTS50011' }],
    ]);
  });

  it('returns what Rust returned', async () => {
    const progress = fixtureProgress('v3/features/new');
    invokeMock.mockResolvedValueOnce(structuredClone(progress));
    await expect(api.choosePath('v3')).resolves.toEqual(progress);
    const outcome = fixtureAudit('near-miss');
    invokeMock.mockResolvedValueOnce(structuredClone(outcome));
    await expect(api.auditManifest('{}')).resolves.toEqual(outcome);
  });

  it('rethrows a WizardError from Rust as a typed error with code, message and hint', async () => {
    invokeMock.mockRejectedValueOnce({
      code: 'unauthorized',
      message: 'Nylas did not accept this API key.',
      hint: 'Check that the key belongs to the EU region.',
    });
    const err = await api.goToStep('region').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WizardApiError);
    const e = err as WizardApiError;
    expect(e.code).toBe('unauthorized');
    expect(e.message).toBe('Nylas did not accept this API key.');
    expect(e.hint).toBe('Check that the key belongs to the EU region.');
    expect(e.title).toBe(ERROR_TEXT.unauthorized.title);
    expect(e.nextAction).toBe('Check that the key belongs to the EU region.');
  });

  it('falls back to plain words when Rust sends no hint', () => {
    const e = toWizardError({ code: 'rate_limited', message: 'Microsoft Graph kept answering 429.' });
    expect(e.hint).toBeUndefined();
    expect(e.nextAction).toBe(ERROR_TEXT.rate_limited.hint);
    expect(e.title).toBe('The service asked us to slow down');
  });

  it('keeps an unknown code for support but uses the generic words', () => {
    const e = toWizardError({ code: 'brand_new_code', message: 'Something new.' });
    expect(e.code).toBe('brand_new_code');
    expect(e.title).toBe(ERROR_TEXT.internal.title);
  });

  it('turns a failure of the bridge itself into an internal error', async () => {
    invokeMock.mockRejectedValueOnce('Command go_to_step not allowed by ACL');
    const e = (await api.goToStep('x').catch((x: unknown) => x)) as WizardApiError;
    expect(e).toBeInstanceOf(WizardApiError);
    expect(e.code).toBe('internal');
    expect(e.message).toContain('not allowed by ACL');
    expect(e.nextAction).toContain('open it again');
  });

  it('has plain words for every code, and none of them is technical', () => {
    for (const [code, text] of Object.entries(ERROR_TEXT)) {
      expect(text.title.length, code).toBeGreaterThan(3);
      expect(text.hint, code).toMatch(/\.$/);
      expect(text.title, code).not.toContain('_');
    }
  });

  it('remembers the version from the session and keeps a request id, for support details', async () => {
    invokeMock.mockResolvedValueOnce({ version: '4.5.6' });
    await api.getSession();
    expect(api.appVersion()).toBe('4.5.6');
    const e = toWizardError({ code: 'rejected', message: 'No.', request_id: 'req-1' });
    expect(e.requestId).toBe('req-1');
    expect(toWizardError({ code: 'rejected', message: 'No.' }).requestId).toBeUndefined();
  });
});
