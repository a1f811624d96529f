import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SettingsPatch } from '../tenants/settings.rules';
import type { HubSpotAuthMethod, SegmentSetting, Tenant } from '../tenants/tenant.model';
import { type Queryable, rowsOf, tableOf } from './sql';

interface TenantRow {
  id: string;
  name: string;
  portal_id: string;
  heap_app_id: string;
  state: Tenant['state'];
  hubspot_method: HubSpotAuthMethod | null;
  hubspot_expires_at: Date | null;
  hubspot_scopes: string[];
  source_enabled: boolean;
  email_property: string | null;
  heap_match_property: string;
  hubspot_match_property: string;
  settings_version: string;
  settings_updated_at: Date;
  created_at: Date;
  segments: SegmentSetting[];
  secret_kinds: Tenant['secretKinds'];
}

/** HubSpot authorisation metadata kept next to the tenant (the tokens live in SecretStore). */
export interface HubSpotAuthState {
  method: HubSpotAuthMethod;
  expiresAt: Date | null;
  scopes: string[];
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  portalId: Number(r.portal_id),
  heapAppId: r.heap_app_id,
  state: r.state,
  hubspotMethod: r.hubspot_method,
  hubspotExpiresAt: r.hubspot_expires_at,
  hubspotScopes: r.hubspot_scopes,
  sourceEnabled: r.source_enabled,
  emailProperty: r.email_property,
  heapMatchProperty: r.heap_match_property,
  hubspotMatchProperty: r.hubspot_match_property,
  segments: r.segments,
  settingsVersion: Number(r.settings_version),
  settingsUpdatedAt: r.settings_updated_at,
  createdAt: r.created_at,
  secretKinds: r.secret_kinds,
});

/**
 * Tenants (table `tenant`), their segment settings (`tenant_segment`) and auth metadata. Every
 * settings change bumps `settings_version` in the same statement or transaction.
 */
@Injectable()
export class TenantRepository {
  private readonly tenant: string;
  private readonly segment: string;
  private readonly secret: string;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.tenant = tableOf(db, 'tenant');
    this.segment = tableOf(db, 'tenant_segment');
    this.secret = tableOf(db, 'secret');
  }

  private select(where: string): string {
    return `SELECT t.*,
      COALESCE((SELECT json_agg(json_build_object('segmentId', s.segment_id, 'name', s.name, 'mode', s.mode)
        ORDER BY s.segment_id) FROM ${this.segment} s WHERE s.tenant_id = t.id), '[]'::json) AS segments,
      ARRAY(SELECT k.kind FROM ${this.secret} k WHERE k.tenant_id = t.id ORDER BY k.kind) AS secret_kinds
      FROM ${this.tenant} t WHERE ${where}`;
  }

  private async one(q: Queryable, where: string, params: unknown[]): Promise<Tenant | null> {
    const [row] = await rowsOf<TenantRow>(q, this.select(where), params);
    return row ? toTenant(row) : null;
  }

  /** Creates an active tenant; `conflict` when the portal or app_id is already paired. */
  async create(input: { portalId: number; heapAppId: string; name: string }): Promise<Tenant | 'conflict'> {
    const id = randomUUID();
    // ON CONFLICT DO NOTHING covers both partial unique indexes (portal, app_id among active tenants)
    // without a failed statement (TypeORM would print it with its parameters).
    const inserted = await rowsOf<{ id: string }>(
      this.db,
      `INSERT INTO ${this.tenant} ("id", "name", "portal_id", "heap_app_id") VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING "id"`,
      [id, input.name, input.portalId, input.heapAppId],
    );
    if (inserted.length === 0) return 'conflict';
    return this.get(id) as Promise<Tenant>;
  }

  /** Tenants in `scope` (`'*'` = all), oldest first. */
  async list(scope: '*' | string[]): Promise<Tenant[]> {
    const rows =
      scope === '*'
        ? await rowsOf<TenantRow>(this.db, `${this.select('true')} ORDER BY t.created_at, t.id`)
        : await rowsOf<TenantRow>(
            this.db,
            `${this.select('t.id = ANY($1::uuid[])')} ORDER BY t.created_at, t.id`,
            [scope],
          );
    return rows.map(toTenant);
  }

  get(id: string, q: Queryable = this.db): Promise<Tenant | null> {
    return this.one(q, 't.id = $1', [id]);
  }

  /**
   * The tenant whose settings the portal's key on `integration.settings.v1` carries: its active tenant,
   * else its newest (disconnected) one; null for a portal no tenant ever paired.
   */
  portalOwner(portalId: number, q: Queryable = this.db): Promise<Tenant | null> {
    return this.one(
      q,
      `t.portal_id = $1 ORDER BY (t.state = 'active') DESC, t.created_at DESC, t.id DESC LIMIT 1`,
      [portalId],
    );
  }

  /** The active tenant of a HubSpot portal, if any. */
  activeByPortal(portalId: number): Promise<Tenant | null> {
    return this.one(this.db, `t.portal_id = $1 AND t.state = 'active'`, [portalId]);
  }

  /** The active tenant of a Heap app_id, if any. */
  activeByApp(appId: string): Promise<Tenant | null> {
    return this.one(this.db, `t.heap_app_id = $1 AND t.state = 'active'`, [appId]);
  }

  /** Applies a settings patch to an active tenant and bumps its version; null if not active. */
  async updateSettings(id: string, patch: SettingsPatch): Promise<Tenant | null> {
    const result = await rowsOf<{ id: string }>(
      this.db,
      `UPDATE ${this.tenant} SET
        "source_enabled" = COALESCE($2, "source_enabled"), "email_property" = COALESCE($3, "email_property"),
        "heap_match_property" = COALESCE($4, "heap_match_property"),
        "hubspot_match_property" = COALESCE($5, "hubspot_match_property"),
        "settings_version" = "settings_version" + 1, "settings_updated_at" = now()
       WHERE "id" = $1 AND "state" = 'active' RETURNING "id"`,
      [
        id,
        patch.sourceEnabled ?? null,
        patch.emailProperty ?? null,
        patch.heapMatchProperty ?? null,
        patch.hubspotMatchProperty ?? null,
      ],
    );
    return result.length > 0 ? this.get(id) : null;
  }

  /**
   * In one transaction with the tenant row locked: reads its segments, lets `decide` compute the new
   * list (or refuse), writes the changed segment and bumps the version. Concurrent changes serialise,
   * so the 30-recurring limit holds.
   */
  async changeSegments<E>(
    id: string,
    decide: (tenant: Tenant) => { segment: SegmentSetting } | { error: E },
  ): Promise<{ tenant: Tenant } | { error: E } | null> {
    return this.db.transaction(async (m) => {
      const locked = await rowsOf(
        m,
        `SELECT 1 FROM ${this.tenant} WHERE "id" = $1 AND "state" = 'active' FOR UPDATE`,
        [id],
      );
      if (locked.length === 0) return null;
      const tenant = (await this.get(id, m)) as Tenant;
      const decision = decide(tenant);
      if ('error' in decision) return decision;
      const { segmentId, name, mode } = decision.segment;
      await m.query(
        `INSERT INTO ${this.segment} ("tenant_id", "segment_id", "name", "mode") VALUES ($1, $2, $3, $4)
         ON CONFLICT ("tenant_id", "segment_id") DO UPDATE SET "name" = $3, "mode" = $4, "updated_at" = now()`,
        [id, segmentId, name, mode],
      );
      await m.query(
        `UPDATE ${this.tenant} SET "settings_version" = "settings_version" + 1, "settings_updated_at" = now() WHERE "id" = $1`,
        [id],
      );
      return { tenant: (await this.get(id, m)) as Tenant };
    });
  }

  /** Records (or clears, with null) how HubSpot is authorised; does not change the settings version. */
  async setHubSpotAuth(id: string, auth: HubSpotAuthState | null, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE ${this.tenant} SET "hubspot_method" = $2, "hubspot_expires_at" = $3, "hubspot_scopes" = $4 WHERE "id" = $1`,
      [id, auth?.method ?? null, auth?.expiresAt ?? null, auth?.scopes ?? []],
    );
  }

  /** Marks a tenant disconnected (bumping its version) and clears its HubSpot auth metadata. */
  async disconnect(id: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE ${this.tenant} SET "state" = 'disconnected', "disconnected_at" = now(), "hubspot_method" = NULL,
        "hubspot_expires_at" = NULL, "hubspot_scopes" = '{}',
        "settings_version" = "settings_version" + 1, "settings_updated_at" = now() WHERE "id" = $1`,
      [id],
    );
  }

  /** Locks an active tenant row for the rest of the transaction `q` (token refresh); false if not active. */
  async lockActive(id: string, q: Queryable): Promise<boolean> {
    const rows = await rowsOf(
      q,
      `SELECT 1 FROM ${this.tenant} WHERE "id" = $1 AND "state" = 'active' FOR UPDATE`,
      [id],
    );
    return rows.length > 0;
  }

  runInTransaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((m) => work(m));
  }
}
