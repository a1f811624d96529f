import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_SETTINGS } from '@hubheap/schemas';
import { DataSource } from 'typeorm';
import { TenantRepository } from '../database/tenant.repository';
import { settingsRecord } from '../tenants/settings.rules';

/**
 * Publishes a tenant's whole settings record (never a secret) to the compacted `integration.settings.v1`
 * after the change is persisted. The key is the HubSpot `portalId`, which a disconnected tenant and the
 * one that paired the portal again share, so a publish always sends the record of the portal's
 * *owner* — its active tenant, else its newest — read when the publish runs: a late publish of the
 * earlier tenant cannot put "disconnected" back on a portal that is connected again. Per portal,
 * publishes run one after another, in this process (a promise chain) and across control-api replicas
 * (a Postgres advisory lock held from the read to the Kafka ack, waited for at most 10 s), so the
 * topic's last record per key is the latest version. At boot every portal is republished the same way,
 * which repairs a publish lost to a crash between the database write and the Kafka ack. Readers may
 * ignore a record with a lower `version` (libs/service TenantSettings).
 */
@Injectable()
export class SettingsPublisher implements OnApplicationBootstrap {
  private readonly logger = new Logger(SettingsPublisher.name);
  private readonly chains = new Map<number, Promise<void>>();

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(TenantRepository) private readonly tenants: TenantRepository,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const portals = [...new Set((await this.tenants.list('*')).map((t) => t.portalId))];
    let failed = 0;
    // One publish per portal: a record that cannot be encoded (or a broker error) for one portal must
    // not stop the others' republish or the boot; the next change of that tenant publishes it again.
    for (const portalId of portals) {
      try {
        await this.publishPortal(portalId);
      } catch (error) {
        failed += 1;
        this.logger.error(
          `republishing settings of portal ${portalId} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    this.logger.log(
      `republished settings of ${portals.length - failed} of ${portals.length} portals to ${INTEGRATION_SETTINGS.name}`,
    );
  }

  /**
   * Publishes the current settings of tenant `tenantId`'s portal (see the class doc: the portal's
   * owner); resolves after Kafka acked (acks=all).
   * @throws kafkajs errors, or a lock timeout (the change is persisted; the next change or restart
   *   republishes it).
   */
  async publish(tenantId: string): Promise<void> {
    const tenant = await this.tenants.get(tenantId);
    if (tenant) await this.publishPortal(tenant.portalId);
  }

  private publishPortal(portalId: number): Promise<void> {
    const previous = this.chains.get(portalId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.publishLocked(portalId));
    this.chains.set(portalId, next);
    void next
      .finally(() => {
        if (this.chains.get(portalId) === next) this.chains.delete(portalId);
      })
      .catch(() => undefined);
    return next;
  }

  /** Reads and sends the portal owner's row while holding the portal's publish lock. */
  private publishLocked(portalId: number): Promise<void> {
    return this.db.transaction(async (m) => {
      // Another replica's publish may hold the lock through a slow Kafka ack: wait, but not with a
      // pooled connection forever (the change stays persisted; the next publish sends it).
      await m.query(`SET LOCAL lock_timeout = '10s'`);
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `control-api.settings-publish:${portalId}`,
      ]);
      const owner = await this.tenants.portalOwner(portalId, m);
      if (!owner) return;
      await (await this.platform.producer()).send(INTEGRATION_SETTINGS, [{ value: settingsRecord(owner) }]);
    });
  }
}
