import type { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type {
  BatchConsumer,
  BatchConsumerOptions,
  BatchHandler,
  BatchOutcome,
  ConsumedRecord,
  KafkaPlatform,
} from '@hubheap/kafka';

/** What a {@link ConsumerAdapter} consumes: group, topics and tuning (the handler is `handle`). */
export type ConsumerAdapterOptions<V> = Omit<
  BatchConsumerOptions<V>,
  'kafka' | 'producer' | 'serde' | 'logger' | 'handler'
>;

/**
 * Base of an app's Kafka adapter (a Nest provider): it starts one libs/kafka {@link BatchConsumer} on
 * application bootstrap — after every module initialised, so migrations ran and tables are open — and
 * stops it before shutdown, abandoning an in-flight batch uncommitted (libs/kafka's at-least-once
 * contract). A subclass names what it consumes in {@link consumerOptions} and decides per batch in
 * `handle`; the stream logic itself stays in plain functions the subclass calls.
 *
 * Subclasses pass the app's KafkaPlatform to `super` and declare their own `logger`.
 */
export abstract class ConsumerAdapter<V> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: Logger;
  private consumer?: BatchConsumer<V>;

  protected constructor(protected readonly platform: KafkaPlatform) {}

  /** Group, topics and tuning of the consumer; read once, at bootstrap. */
  protected abstract consumerOptions(): ConsumerAdapterOptions<V>;

  /**
   * Handles one partition's batch in offset order: return dead letters, or throw (a retriable error is
   * retried with offsets uncommitted; see libs/kafka BatchConsumer).
   */
  abstract handle(records: ConsumedRecord<V>[]): Promise<BatchOutcome<V> | void>;

  /**
   * What the consumer calls per batch: {@link handle} by default; override to use the batch context
   * (e.g. heartbeat during a long wait).
   */
  protected handleBatch(
    records: ConsumedRecord<V>[],
    _context: Parameters<BatchHandler<V>>[1],
  ): Promise<BatchOutcome<V> | void> {
    return this.handle(records);
  }

  /** Extra words for the "consuming …" log line (e.g. a coalescing window); none by default. */
  protected describe(): string {
    return '';
  }

  /** Runs after the consumer stopped at shutdown (e.g. a final metrics line); nothing by default. */
  protected async afterStop(): Promise<void> {}

  /** The running BatchConsumer (counters, pause/resume), once started. */
  get batchConsumer(): BatchConsumer<V> | undefined {
    return this.consumer;
  }

  async onApplicationBootstrap(): Promise<void> {
    const options = this.consumerOptions();
    this.consumer = await this.platform.consumer<V>({
      ...options,
      handler: (records, context) => this.handleBatch(records, context),
    });
    await this.consumer.start();
    const topics = options.topics.map((t) => t.name).join(', ');
    const extra = this.describe();
    this.logger.log(`consuming ${topics} as ${options.groupId}${extra ? `; ${extra}` : ''}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.consumer) return;
    this.logger.log(`stopping ${this.consumer.groupId} (unfinished work stays uncommitted)`);
    await this.consumer.stop();
    await this.afterStop();
  }
}
