import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { KafkaPlatform, toDeadLetterMessage } from '@hubheap/kafka';
import {
  deadLetterTopic,
  HEAP_TRACK_EVENTS,
  type HeapTrackEvent,
  HUBSPOT_CONTACT_CHANGES,
  type HubSpotContactChange,
  TOPICS,
  type TopicContract,
} from '@hubheap/schemas';
import { PendingRecordsRepository, type StoredPendingRecord } from '../database/pending-records.repository';
import { IdentityResolutionMetrics } from '../identity-resolution.metrics';
import { expiryReason, type PendingOutput, type PendingRecord } from './pending-record';

/** Injection token of {@link PendingOptions}. */
export const PENDING_OPTIONS = Symbol('PENDING_OPTIONS');

/** How long records may wait and how often the sweeper looks. */
export interface PendingOptions {
  /** ms a record may wait for its identity (PENDING_MAX_AGE_MS). */
  maxAgeMs: number;
  /** ms between sweeps (PENDING_SWEEP_INTERVAL_MS); 0 disables the timer (tests call `sweep()`). */
  sweepIntervalMs: number;
}

const SWEEP_BATCH = 500;

/**
 * Parks records without a Heap identity in `pending_records`, releases them (in original order) when
 * their identity arrives, and sweeps expired ones to `<origin topic>.dlq` with reason
 * `no Heap identity for <email> after <n> ms`, the `x-dlq-*` headers of libs/kafka dead-letter.ts and
 * `identity_resolution_pending_expired_total`. The dead letter carries the original value re-encoded
 * with the origin topic's current schema, and the original key and headers, so `ops-cli dlq redrive`
 * replays it.
 */
@Injectable()
export class PendingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PendingService.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(PendingRecordsRepository) private readonly repository: PendingRecordsRepository,
    @Inject(IdentityResolutionMetrics) private readonly metrics: IdentityResolutionMetrics,
    @Inject(PENDING_OPTIONS) private readonly options: PendingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.sweepIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** Stores records durably (their offsets may be committed afterwards) and counts them. */
  async park(records: readonly PendingRecord[]): Promise<void> {
    for (const r of await this.repository.enqueue(records))
      this.metrics.pendingEnqueued.inc({ topic: r.origin.topic });
  }

  /**
   * Releases what waits for each `(appId, email)` whose identity is now known: produces the outputs in
   * original order, then deletes the rows. @throws kafkajs/pg errors (rows stay for the next release).
   */
  async release(pairs: ReadonlyArray<{ appId: string; email: string }>): Promise<number> {
    let released = 0;
    const seen = new Set<string>();
    for (const { appId, email } of pairs) {
      const key = `${appId}:${email}`;
      if (seen.has(key)) continue;
      seen.add(key);
      released += await this.repository.release(appId, email, (outputs) => this.produce(outputs));
    }
    return released;
  }

  /** One sweep: dead-letters every expired record (in chunks). @returns how many. */
  sweep(now = Date.now()): Promise<number> {
    this.sweeping ??= this.sweepOnce(now).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(now: number): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.repository.takeExpired(now - this.options.maxAgeMs, SWEEP_BATCH, (rows) =>
          this.deadLetter(rows, now),
        );
        total += n;
        if (n < SWEEP_BATCH) return total;
      }
    } catch (error) {
      this.logger.warn(`pending sweep failed (retried next sweep): ${(error as Error).message}`);
      throw error;
    }
  }

  private async deadLetter(rows: StoredPendingRecord[], now: number): Promise<void> {
    const producer = await this.platform.producer();
    for (const row of rows) {
      const contract = TOPICS.find((t) => t.name === row.origin.topic) as TopicContract<unknown> | undefined;
      const value = contract ? await this.platform.serde.encode(contract, row.origin.value) : null;
      await producer.sendRaw(deadLetterTopic(row.origin.topic), [
        toDeadLetterMessage(
          {
            key: row.origin.key === null ? null : Buffer.from(row.origin.key),
            value,
            headers: row.origin.headers,
          },
          {
            topic: row.origin.topic,
            partition: row.origin.partition,
            offset: row.origin.offset,
            consumerGroup: row.consumerGroup,
            reason: expiryReason(row.email, this.options.maxAgeMs),
            errorClass: 'rejected',
            attempts: 1,
            failedAt: now,
          },
        ),
      ]);
      this.metrics.pendingExpired.inc({ topic: row.origin.topic });
      this.logger.warn(
        `dead-lettered ${row.origin.topic}[${row.origin.partition}]@${row.origin.offset}: ${expiryReason(row.email, this.options.maxAgeMs)}`,
      );
    }
  }

  /** Produces outputs in order, one send per run of the same topic. */
  private async produce(outputs: PendingOutput[]): Promise<void> {
    const producer = await this.platform.producer();
    for (let i = 0; i < outputs.length;) {
      const topic = outputs[i]!.topic;
      let j = i;
      while (j < outputs.length && outputs[j]!.topic === topic) j += 1;
      const run = outputs.slice(i, j);
      if (topic === HEAP_TRACK_EVENTS.name) {
        await producer.send(
          HEAP_TRACK_EVENTS,
          run.map((o) => ({ value: o.value as HeapTrackEvent })),
        );
        this.metrics.trackProduced(run.length);
      } else {
        const changes = run.map((o) => o.value as HubSpotContactChange);
        await producer.send(
          HUBSPOT_CONTACT_CHANGES,
          changes.map((value) => ({ value })),
        );
        for (const c of changes) this.metrics.contactChanges.inc({ change: c.change });
      }
      this.metrics.pendingReleased.inc({ topic }, run.length);
      i = j;
    }
  }
}
