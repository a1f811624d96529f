import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type BatchConsumer, type BatchOutcome, type ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { HEAP_TRACK_EVENTS, HUBSPOT_EMAIL_EVENTS, type HubSpotEmailEvent } from '@hubheap/schemas';
import { planEmailEvents } from './email-events.handler';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import type { TenantDirectory } from './tenants.config';

/** Injection token of {@link EmailEventsConsumerOptions}. */
export const EMAIL_EVENTS_CONSUMER_OPTIONS = Symbol('EMAIL_EVENTS_CONSUMER_OPTIONS');

/** How the email-events consumer joins Kafka and which tenants it serves. */
export interface EmailEventsConsumerOptions {
  /** Consumer group; `identity-resolution.email-events` in production, a unique one for replays and tests. */
  groupId: string;
  tenants: TenantDirectory;
  /** Records per handler call; default 1000. */
  maxBatchSize?: number;
}

/**
 * Adapter from `hubspot.email-events.v1` to `heap.track-events.v1`. Each batch of one partition is
 * planned by {@link planEmailEvents}; the track events are produced in one send that resolves after
 * Kafka acked them (acks=all), and only then does the libs/kafka runner commit the input offsets, so
 * a crash repeats work (Heap drops repeats by idempotency key) but never loses it. Records without a
 * tenant are returned as dead letters; skips are counted per reason and logged at debug.
 * A failed send (kafkajs errors are `retriable`) is retried by the runner with offsets uncommitted.
 */
@Injectable()
export class EmailEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailEventsConsumer.name);
  private consumer?: BatchConsumer<HubSpotEmailEvent>;

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(IdentityResolutionMetrics) private readonly metrics: IdentityResolutionMetrics,
    @Inject(EMAIL_EVENTS_CONSUMER_OPTIONS) private readonly options: EmailEventsConsumerOptions,
  ) {}

  /** The running BatchConsumer (counters, pause/resume), once started. */
  get batchConsumer(): BatchConsumer<HubSpotEmailEvent> | undefined {
    return this.consumer;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.platform.consumer<HubSpotEmailEvent>({
      groupId: this.options.groupId,
      topics: [HUBSPOT_EMAIL_EVENTS],
      maxBatchSize: this.options.maxBatchSize ?? 1000,
      handler: (records) => this.handle(records),
    });
    await this.consumer.start();
    const portals = [...this.options.tenants.byPortal.keys()].join(', ') || 'none';
    this.logger.log(`consuming ${HUBSPOT_EMAIL_EVENTS.name} as ${this.options.groupId}; tenants: ${portals}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.consumer) return;
    this.logger.log(`stopping ${this.options.groupId} (unfinished work stays uncommitted)`);
    await this.consumer.stop();
  }

  /** Plans one partition's batch, produces its track events, returns its dead letters. */
  async handle(records: ConsumedRecord<HubSpotEmailEvent>[]): Promise<BatchOutcome<HubSpotEmailEvent>> {
    const plan = planEmailEvents(records, this.options.tenants);
    const producer = await this.platform.producer();
    await producer.send(
      HEAP_TRACK_EVENTS,
      plan.track.map((value) => ({ value })),
    );
    this.metrics.batch(
      plan.track.length,
      plan.skipped.map((s) => s.reason),
      plan.deadLetters.length,
    );
    for (const { record, reason } of plan.skipped) {
      this.logger.debug(
        `skipped ${record.topic}[${record.partition}]@${record.offset} (portal ${record.value.portalId}, event ${record.value.id}): ${reason}`,
      );
    }
    return { deadLetters: plan.deadLetters };
  }
}
