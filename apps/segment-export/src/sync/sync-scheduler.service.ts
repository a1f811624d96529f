import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { describeError } from '@hubheap/kafka';
import { SegmentRepository } from '../database/segment.repository';
import { SEGMENT_EXPORT_CONFIG_TOKEN, type SegmentExportConfig } from '../segment-export.config';
import { SyncService } from './sync.service';

/**
 * Every SCHEDULER_TICK_MS, runs the recurring and one-time syncs whose `next_sync_at` is due, one after
 * the other. Replicas all tick; the segment lock lets one of them run each sync (the others see `busy`).
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(SEGMENT_EXPORT_CONFIG_TOKEN) private readonly config: SegmentExportConfig,
    private readonly segments: SegmentRepository,
    private readonly syncs: SyncService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.schedulerTickMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
  }

  /** One pass over the due segments (skipped while the previous pass still runs). */
  tick(now = Date.now()): Promise<void> {
    this.ticking ??= this.runDue(now).finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async runDue(now: number): Promise<void> {
    try {
      for (const segment of await this.segments.due(now)) {
        if (this.stopped) return;
        const key = { portalId: segment.portalId, segmentId: segment.segmentId };
        const trigger = segment.syncMode === 'recurring' ? 'recurring' : 'one_time';
        const started = await this.syncs.start(key, trigger);
        if (started.kind === 'started') await started.done;
      }
    } catch (error) {
      this.logger.error(`scheduler tick failed: ${describeError(error)}`);
    }
  }
}
