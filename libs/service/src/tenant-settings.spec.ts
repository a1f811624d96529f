import type { IntegrationSettings } from '@hubheap/schemas';
import { connected, envTenantSettings, sourceActive, TenantSettings } from './tenant-settings';
import { loadConfig } from './config';
import { TENANT_SETTINGS_CONFIG } from './tenant-settings.config';

const tenant = (over: Partial<IntegrationSettings>): IntegrationSettings => ({
  ...envTenantSettings({ portalId: 62515, heapAppId: '1234' }),
  ...over,
});

describe('tenant settings', () => {
  it.each([
    ['active, enabled', true, true, { state: 'active', sourceEnabled: true }],
    ['active, source off', false, true, { state: 'active', sourceEnabled: false }],
    ['disconnected, enabled', false, false, { state: 'disconnected', sourceEnabled: true }],
    ['disconnected, source off', false, false, { state: 'disconnected', sourceEnabled: false }],
  ])('%s → sourceActive %s, connected %s', (_name, active, isConnected, over) => {
    expect(sourceActive(tenant(over))).toBe(active);
    expect(connected(tenant(over))).toBe(isConnected);
  });

  it('an unknown tenant is neither active nor connected', () => {
    expect(sourceActive(undefined)).toBe(false);
    expect(connected(undefined)).toBe(false);
  });

  it('env source: listed tenants with their app_id; every portal active and connected', async () => {
    const settings = TenantSettings.fromEnv([{ portalId: 1, heapAppId: 'a1' }, { portalId: 2 }]);
    await settings.ready();
    expect(settings.source).toBe('env');
    expect(settings.get(1)).toMatchObject({
      portalId: 1,
      heapAppId: 'a1',
      state: 'active',
      sourceEnabled: true,
    });
    expect(settings.byAppId('a1')?.portalId).toBe(1);
    expect(settings.byAppId('nope')).toBeUndefined();
    expect(settings.all().map((s) => s.portalId)).toEqual([1, 2]);
    expect(settings.isSourceActive(999)).toBe(true);
    expect(settings.isConnected(999)).toBe(true);
  });

  it('SETTINGS_SOURCE defaults to env and accepts only env or topic', () => {
    expect(loadConfig(TENANT_SETTINGS_CONFIG, {}).settingsSource).toBe('env');
    expect(loadConfig(TENANT_SETTINGS_CONFIG, { SETTINGS_SOURCE: 'topic' }).settingsSource).toBe('topic');
    expect(() => loadConfig(TENANT_SETTINGS_CONFIG, { SETTINGS_SOURCE: 'kafka' })).toThrow('SETTINGS_SOURCE');
  });
});
