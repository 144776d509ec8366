import { describe, expect, it } from 'vitest';
import { makeChoices } from '../test/requirements';
import { allowedFeatures, auditPathOf, auditRequest, needsFeatures, readFeatures, readLastCheck, readRegion } from './answers';

describe('saved answers', () => {
  it('maps each path to the rules its Azure app is checked by', () => {
    expect(['v3', 'teams', 'v2-events', 'migrate', 'bulk'].map((p) => auditPathOf(p as never))).toEqual([
      'v3',
      'teams',
      'v2-events',
      'v3',
      'v3',
    ]);
  });

  it('defaults the region to US and ignores anything but us/eu', () => {
    expect(readRegion({})).toBe('us');
    expect(readRegion({ 'region.region': 'eu' })).toBe('eu');
    expect(readRegion({ 'region.region': 'mars' })).toBe('us');
  });

  it('keeps v2 calendar features apart from the v3 ones', () => {
    const answers = {
      'features.list': ['mail-read'],
      'features.v2-events.list': ['calendar-read', 'mail-send', 'shared-calendar'],
    };
    expect(readFeatures(answers, 'v3').features).toEqual(['mail-read']);
    expect(readFeatures(answers, 'v2-events').features).toEqual(['calendar-read', 'shared-calendar']);
    const v2 = allowedFeatures('v2-events', makeChoices());
    expect(v2.features.map((f) => f.id)).toEqual(['calendar-read', 'calendar-write', 'shared-calendar']);
    expect(v2.presets.map((p) => p.id)).toEqual(['calendar-scheduler']);
  });

  it('builds the audit request: trimmed tenant, Teams without features, callbacks only for v3', () => {
    const answers = {
      'features.preset': 'email-client',
      'features.list': ['mail-modify', 'mail-send'],
      'region.callback_uris': ['https://app.example.com/cb'],
      'azure-app.tenant': '  contoso.com ',
      'azure-app.tenancy': 'bogus',
    };
    expect(auditRequest(answers, 'migrate')).toEqual({
      path: 'v3',
      preset: 'email-client',
      features: ['mail-modify', 'mail-send'],
      region: 'us',
      tenancy: null,
      tenant: 'contoso.com',
      client_id: null,
      callback_uris: ['https://app.example.com/cb'],
      now: null,
    });
    expect(auditRequest(answers, 'teams')).toMatchObject({ path: 'teams', preset: null, features: [], callback_uris: [] });
    expect(auditRequest({ 'azure-app.tenant': '   ' }, 'v3').tenant).toBeNull();
  });

  it('knows when the audit needs features first', () => {
    expect(needsFeatures('v3', { preset: null, features: [] })).toBe(true);
    expect(needsFeatures('migrate', { preset: 'email-client', features: [] })).toBe(false);
    expect(needsFeatures('teams', { preset: null, features: [] })).toBe(false);
    expect(needsFeatures('v2-events', { preset: null, features: [] })).toBe(false);
  });

  it('reads the remembered last check only when it is well-formed', () => {
    expect(readLastCheck({ 'azure-app.last_check': 'yes' })).toBeNull();
    expect(readLastCheck({ 'azure-app.last_check': { checked_at: '2026-11-22T08:40:24Z', fail: 1 } })).toEqual({
      display_name: null,
      checked_at: '2026-11-22T08:40:24Z',
      fail: 1,
      warn: 0,
      pass: 0,
    });
  });
});
