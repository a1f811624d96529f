import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { describeError } from '@hubheap/kafka';
import type { IntegrationSettings } from '@hubheap/schemas';
import { TenantSettings } from '@hubheap/service';
import { DataSource } from 'typeorm';
import { SegmentEntity } from '../database/segment.entity';
import { SegmentRepository } from '../database/segment.repository';
import type { SyncMode } from '../sync/sync-mode.rules';
import { planModeChanges } from './segment-settings.planner';

/**
 * With SETTINGS_SOURCE=topic, makes each tenant's segment sync modes follow integration.settings.v1
 * (planModeChanges): at boot for every known tenant, then on every change. Changes go through
 * `SegmentRepository.setMode`, the same rules as `PUT …/sync-mode` (one-time → one sync due now,
 * recurring → due now then every SYNC_INTERVAL_MS, at most 30 per portal; off → nothing planned).
 * A disconnected tenant gets every segment `off`, so the scheduler runs none of its syncs. Changes are
 * applied one tenant at a time; a failure is logged and retried with the tenant's next change or boot.
 * With SETTINGS_SOURCE=env it does nothing (modes stay as set over HTTP).
 */
@Injectable()
export class SegmentSettingsApplier implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SegmentSettingsApplier.name);
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;

  constructor(
    @Inject(TenantSettings) private readonly settings: TenantSettings,
    @Inject(DataSource) private readonly db: DataSource,
    private readonly segments: SegmentRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.source !== 'topic') return;
    this.unsubscribe = this.settings.onChange((current, previous) => {
      const portalId = (current ?? previous)?.portalId;
      if (portalId !== undefined) void this.apply(portalId, current);
    });
    await Promise.all(this.settings.all().map((s) => this.apply(s.portalId, s)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.queue;
  }

  /** Applies `settings` to the portal's segments after the changes queued before; never rejects. */
  apply(portalId: number, settings: IntegrationSettings | undefined): Promise<void> {
    this.queue = this.queue.then(() => this.applyNow(portalId, settings));
    return this.queue;
  }

  private async applyNow(portalId: number, settings: IntegrationSettings | undefined): Promise<void> {
    try {
      const rows = await this.db.getRepository(SegmentEntity).find({ where: { portalId } });
      const current = new Map<string, SyncMode>(rows.map((r) => [r.segmentId, r.syncMode]));
      for (const change of planModeChanges(settings, current)) {
        const result = await this.segments.setMode(
          { portalId, segmentId: change.segmentId },
          change.mode,
          Date.now(),
        );
        if (result.ok)
          this.logger.log(
            `portal ${portalId} segment ${change.segmentId}: sync mode ${change.mode} (settings)`,
          );
        else
          this.logger.warn(
            `portal ${portalId} segment ${change.segmentId}: mode ${change.mode} refused: ${result.error}`,
          );
      }
    } catch (error) {
      this.logger.error(`portal ${portalId}: could not apply segment settings: ${describeError(error)}`);
    }
  }
}
