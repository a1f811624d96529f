import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type BatchOutcome, type ConsumedRecord, KafkaPlatform, toDeadLetterMessage } from '@hubheap/kafka';
import { deadLetterTopic, TOPICS, type TopicContract } from '@hubheap/schemas';
import { TenantSettings } from '@hubheap/service';
import { PendingRecordsRepository, type StoredPendingRecord } from '../database/pending-records.repository';
import { IdentityResolutionMetrics } from '../identity-resolution.metrics';
import type { PausedRecord } from './pending-record';
import { runsByTopic, settingsTransition, SourcePausedAgainError } from './source-pause';

/** Plans and applies records released from `source-paused` (a consumer's `handle` in release mode). */
export type ReleaseHandler = (records: ConsumedRecord<unknown>[]) => Promise<BatchOutcome<unknown> | void>;

const RELEASE_CHUNK = 500;
const RETRY_MS = 5_000;

/**
 * The source toggle of issue #5 for identity-resolution (SETTINGS_SOURCE=topic; with `env` every tenant
 * is active and this does nothing):
 * - the consumers park the records of a paused tenant in `pending_records` (`source-paused`) through
 *   {@link park}, before their offsets commit;
 * - when `integration.settings.v1` says the tenant is active again (and at boot, for changes made while
 *   the app was down) {@link release} feeds its parked records, in original order (topic, partition,
 *   offset), through the consumer of their origin topic with the settings of that moment (a record
 *   still waiting for its Heap identity becomes a `no-identity` row), then deletes them; a failure is
 *   retried every 5 s with the rows kept;
 * - a disconnected tenant's parked records (both reasons) are dropped.
 */
@Injectable()
export class SourcePauseService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SourcePauseService.name);
  private readonly handlers = new Map<string, ReleaseHandler>();
  private readonly running = new Map<number, Promise<void>>();
  private readonly again = new Set<number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(
    @Inject(TenantSettings) private readonly settings: TenantSettings,
    @Inject(PendingRecordsRepository) private readonly repository: PendingRecordsRepository,
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(IdentityResolutionMetrics) private readonly metrics: IdentityResolutionMetrics,
  ) {}

  /** True with SETTINGS_SOURCE=topic (only then can a tenant be paused or disconnected). */
  get enabled(): boolean {
    return this.settings.source === 'topic';
  }

  /** Registers the handler of records parked from `topic` (called by each source consumer). */
  registerHandler(topic: string, handler: ReleaseHandler): void {
    this.handlers.set(topic, handler);
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.unsubscribe = this.settings.onChange((current, previous) => this.apply(current, previous));
    for (const current of this.settings.all()) this.apply(current, undefined);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.running.values()]);
  }

  /** The portals of `portalIds` with records parked (`source-paused`); none with SETTINGS_SOURCE=env. */
  async parkedPortals(portalIds: readonly number[]): Promise<Set<number>> {
    return this.enabled ? this.repository.pausedPortals(portalIds) : new Set();
  }

  /**
   * Stores a batch's paused records durably (the caller commits their offsets afterwards) and, for
   * portals that are active by now (they queued behind a release), starts a release.
   */
  async park(records: readonly PausedRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (const r of await this.repository.enqueue(records))
      this.metrics.pendingEnqueued.inc({ topic: r.origin.topic });
    for (const portalId of new Set(records.map((r) => r.portalId)))
      if (this.settings.isSourceActive(portalId)) void this.release(portalId);
  }

  /**
   * Releases every `source-paused` record of `portalId` (chunks of 500, original order), one release
   * per portal at a time in this process (others across replicas wait on the advisory lock); a
   * release asked for while one runs runs again afterwards. Never rejects (failures are logged and
   * retried in 5 s).
   */
  release(portalId: number): Promise<void> {
    const current = this.running.get(portalId);
    if (current) {
      this.again.add(portalId);
      return current;
    }
    const run = this.releaseAll(portalId).finally(() => {
      this.running.delete(portalId);
      if (this.again.delete(portalId) && !this.stopped) void this.release(portalId);
    });
    this.running.set(portalId, run);
    return run;
  }

  private apply(current: Parameters<typeof settingsTransition>[0], previous?: typeof current): void {
    if (!current || this.stopped) return;
    const action = settingsTransition(current, previous);
    if (action === 'release') void this.release(current.portalId);
    if (action === 'drop') void this.drop(current.portalId);
  }

  private async drop(portalId: number): Promise<void> {
    try {
      const dropped = await this.repository.dropPortal(portalId);
      if (dropped > 0) this.logger.log(`portal ${portalId} disconnected: dropped ${dropped} parked records`);
    } catch (error) {
      this.logger.warn(
        `dropping the parked records of portal ${portalId} failed: ${(error as Error).message}`,
      );
    }
  }

  private async releaseAll(portalId: number): Promise<void> {
    try {
      let total = 0;
      for (;;) {
        if (this.stopped || !this.settings.isSourceActive(portalId)) break;
        const n = await this.repository.takePaused(portalId, RELEASE_CHUNK, (rows) => this.handle(rows));
        total += n;
        if (n < RELEASE_CHUNK) break;
      }
      if (total > 0) this.logger.log(`portal ${portalId} resumed: released ${total} parked records`);
    } catch (error) {
      if (error instanceof SourcePausedAgainError) {
        this.logger.log(error.message);
        return;
      }
      this.logger.warn(
        `releasing the parked records of portal ${portalId} failed (retried in ${RETRY_MS} ms): ${(error as Error).message}`,
      );
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.stopped) void this.release(portalId);
      }, RETRY_MS);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Feeds one chunk to the origin topics' handlers in order and dead-letters what they reject. */
  private async handle(rows: StoredPendingRecord[]): Promise<void> {
    for (const run of runsByTopic(rows)) {
      const handler = this.handlers.get(run.topic);
      if (!handler) throw new Error(`no handler for records parked from ${run.topic}`);
      const outcome = await handler(run.rows.map((r) => r.origin));
      for (const { record, reason } of outcome?.deadLetters ?? []) {
        // The handler returns the records it was given; coordinates alone may match two rows (a
        // re-created topic), so the object itself is looked up first.
        const row =
          run.rows.find((r) => r.origin === record) ??
          run.rows.find((r) => r.origin.offset === record.offset && r.origin.partition === record.partition);
        await this.deadLetter(record, reason, row?.consumerGroup ?? '');
      }
      this.metrics.pendingReleased.inc({ topic: run.topic }, run.rows.length);
    }
  }

  private async deadLetter(
    record: ConsumedRecord<unknown>,
    reason: string,
    consumerGroup: string,
  ): Promise<void> {
    const contract = TOPICS.find((t) => t.name === record.topic) as TopicContract<unknown> | undefined;
    const value = contract ? await this.platform.serde.encode(contract, record.value) : null;
    const producer = await this.platform.producer();
    await producer.sendRaw(deadLetterTopic(record.topic), [
      toDeadLetterMessage(
        { key: record.key === null ? null : Buffer.from(record.key), value, headers: record.headers },
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          consumerGroup,
          reason,
          errorClass: 'rejected',
          attempts: 1,
          failedAt: Date.now(),
        },
      ),
    ]);
  }
}
