import type { CompactedTable } from '@hubheap/kafka';
import type { IntegrationSettings, SegmentSyncSetting } from '@hubheap/schemas';

/** Where an app takes its tenants' settings from (`SETTINGS_SOURCE`). */
export type SettingsSource = 'env' | 'topic';

/** A tenant as an app's own env config knows it (`SETTINGS_SOURCE=env`): always active and enabled. */
export interface EnvTenant {
  portalId: number;
  /** Heap app_id, when the app's env config pairs the portal with one. */
  heapAppId?: string;
  segments?: SegmentSyncSetting[];
}

/** Called with a tenant's new and previous settings (either may be undefined: new or deleted tenant). */
export type TenantSettingsListener = (
  current: IntegrationSettings | undefined,
  previous: IntegrationSettings | undefined,
) => void;

/**
 * True when HubSpot → Heap work of this tenant may run: `state` is `active` and `sourceEnabled`
 * (integration.settings.v1 field docs). Unknown tenant (`undefined`) → false. Pure.
 */
export const sourceActive = (settings: IntegrationSettings | undefined): boolean =>
  settings !== undefined && settings.state === 'active' && settings.sourceEnabled;

/** True unless the tenant is known and `disconnected` (no flow in either direction). Pure. */
export const connected = (settings: IntegrationSettings | undefined): boolean =>
  settings !== undefined && settings.state === 'active';

/** The settings an env-configured tenant stands for: active, source enabled, defaults elsewhere. Pure. */
export const envTenantSettings = (tenant: EnvTenant): IntegrationSettings => ({
  portalId: tenant.portalId,
  tenantId: `env:${tenant.portalId}`,
  heapAppId: tenant.heapAppId ?? '',
  state: 'active',
  sourceEnabled: true,
  emailProperty: 'identity',
  heapMatchProperty: 'email',
  hubspotMatchProperty: 'email',
  segments: tenant.segments ?? [],
  version: 0,
  updatedAt: 0,
});

/**
 * The current settings of every tenant (HubSpot portal ⇄ Heap app_id), per portalId.
 * - `SETTINGS_SOURCE=topic`: read from the compacted `integration.settings.v1` (written by control-api)
 *   through a {@link CompactedTable}; follows every change. A portal with no record there is unknown:
 *   not active.
 * - `SETTINGS_SOURCE=env` (default, for running without control-api): the app's env tenants, fixed;
 *   every portal (listed or not) counts as active with its source enabled, as before the control plane.
 */
export class TenantSettings {
  private readonly listeners = new Set<TenantSettingsListener>();
  /**
   * Changes seen while following, newest `version` per tenant: a record of the same tenantId with a
   * lower version (two control-api replicas publishing out of order) is ignored. A new tenantId (a
   * re-pairing after disconnect) starts its own versions, except that a *disconnected* record of
   * another tenant never replaces an active one: it is the portal's earlier pairing, replayed or
   * published late, and taking it would stop (and drop the parked work of) the tenant that now holds
   * the portal.
   */
  private readonly followed = new Map<string, IntegrationSettings>();

  private constructor(
    readonly source: SettingsSource,
    private readonly table: CompactedTable<IntegrationSettings> | undefined,
    private readonly envTenants: ReadonlyMap<number, IntegrationSettings>,
  ) {
    table?.onChange((key, current, previous) => {
      const kept = this.followed.get(key) ?? previous;
      if (current && kept && current.tenantId === kept.tenantId && current.version < kept.version) return;
      if (
        current &&
        kept &&
        current.tenantId !== kept.tenantId &&
        current.state === 'disconnected' &&
        kept.state === 'active'
      )
        return;
      if (current) this.followed.set(key, current);
      else this.followed.delete(key);
      for (const listener of this.listeners) listener(current, kept);
    });
  }

  /** Settings from the app's env config (no Kafka). */
  static fromEnv(tenants: ReadonlyArray<EnvTenant>): TenantSettings {
    return new TenantSettings(
      'env',
      undefined,
      new Map(tenants.map((t) => [t.portalId, envTenantSettings(t)])),
    );
  }

  /** Settings from a started table of `integration.settings.v1` (key: portalId). */
  static fromTable(table: CompactedTable<IntegrationSettings>): TenantSettings {
    return new TenantSettings('topic', table, new Map());
  }

  /** Resolves once the topic was read up to its end at start (env: at once). @throws CompactedTableNotReadyError. */
  async ready(timeoutMs?: number): Promise<void> {
    await this.table?.ready(timeoutMs);
  }

  /** Current settings of `portalId`, or undefined when the tenant is unknown. */
  get(portalId: number): IntegrationSettings | undefined {
    if (!this.table) return this.envTenants.get(portalId);
    const key = String(portalId);
    return this.followed.get(key) ?? this.table.get(key);
  }

  /** Every known tenant's settings. */
  all(): IntegrationSettings[] {
    if (!this.table) return [...this.envTenants.values()];
    return this.table.values().map((s) => this.followed.get(String(s.portalId)) ?? s);
  }

  /** The tenant paired with Heap `appId`, or undefined (the first one if several claim it). */
  byAppId(appId: string): IntegrationSettings | undefined {
    return this.all().find((s) => s.heapAppId === appId);
  }

  /** Whether HubSpot → Heap work of `portalId` may run now (env source: always). See {@link sourceActive}. */
  isSourceActive(portalId: number): boolean {
    return this.source === 'env' || sourceActive(this.get(portalId));
  }

  /** Whether `portalId` is connected (not `disconnected`; env source: always). See {@link connected}. */
  isConnected(portalId: number): boolean {
    return this.source === 'env' || connected(this.get(portalId));
  }

  /** Calls `listener` on every change after ready() (env source: never); returns an unsubscribe function. */
  onChange(listener: TenantSettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops following the topic. */
  async close(): Promise<void> {
    this.listeners.clear();
    await this.table?.close();
  }
}
