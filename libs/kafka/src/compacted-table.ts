import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { TopicContract } from '@hubheap/schemas';
import type { AvroSerde } from './avro-serde';
import type { PlatformLogger } from './kafka-platform';
import { describeError } from './errors';

/** Called once per key whose value changed after the table caught up; `value` undefined = tombstone. */
export type TableChangeListener<V> = (key: string, value: V | undefined, previous: V | undefined) => void;

/** Options of {@link KafkaPlatform.table}. */
export interface CompactedTableOptions<V> {
  /** First listener, registered before the consumer starts (same as calling `onChange` at once). */
  onChange?: TableChangeListener<V>;
  /** How long `ready()` waits for the catch-up (ms). Default 30 000. */
  readyTimeoutMs?: number;
  /** Longest idle fetch wait (ms), also bounds how long `close()` waits. Default 500. */
  maxWaitTimeInMs?: number;
}

/** Dependencies the platform hands to a table. */
export interface CompactedTableDeps {
  kafka: Kafka;
  admin: () => Promise<Admin>;
  serde: AvroSerde;
  logger: PlatformLogger;
  clientId: string;
}

/** Thrown by `ready()` when the table did not reach the start-time high watermarks in time. */
export class CompactedTableNotReadyError extends Error {
  readonly retriable = true;
  constructor(topic: string, timeoutMs: number, behind: string[]) {
    super(
      `${topic}: table not caught up after ${timeoutMs} ms (behind on partition ${behind.join(', ')}); is Kafka reachable?`,
    );
    this.name = 'CompactedTableNotReadyError';
  }
}

/**
 * An in-memory view of a compacted topic (Kafka Streams' GlobalKTable, without state store): reads
 * `contract.name` from the earliest offset through its own throwaway consumer group (`<clientId>.table.
 * <topic>.<host>-<pid>-<uuid>`, never committed, so every start replays the topic) and keeps the last
 * value per record key. A tombstone (null value) deletes the key. A record that does not decode is
 * logged and skipped: the key keeps its last good value.
 *
 * `ready()` resolves once every partition reached the high watermark fetched at `start()`; change
 * listeners fire only for records applied after that point (read the initial state with `values()`).
 */
export class CompactedTable<V> {
  private readonly rows = new Map<string, V>();
  private readonly listeners = new Set<TableChangeListener<V>>();
  private consumer?: Consumer;
  private startHighs = new Map<number, bigint>();
  private readonly positions = new Map<number, bigint>();
  private caughtUp = false;
  private readyPromise?: Promise<void>;
  private markReady?: () => void;
  /** Records that did not decode, since start. */
  decodeErrors = 0;

  constructor(
    private readonly contract: TopicContract<V>,
    private readonly deps: CompactedTableDeps,
    private readonly options: CompactedTableOptions<V> = {},
  ) {
    if (options.onChange) this.listeners.add(options.onChange);
  }

  /** Topic this table reads. */
  get topic(): string {
    return this.contract.name;
  }

  /**
   * Fetches the high watermarks, then starts consuming from the earliest offset in the background.
   * Idempotent. @throws kafkajs errors when the broker or the topic is unavailable.
   */
  async start(): Promise<void> {
    if (this.consumer) return;
    const offsets = await (await this.deps.admin()).fetchTopicOffsets(this.topic);
    this.startHighs = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
    for (const p of offsets) this.positions.set(p.partition, BigInt(p.low));
    this.readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));
    this.checkCaughtUp();
    const groupId = `${this.deps.clientId}.table.${this.topic}.${hostname()}-${process.pid}-${randomUUID()}`;
    const consumer = this.deps.kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 500,
      // Restarted by kafkajs after a retriable crash, unless close() has taken it away meanwhile.
      retry: { retries: 10, restartOnFailure: async () => this.consumer === consumer },
    });
    this.consumer = consumer;
    // Also fires for batches with only compacted-away or control records, so positions still advance.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      this.advance(payload.partition, payload.lastOffset),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    void consumer
      .run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) })
      .catch((error: unknown) =>
        this.deps.logger.error(`${this.topic} table: consumer stopped: ${describeError(error)}`),
      );
  }

  /**
   * Resolves once the table holds every record that was on the topic when `start()` ran.
   * @throws CompactedTableNotReadyError after `readyTimeoutMs` (default 30 s); Error when not started.
   */
  async ready(timeoutMs = this.options.readyTimeoutMs ?? 30_000): Promise<void> {
    if (!this.readyPromise) throw new Error(`${this.topic} table: ready() before start()`);
    if (this.caughtUp) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CompactedTableNotReadyError(this.topic, timeoutMs, this.behind())),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.readyPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Current value of `key`, or undefined (never written, or deleted by a tombstone). */
  get(key: string): V | undefined {
    return this.rows.get(key);
  }

  /** Every current value, in first-seen key order. */
  values(): V[] {
    return [...this.rows.values()];
  }

  /** Registers a change listener; returns a function that removes it. */
  onChange(listener: TableChangeListener<V>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Leaves the throwaway group and stops following; the last values stay readable. */
  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
  }

  private async onBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? '';
      let value: V | undefined;
      try {
        value = message.value ? await this.deps.serde.decode<V>(message.value) : undefined;
      } catch (error) {
        this.decodeErrors += 1;
        this.deps.logger.warn(
          `${this.topic} table: skipped ${batch.partition}@${message.offset} (key ${key}), keeping the last good value: ${describeError(error)}`,
        );
        continue;
      }
      this.apply(key, value);
    }
    await heartbeat();
  }

  private apply(key: string, value: V | undefined): void {
    const previous = this.rows.get(key);
    if (value === undefined) this.rows.delete(key);
    else this.rows.set(key, value);
    if (!this.caughtUp || JSON.stringify(previous) === JSON.stringify(value)) return;
    for (const listener of this.listeners) {
      try {
        listener(key, value, previous);
      } catch (error) {
        this.deps.logger.error(`${this.topic} table: change listener failed: ${describeError(error)}`);
      }
    }
  }

  private advance(partition: number, lastOffset: string): void {
    const next = BigInt(lastOffset) + 1n;
    if (next > (this.positions.get(partition) ?? -1n)) this.positions.set(partition, next);
    this.checkCaughtUp();
  }

  private behind(): string[] {
    return [...this.startHighs]
      .filter(([p, high]) => (this.positions.get(p) ?? 0n) < high)
      .map(([p, high]) => `${p} (at ${this.positions.get(p) ?? 0n} of ${high})`);
  }

  private checkCaughtUp(): void {
    if (this.caughtUp || this.behind().length > 0) return;
    this.caughtUp = true;
    this.markReady?.();
  }
}
