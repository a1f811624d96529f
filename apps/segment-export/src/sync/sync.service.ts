import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { describeError } from '@hubheap/kafka';
import { COMMON_CONFIG, loadConfig } from '@hubheap/service';
import { tryLockSegmentSync } from '../database/segment-lock';
import { SegmentRepository, type SegmentKey } from '../database/segment.repository';
import type { SyncRunEntity, SyncTrigger } from '../database/sync-run.entity';
import { SyncRunRepository } from '../database/sync-run.repository';
import { SEGMENT_EXPORT_CONFIG_TOKEN, type SegmentExportConfig } from '../segment-export.config';
import { ListSyncExecutor } from './list-sync.executor';
import { countOutcomes } from './list-sync.planner';

/** A started sync: its run row, and a promise of the finished run. */
export type StartedSync =
  | { kind: 'started'; run: SyncRunEntity; done: Promise<SyncRunEntity> }
  | { kind: 'busy' }
  | { kind: 'unknown-segment' };

/**
 * Runs segment syncs under the segment's advisory lock (segment-lock.ts): opens a run, executes
 * ListSyncExecutor, records outcomes and counts, and schedules the next sync (sync-mode.rules.ts).
 * A failure is recorded on the run (`failed`, with the error) and never thrown. Shutdown waits for
 * runs in flight.
 */
@Injectable()
export class SyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly databaseUrl = loadConfig(COMMON_CONFIG).databaseUrl;

  constructor(
    @Inject(SEGMENT_EXPORT_CONFIG_TOKEN) private readonly config: SegmentExportConfig,
    private readonly segments: SegmentRepository,
    private readonly runs: SyncRunRepository,
    private readonly executor: ListSyncExecutor,
  ) {}

  /** Starts a sync of `key` unless another replica (or this one) is running it. @throws pg errors. */
  async start(key: SegmentKey, trigger: SyncTrigger): Promise<StartedSync> {
    const lock = await tryLockSegmentSync(this.databaseUrl, key.portalId, key.segmentId);
    if (!lock) return { kind: 'busy' };
    try {
      const segment = await this.segments.find(key);
      if (!segment) {
        await lock.release();
        return { kind: 'unknown-segment' };
      }
      const run = await this.runs.start(key, trigger);
      const done = this.run(key, run).finally(() => lock.release());
      this.inFlight.add(done);
      void done.finally(() => this.inFlight.delete(done));
      return { kind: 'started', run, done };
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(key: SegmentKey, run: SyncRunEntity): Promise<SyncRunEntity> {
    const started = Date.now();
    const timing = { intervalMs: this.config.syncIntervalMs, retryAfterMs: this.config.syncRetryAfterMs };
    try {
      const segment = (await this.segments.find(key))!;
      const { listId, outcomes } = await this.executor.execute(segment);
      const counts = countOutcomes(outcomes);
      await this.runs.finish(run.id, { status: 'completed', listId, counts, error: null, outcomes });
      await this.segments.recordRun(key, 'completed', Date.now(), timing);
      this.logger.log(
        `sync ${run.id} portal ${key.portalId} segment ${key.segmentId} → list ${listId} in ${Date.now() - started} ms: ${JSON.stringify(counts)}`,
      );
    } catch (error) {
      this.logger.error(
        `sync ${run.id} portal ${key.portalId} segment ${key.segmentId} failed: ${describeError(error)}`,
      );
      await this.runs
        .finish(run.id, {
          status: 'failed',
          listId: null,
          counts: null,
          error: describeError(error),
          outcomes: [],
        })
        .catch((e: unknown) =>
          this.logger.error(`could not record failed run ${run.id}: ${describeError(e)}`),
        );
      await this.segments.recordRun(key, 'failed', Date.now(), timing).catch(() => undefined);
    }
    return (await this.runs.get(run.id)) ?? run;
  }
}
