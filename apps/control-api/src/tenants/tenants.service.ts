import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { type Principal, tenantAccess } from '../auth/access.rules';
import { SecretStore } from '../database/secret.store';
import { SourceStatusRepository } from '../database/source-status.repository';
import { TenantRepository } from '../database/tenant.repository';
import { SegmentRunsClient } from '../destination/segment-runs.client';
import { HubSpotAuthService } from '../hubspot/hubspot-auth.service';
import { SettingsPublisher } from '../settings/settings.publisher';
import { applySegmentMode, type SettingsPatch } from './settings.rules';
import type { SecretKind, SegmentMode, Tenant } from './tenant.model';
import { tenantView, type TenantView } from './tenant-view';

/** What `POST /api/tenants/:id/disconnect` reports. */
export interface DisconnectReport {
  state: 'disconnected';
  /** Secret kinds deleted from control-api's database. */
  deleted: SecretKind[];
  /** Whether HubSpot confirmed deleting the OAuth refresh token (null: there was none). */
  hubspotRefreshTokenRevoked: boolean | null;
  /** What data remains, and where. */
  kept: string[];
}

/** Data a disconnect leaves in place (the admin page shows it). */
export const KEPT_ON_DISCONNECT = [
  'tenant record and its settings (state disconnected) in control-api, for audit and reconnecting',
  'source status counts (first/last event, events written) in control-api',
  "segment-export's sync history, segment membership and the HubSpot lists it created (lists stay in HubSpot)",
  "identity-resolution's identity map (email ⇄ Heap identity ⇄ HubSpot contact id)",
  'events and user properties already written to Heap (delete users through Heap user deletion)',
  'records already on Kafka topics, until their retention expires',
];

/**
 * Tenant use cases behind the admin API: scope checks (a tenant outside the key's scope is 404, a
 * read-only key changing something is 403), persistence first, then the settings record on
 * `integration.settings.v1`; views with source status and segment-export's last runs.
 */
@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);

  constructor(
    @Inject(TenantRepository) private readonly tenants: TenantRepository,
    @Inject(SecretStore) private readonly secrets: SecretStore,
    @Inject(SourceStatusRepository) private readonly status: SourceStatusRepository,
    @Inject(SegmentRunsClient) private readonly runs: SegmentRunsClient,
    @Inject(SettingsPublisher) private readonly publisher: SettingsPublisher,
    @Inject(HubSpotAuthService) private readonly hubspot: HubSpotAuthService,
  ) {}

  /**
   * The tenant if `principal` may read (or, with `write`, change) it.
   * @throws NotFoundException (unknown or out of scope), ForbiddenException (read-only key writing),
   *   ConflictException (writing to a disconnected tenant, when `write`).
   */
  async authorize(principal: Principal, id: string, write: boolean): Promise<Tenant> {
    const access = tenantAccess(principal, id, write);
    const tenant = access === 'not-found' ? null : await this.tenants.get(id);
    if (!tenant) throw new NotFoundException({ error: 'tenant not found' });
    if (access === 'forbidden') throw new ForbiddenException({ error: 'this API key is read-only' });
    if (write && tenant.state === 'disconnected')
      throw new ConflictException({ error: 'tenant is disconnected' });
    return tenant;
  }

  /** The admin view of a tenant (status from `integration.status.v1`, last runs from segment-export). */
  async view(tenant: Tenant): Promise<TenantView> {
    const [status, lastRuns] = await Promise.all([
      this.status.get(tenant.portalId, tenant.heapAppId),
      this.runs.lastRuns(
        tenant.portalId,
        tenant.segments.map((s) => s.segmentId),
      ),
    ]);
    return tenantView(tenant, status, lastRuns);
  }

  async list(principal: Principal): Promise<TenantView[]> {
    return Promise.all((await this.tenants.list(principal.tenants)).map((t) => this.view(t)));
  }

  /** Pairs a portal with an app_id. @throws ConflictException when either is already paired. */
  async create(input: { portalId: number; heapAppId: string; name?: string }): Promise<TenantView> {
    const created = await this.tenants.create({ ...input, name: input.name ?? `Portal ${input.portalId}` });
    if (created === 'conflict') {
      throw new ConflictException({
        error: 'this HubSpot portal or Heap app_id is already paired with a tenant',
      });
    }
    await this.publish(created.id);
    return this.view(created);
  }

  async updateSettings(tenant: Tenant, patch: SettingsPatch): Promise<TenantView> {
    const updated = await this.tenants.updateSettings(tenant.id, patch);
    if (!updated) throw new ConflictException({ error: 'tenant is disconnected' });
    await this.publish(tenant.id);
    return this.view(updated);
  }

  /** Sets a segment's sync mode. @throws ConflictException on a 31st recurring segment. */
  async setSegmentMode(
    tenant: Tenant,
    segmentId: string,
    mode: SegmentMode,
    name?: string,
  ): Promise<TenantView> {
    const result = await this.tenants.changeSegments(tenant.id, (current) => {
      const change = applySegmentMode(current.segments, segmentId, mode, name);
      if (!change.ok) return { error: change.error };
      return {
        segment: change.segments.find((s) => s.segmentId === segmentId) as Tenant['segments'][number],
      };
    });
    if (result === null) throw new ConflictException({ error: 'tenant is disconnected' });
    if ('error' in result) throw new ConflictException({ error: result.error });
    await this.publish(tenant.id);
    return this.view(result.tenant);
  }

  /** Stores Heap credentials (encrypted); at least one must be given. */
  async setHeapSecrets(
    tenant: Tenant,
    body: { apiKey?: string; segmentsWebhookSecret?: string },
  ): Promise<TenantView> {
    if (body.apiKey === undefined && body.segmentsWebhookSecret === undefined) {
      throw new BadRequestException({ error: 'give apiKey and/or segmentsWebhookSecret' });
    }
    await this.tenants.runInTransaction(async (q) => {
      if (body.apiKey !== undefined) await this.secrets.put(tenant.id, 'heap_api_key', body.apiKey, q);
      if (body.segmentsWebhookSecret !== undefined) {
        await this.secrets.put(tenant.id, 'heap_segments_secret', body.segmentsWebhookSecret, q);
      }
    });
    return this.view((await this.tenants.get(tenant.id)) as Tenant);
  }

  /**
   * Stops both directions: the OAuth refresh token is deleted at HubSpot (best effort), every secret is
   * deleted, the tenant becomes disconnected and the record `state: disconnected` is published.
   * Repeating it reports nothing more deleted.
   */
  async disconnect(tenant: Tenant): Promise<DisconnectReport> {
    if (tenant.state === 'disconnected') {
      return {
        state: 'disconnected',
        deleted: [],
        hubspotRefreshTokenRevoked: null,
        kept: KEPT_ON_DISCONNECT,
      };
    }
    const refreshToken = await this.secrets.get(tenant.id, 'hubspot_refresh_token').catch(() => null);
    const revoked = refreshToken ? await this.hubspot.revoke(tenant.portalId, refreshToken) : null;
    const deleted = await this.tenants.runInTransaction(async (q) => {
      const kinds = await this.secrets.delete(tenant.id, undefined, q);
      await this.tenants.disconnect(tenant.id, q);
      return kinds;
    });
    this.logger.log(
      `tenant ${tenant.id} (portal ${tenant.portalId}, app_id ${tenant.heapAppId}) disconnected`,
    );
    await this.publish(tenant.id);
    return { state: 'disconnected', deleted, hubspotRefreshTokenRevoked: revoked, kept: KEPT_ON_DISCONNECT };
  }

  private async publish(tenantId: string): Promise<void> {
    try {
      await this.publisher.publish(tenantId);
    } catch (error) {
      this.logger.error(`tenant ${tenantId}: settings saved but not published: ${(error as Error).message}`);
      throw new ServiceUnavailableException({
        error:
          'saved, but publishing to integration.settings.v1 failed; it is republished on the next change or restart',
      });
    }
  }
}
