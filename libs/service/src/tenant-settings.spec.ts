import type { IntegrationSettings } from '@hubheap/schemas';
import type { CompactedTable } from '@hubheap/kafka';
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

describe('TenantSettings following the topic', () => {
  /** The part of CompactedTable TenantSettings uses, driven by the test. */
  const fakeTable = () => {
    const rows = new Map<string, IntegrationSettings>();
    let listener: (key: string, current?: IntegrationSettings, previous?: IntegrationSettings) => void = () =>
      undefined;
    const table = {
      get: (key: string) => rows.get(key),
      values: () => [...rows.values()],
      onChange: (l: typeof listener) => {
        listener = l;
        return () => undefined;
      },
      ready: async () => undefined,
      close: async () => undefined,
    };
    const publish = (value: IntegrationSettings) => {
      const key = String(value.portalId);
      const previous = rows.get(key);
      rows.set(key, value);
      listener(key, value, previous);
    };
    return { table: table as unknown as CompactedTable<IntegrationSettings>, publish };
  };

  it('ignores a lower version of the same tenant (out-of-order publishes) and notifies only real changes', () => {
    const { table, publish } = fakeTable();
    const settings = TenantSettings.fromTable(table);
    const seen: boolean[] = [];
    settings.onChange((current) => seen.push(Boolean(current?.sourceEnabled)));
    publish(tenant({ tenantId: 't1', version: 5, sourceEnabled: false }));
    publish(tenant({ tenantId: 't1', version: 4, sourceEnabled: true })); // late, older
    expect(settings.isSourceActive(62515)).toBe(false);
    expect(settings.all().map((s) => s.version)).toEqual([5]);
    publish(tenant({ tenantId: 't1', version: 6, sourceEnabled: true }));
    expect(settings.isSourceActive(62515)).toBe(true);
    expect(seen).toEqual([false, true]);
  });

  it('takes a new tenantId (re-paired after a disconnect) whatever its version', () => {
    const { table, publish } = fakeTable();
    const settings = TenantSettings.fromTable(table);
    publish(tenant({ tenantId: 't1', version: 9, state: 'disconnected' }));
    publish(tenant({ tenantId: 't2', version: 1, state: 'active' }));
    expect(settings.get(62515)?.tenantId).toBe('t2');
    expect(settings.isConnected(62515)).toBe(true);
  });

  it("never lets the portal's earlier, disconnected tenant replace the active one (a late or replayed record)", () => {
    const { table, publish } = fakeTable();
    const settings = TenantSettings.fromTable(table);
    const seen: string[] = [];
    settings.onChange((current) => seen.push(`${current?.tenantId}:${current?.state}`));
    publish(tenant({ tenantId: 't1', version: 9, state: 'disconnected' }));
    publish(tenant({ tenantId: 't2', version: 1, state: 'active' }));
    publish(tenant({ tenantId: 't1', version: 9, state: 'disconnected' })); // replayed / published late
    expect(settings.get(62515)?.tenantId).toBe('t2');
    expect(settings.isSourceActive(62515)).toBe(true);
    expect(seen).toEqual(['t1:disconnected', 't2:active']);
    publish(tenant({ tenantId: 't2', version: 2, state: 'disconnected' })); // t2's own disconnect counts
    expect(settings.isConnected(62515)).toBe(false);
  });
});
