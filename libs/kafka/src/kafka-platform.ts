import { Kafka, logLevel, Partitioners, type Admin, type Producer, type LogEntry } from 'kafkajs';
import type { TopicContract } from '@hubheap/schemas';
import { AvroSerde } from './avro-serde';
import { TypedProducer } from './typed-producer';
import { BatchConsumer, type BatchConsumerOptions } from './batch-consumer';
import { ensureTopics } from './topic-admin';
import { CompactedTable, type CompactedTableOptions } from './compacted-table';
import { commitGroupOffsets } from './group-offsets';
import type { KafkaConnectionConfig } from './kafka.config';

/** Minimal logger shape (Nest's Logger fits). */
export interface PlatformLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The one door to Kafka: owns the kafkajs client, the schema registry serde, one idempotent producer
 * and the consumers an app starts. `close()` stops consumers first, then the producer, then the admin.
 */
export class KafkaPlatform {
  readonly serde: AvroSerde;
  private readonly kafka: Kafka;
  private producerPromise?: Promise<TypedProducer>;
  private rawProducer?: Producer;
  private adminClient?: Admin;
  private adminPromise?: Promise<Admin>;
  private readonly consumers: BatchConsumer<unknown>[] = [];
  private readonly tables: CompactedTable<unknown>[] = [];

  constructor(
    readonly config: KafkaConnectionConfig,
    private readonly logger: PlatformLogger,
  ) {
    this.serde = new AvroSerde(config.registryUrl);
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => this.logKafka(entry),
      retry: { initialRetryTime: 300, retries: 8 },
    });
  }

  /** Creates missing topics (and their `.dlq`) and registers their value schemas. */
  async provision(contracts: ReadonlyArray<TopicContract<unknown>>): Promise<void> {
    await ensureTopics(await this.admin(), contracts);
    await Promise.all(contracts.map((c) => this.serde.schemaIdFor(c)));
  }

  /** The shared idempotent (acks=all, one request in flight) producer, connected on first use. */
  producer(): Promise<TypedProducer> {
    this.producerPromise ??= (async () => {
      this.rawProducer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // The idempotent producer keeps retrying (kafkajs warns that limiting retries breaks its
        // guarantees); callers that must answer in time (webhook intake) bound the wait themselves.
        retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await this.rawProducer.connect();
      return new TypedProducer(this.rawProducer, this.serde);
    })();
    this.producerPromise.catch(() => (this.producerPromise = undefined));
    return this.producerPromise;
  }

  /** A connected kafkajs admin client (offsets, topics, groups); concurrent first calls share one connect. */
  admin(): Promise<Admin> {
    this.adminPromise ??= (async () => {
      this.adminClient = this.kafka.admin();
      await this.adminClient.connect();
      return this.adminClient;
    })();
    this.adminPromise.catch(() => (this.adminPromise = undefined));
    return this.adminPromise;
  }

  /** Creates (does not start) a batch consumer; see BatchConsumer. */
  async consumer<V>(
    options: Omit<BatchConsumerOptions<V>, 'kafka' | 'producer' | 'serde' | 'logger'>,
  ): Promise<BatchConsumer<V>> {
    const consumer = new BatchConsumer<V>({
      ...options,
      kafka: this.kafka,
      producer: await this.producer(),
      serde: this.serde,
      logger: this.logger,
    });
    this.consumers.push(consumer as BatchConsumer<unknown>);
    return consumer;
  }

  /**
   * Starts a {@link CompactedTable} of a compacted topic (its own throwaway group, from the earliest
   * offset); await `table.ready()` before trusting its values. Closed by `close()`.
   * @throws kafkajs errors when the broker or the topic is unavailable.
   */
  async table<V>(
    contract: TopicContract<V>,
    options: CompactedTableOptions<V> = {},
  ): Promise<CompactedTable<V>> {
    const table = new CompactedTable<V>(
      contract,
      {
        kafka: this.kafka,
        admin: () => this.admin(),
        serde: this.serde,
        logger: this.logger,
        clientId: this.config.clientId,
      },
      options,
    );
    this.tables.push(table as CompactedTable<unknown>);
    await table.start();
    return table;
  }

  /**
   * Positions consumer group `groupId` on `topic`: its next member starts at `partitions[].offset`
   * (decimal strings). For groups with no live members; see {@link commitGroupOffsets} for errors.
   */
  commitGroupOffsets(
    groupId: string,
    topic: string,
    partitions: ReadonlyArray<{ partition: number; offset: string }>,
  ): Promise<void> {
    return commitGroupOffsets(this.kafka, groupId, topic, partitions);
  }

  /** Graceful shutdown: consumers (finishing or abandoning their batch without commit), producer, admin. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers.map((c) => c.stop()), ...this.tables.map((t) => t.close())]);
    // A connect still in flight would otherwise finish after close and leave a live client behind.
    await Promise.allSettled([this.producerPromise, this.adminPromise]);
    await this.rawProducer?.disconnect().catch(() => undefined);
    this.producerPromise = undefined;
    this.rawProducer = undefined;
    await this.adminClient?.disconnect().catch(() => undefined);
    this.adminClient = undefined;
    this.adminPromise = undefined;
  }

  private logKafka(entry: LogEntry): void {
    const text = `kafkajs ${entry.namespace}: ${entry.log.message}`;
    if (entry.level <= logLevel.ERROR) this.logger.error(text);
    else if (entry.level === logLevel.WARN) this.logger.warn(text);
    else this.logger.log(text);
  }
}
