import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type TopicContract, deadLetterTopic } from '@hubheap/schemas';
import type { AvroSerde } from './avro-serde';
import type { TypedProducer } from './typed-producer';
import type { PlatformLogger } from './kafka-platform';
import { type BatchHandler, type ConsumedRecord, headersToStrings } from './consumed-record';
import { toDeadLetterMessage } from './dead-letter';
import { describeError, isRetriable } from './errors';
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy } from './retry.defaults';

/** Options of a BatchConsumer (the platform fills kafka, producer, serde and logger). */
export interface BatchConsumerOptions<V> {
  /** Consumer group id; by convention `<app>.<purpose>`, e.g. `heap-writer.track-events`. */
  groupId: string;
  topics: ReadonlyArray<TopicContract<V>>;
  handler: BatchHandler<V>;
  /** Where a group with no committed offset starts. Default true (earliest). */
  fromBeginning?: boolean;
  /** At most this many records per handler call. Default 1000. */
  maxBatchSize?: number;
  /**
   * Longest a fetch waits for new records (ms). Also bounds how long `stop()` waits for an idle
   * fetch, so keep it well under the 10 s shutdown deadline. Default 1000.
   */
  maxWaitTimeInMs?: number;
  /**
   * Bytes a fetch waits for (up to `maxWaitTimeInMs`) before the broker answers; default 1 (answer as
   * soon as anything is there). A large value makes each batch gather up to `maxWaitTimeInMs` of
   * records, so a consumer that coalesces per batch coalesces over that window (Kafka `fetch.min.bytes`).
   */
  minBytes?: number;
  retry?: RetryPolicy;
  kafka: Kafka;
  producer: TypedProducer;
  serde: AvroSerde;
  logger: PlatformLogger;
}

/** Running totals, for metrics and tests. */
export interface ConsumerCounters {
  processed: number;
  deadLettered: number;
  retries: number;
}

interface PendingDeadLetter {
  message: KafkaMessage;
  partition: number;
  reason: string;
  errorClass: string;
  attempts: number;
}

/**
 * Consumes topics in batches with at-least-once delivery and explicit commits:
 * - values are Avro-decoded; a record that does not decode goes to `<topic>.dlq` (errorClass `decode`);
 * - the handler runs per chunk; a retriable error (`error.retriable === true`: 429, 5xx, timeouts,
 *   broker not ready) is retried with jittered exponential backoff, heartbeating, offsets uncommitted;
 * - a permanent error isolates the bad record by re-running the chunk one record at a time, and
 *   dead-letters only the records that fail permanently;
 * - offsets are committed only after the handler succeeded and every dead letter was acked.
 * `stop()` abandons an in-flight retry without committing, then leaves the group.
 */
export class BatchConsumer<V> {
  readonly counters: ConsumerCounters = { processed: 0, deadLettered: 0, retries: 0 };
  private consumer?: Consumer;
  private stopping = false;
  private wake?: () => void;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: BatchConsumerOptions<V>) {
    this.retry = options.retry ?? defaultRetryPolicy();
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Connects and subscribes, then starts consuming in the background (group join included). */
  async start(): Promise<void> {
    this.stopping = false;
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      // A crashed replica's partitions move after this long (kafkajs default 30 s).
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 1_000,
      minBytes: this.options.minBytes ?? 1,
      // kafkajs restarts a consumer that crashed on a retriable error; one that crashes while stop()
      // disconnects it (a join still in flight) must stay stopped, not come back after shutdown.
      retry: { retries: 10, restartOnFailure: async () => !this.stopping && this.consumer === consumer },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: this.options.topics.map((t) => t.name),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    // kafkajs' run() resolves only after the first group join, which after a crash waits for the dead
    // member's session to expire; the app should not stay unhealthy that long, so the join goes on in
    // the background (failures are logged; kafkajs restarts the consumer on retriable ones).
    void consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(payload),
      })
      .catch((error: unknown) =>
        this.options.logger.error(`${this.options.groupId}: consumer stopped: ${describeError(error)}`),
      );
  }

  /** Stops fetching for every subscribed topic; lag grows, nothing is lost. */
  pause(): void {
    this.consumer?.pause(this.options.topics.map((t) => ({ topic: t.name })));
  }

  /** Resumes after `pause()` from the last committed offsets. */
  resume(): void {
    this.consumer?.resume(this.options.topics.map((t) => ({ topic: t.name })));
  }

  /** Abandons any in-flight retry (uncommitted), then disconnects from the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const chunkSize = this.options.maxBatchSize ?? 1000;
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      if (!this.canContinue(payload)) return;
      const chunk = batch.messages.slice(i, i + chunkSize);
      const done = await this.processChunk(batch.topic, batch.partition, chunk, payload);
      if (!done) return;
      const last = chunk[chunk.length - 1]!.offset;
      payload.resolveOffset(last);
      await this.consumer!.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      await payload.heartbeat();
    }
  }

  /** Returns false when the chunk was abandoned (stopping or rebalanced); nothing may be committed then. */
  private async processChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    payload: EachBatchPayload,
  ): Promise<boolean> {
    const deadLetters: PendingDeadLetter[] = [];
    const records: Array<{ record: ConsumedRecord<V>; message: KafkaMessage }> = [];
    for (const message of messages) {
      try {
        records.push({ record: await this.decode(topic, partition, message), message });
      } catch (error) {
        if (isRetriable(error) || isRegistryUnavailable(error)) throw error;
        deadLetters.push({
          message,
          partition,
          reason: `decode failed: ${describeError(error)}`,
          errorClass: 'decode',
          attempts: 1,
        });
      }
    }
    const handled = await this.handleWithIsolation(records, payload, deadLetters);
    if (!handled) return false;
    if (deadLetters.length > 0) {
      const ok = await this.withRetry(payload, () => this.writeDeadLetters(topic, deadLetters));
      if (!ok) return false;
    }
    this.counters.processed += records.length;
    return true;
  }

  private async handleWithIsolation(
    items: Array<{ record: ConsumedRecord<V>; message: KafkaMessage }>,
    payload: EachBatchPayload,
    deadLetters: PendingDeadLetter[],
  ): Promise<boolean> {
    if (items.length === 0) return true;
    const attempt = await this.runHandler(
      items.map((i) => i.record),
      payload,
    );
    if (attempt.status === 'abandoned') return false;
    if (attempt.status === 'ok') {
      const byOffset = new Map(items.map((i) => [i.record.offset, i.message]));
      for (const dl of attempt.outcome?.deadLetters ?? []) {
        const message = byOffset.get(dl.record.offset);
        if (message)
          deadLetters.push({
            message,
            partition: dl.record.partition,
            reason: dl.reason,
            errorClass: 'rejected',
            attempts: 1,
          });
      }
      return true;
    }
    if (items.length === 1) {
      const only = items[0]!;
      deadLetters.push({
        message: only.message,
        partition: only.record.partition,
        reason: describeError(attempt.error),
        errorClass: 'permanent',
        attempts: attempt.attempts,
      });
      return true;
    }
    this.options.logger.warn(
      `${this.options.groupId}: permanent error in a batch of ${items.length}; isolating: ${describeError(attempt.error)}`,
    );
    for (const item of items) {
      if (!(await this.handleWithIsolation([item], payload, deadLetters))) return false;
    }
    return true;
  }

  private async runHandler(
    records: ConsumedRecord<V>[],
    payload: EachBatchPayload,
  ): Promise<
    | { status: 'ok'; outcome: Awaited<ReturnType<BatchHandler<V>>> }
    | { status: 'permanent'; error: unknown; attempts: number }
    | { status: 'abandoned' }
  > {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return {
          status: 'ok',
          outcome: await this.options.handler(records, { heartbeat: payload.heartbeat }),
        };
      } catch (error) {
        if (!isRetriable(error)) return { status: 'permanent', error, attempts: attempt };
        if (!(await this.backoff(payload, attempt, error))) return { status: 'abandoned' };
      }
    }
  }

  /** Runs `fn` until it succeeds, retrying every error with backoff; false when abandoned. */
  private async withRetry(payload: EachBatchPayload, fn: () => Promise<void>): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await fn();
        return true;
      } catch (error) {
        if (!(await this.backoff(payload, attempt, error))) return false;
      }
    }
  }

  /** Waits before the next attempt, heartbeating; false when the consumer should give the batch up. */
  private async backoff(payload: EachBatchPayload, attempt: number, error: unknown): Promise<boolean> {
    if (attempt >= this.retry.maxAttempts || !this.canContinue(payload)) return false;
    this.counters.retries += 1;
    const delay = backoffDelayMs(this.retry, attempt);
    this.options.logger.warn(
      `${this.options.groupId}: transient failure (attempt ${attempt}), retrying in ${delay} ms: ${describeError(error)}`,
    );
    const deadline = Date.now() + delay;
    while (Date.now() < deadline && this.canContinue(payload)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(2_000, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      await payload.heartbeat().catch(() => undefined);
    }
    return this.canContinue(payload);
  }

  private canContinue(payload: EachBatchPayload): boolean {
    return !this.stopping && payload.isRunning() && !payload.isStale();
  }

  private async decode(topic: string, partition: number, message: KafkaMessage): Promise<ConsumedRecord<V>> {
    if (!message.value) throw new Error('record has no value (tombstone)');
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key ? message.key.toString() : null,
      value: await this.options.serde.decode<V>(message.value),
      headers: headersToStrings(message.headers),
      timestamp: Number(message.timestamp),
    };
  }

  private async writeDeadLetters(topic: string, items: PendingDeadLetter[]): Promise<void> {
    const failedAt = Date.now();
    await this.options.producer.sendRaw(
      deadLetterTopic(topic),
      items.map((d) =>
        toDeadLetterMessage(d.message, {
          topic,
          partition: d.partition,
          offset: d.message.offset,
          consumerGroup: this.options.groupId,
          reason: d.reason,
          errorClass: d.errorClass,
          attempts: d.attempts,
          failedAt,
        }),
      ),
    );
    this.counters.deadLettered += items.length;
    for (const d of items)
      this.options.logger.warn(
        `${this.options.groupId}: dead-lettered ${topic}[${d.partition}]@${d.message.offset}: ${d.reason}`,
      );
  }
}

/**
 * Registry outages must not dead-letter records: the registry client's HTTP errors carry `status`
 * (mappersmith ResponseError), network failures only a message. A 404 (unknown schema id) is a poison
 * record, not an outage.
 */
export const isRegistryUnavailable = (error: unknown): boolean => {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return status >= 500 || status === 429 || status === 408;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed|timeout/i.test(
    describeError(error),
  );
};
