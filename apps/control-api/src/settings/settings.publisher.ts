import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_SETTINGS } from '@hubheap/schemas';
import { DataSource } from 'typeorm';
import { TenantRepository } from '../database/tenant.repository';
import { settingsRecord } from '../tenants/settings.rules';

/**
 * Publishes a tenant's whole settings record (never a secret) to the compacted `integration.settings.v1`
 * (key `<portalId>`) after the change is persisted. Per tenant, publishes run one after another, in
 * this process (a promise chain) and across control-api replicas (a Postgres advisory lock held from
 * the read to the Kafka ack), and each sends the row as it is *now*, so the topic's last record per key
 * is the latest version even when changes race on several replicas. At boot every tenant is
 * republished the same way, which repairs a publish lost to a crash between the database write and the
 * Kafka ack. Readers may ignore a record with a lower `version`.
 */
@Injectable()
export class SettingsPublisher implements OnApplicationBootstrap {
  private readonly logger = new Logger(SettingsPublisher.name);
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(TenantRepository) private readonly tenants: TenantRepository,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const all = await this.tenants.list('*');
    let failed = 0;
    // One publish per tenant: a record that cannot be encoded (or a broker error) for one tenant must
    // not stop the others' republish or the boot; the next change of that tenant publishes it again.
    for (const tenant of all) {
      try {
        await this.publish(tenant.id);
      } catch (error) {
        failed += 1;
        this.logger.error(
          `republishing settings of tenant ${tenant.id} (portal ${tenant.portalId}) failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    this.logger.log(
      `republished settings of ${all.length - failed} of ${all.length} tenants to ${INTEGRATION_SETTINGS.name}`,
    );
  }

  /**
   * Publishes tenant `tenantId`'s current settings; resolves after Kafka acked (acks=all).
   * @throws kafkajs errors (the change is persisted; the next change or restart republishes it).
   */
  publish(tenantId: string): Promise<void> {
    const previous = this.chains.get(tenantId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.publishLocked(tenantId));
    this.chains.set(tenantId, next);
    void next
      .finally(() => {
        if (this.chains.get(tenantId) === next) this.chains.delete(tenantId);
      })
      .catch(() => undefined);
    return next;
  }

  /** Reads and sends the tenant's row while holding its publish lock (other replicas wait). */
  private publishLocked(tenantId: string): Promise<void> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `control-api.settings-publish:${tenantId}`,
      ]);
      const tenant = await this.tenants.get(tenantId, m);
      if (!tenant) return;
      await (await this.platform.producer()).send(INTEGRATION_SETTINGS, [{ value: settingsRecord(tenant) }]);
    });
  }
}
