import { Inject, Injectable, Logger } from '@nestjs/common';
import { HeapClient, HeapRejectedError } from '@hubheap/heap';
import { type BatchOutcome, type ConsumedRecord, isRetriable, KafkaPlatform } from '@hubheap/kafka';
import { HEAP_TRACK_EVENTS, type HeapTrackEvent } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
import { HeapWriterMetrics } from './heap-writer.metrics';
import { StatusReporter } from './status-reporter.service';
import { writeTrackEvents } from './track-events.handler';

/** Injection token of {@link TrackEventsConsumerOptions}. */
export const TRACK_EVENTS_CONSUMER_OPTIONS = Symbol('TRACK_EVENTS_CONSUMER_OPTIONS');

/** How the track-events consumer joins Kafka. */
export interface TrackEventsConsumerOptions {
  /** Consumer group; `heap-writer.track-events` in production, a unique one for replays and tests. */
  groupId: string;
  /** Records per handler call (default 1000 = one full Heap bulk request, heap-api.md §3). */
  maxBatchSize?: number;
}

/**
 * Adapter from `heap.track-events.v1` to Heap bulk track (heap-api.md §3, §11). Each batch of one
 * partition goes through {@link writeTrackEvents}; the runner in libs/kafka commits the offsets only
 * after it returned, i.e. after Heap answered 2xx for every event or the event is on
 * `heap.track-events.v1.dlq` (reason header `x-dlq-reason` = Heap's 400 body). A retriable Heap error
 * (429, 408, 5xx, timeout) is rethrown: the runner backs off and retries, offsets uncommitted.
 * Events Heap accepted are handed to the {@link StatusReporter} (`integration.status.v1`, in the background).
 * Starts on application bootstrap, stops (abandoning an in-flight retry, uncommitted) before shutdown.
 */
@Injectable()
export class TrackEventsConsumer extends ConsumerAdapter<HeapTrackEvent> {
  protected readonly logger = new Logger(TrackEventsConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(HeapClient) private readonly heap: HeapClient,
    @Inject(HeapWriterMetrics) private readonly metrics: HeapWriterMetrics,
    @Inject(TRACK_EVENTS_CONSUMER_OPTIONS) private readonly options: TrackEventsConsumerOptions,
    @Inject(StatusReporter) private readonly status: StatusReporter,
  ) {
    super(platform);
  }

  protected consumerOptions(): ConsumerAdapterOptions<HeapTrackEvent> {
    return {
      groupId: this.options.groupId,
      topics: [HEAP_TRACK_EVENTS],
      maxBatchSize: this.options.maxBatchSize ?? 1000,
    };
  }

  /** Logs the run's Heap request economy once the consumer stopped. */
  protected override async afterStop(): Promise<void> {
    const { events, requests, requestsPerEvent } = this.metrics.snapshot();
    this.logger.log(
      `wrote ${events} events in ${requests} Heap requests (${requestsPerEvent.toFixed(4)} requests per event)`,
    );
  }

  /** Writes one partition's batch to Heap; see the class doc for the error contract. */
  async handle(records: ConsumedRecord<HeapTrackEvent>[]): Promise<BatchOutcome<HeapTrackEvent>> {
    const outcome = await writeTrackEvents(records, (appId, events) => this.send(appId, events));
    this.metrics.batch(outcome.written, outcome.deadLetters.length);
    const rejected = new Set(outcome.deadLetters.map((d) => `${d.record.partition}@${d.record.offset}`));
    this.status.written(
      records.filter((r) => !rejected.has(`${r.partition}@${r.offset}`)).map((r) => r.value),
    );
    this.logger.debug(`wrote ${outcome.written} events, rejected ${outcome.deadLetters.length}`);
    return { deadLetters: outcome.deadLetters };
  }

  private async send(appId: string, events: HeapTrackEvent[]): Promise<void> {
    try {
      await this.heap.bulkTrack(appId, events);
      this.metrics.request('ok');
    } catch (error) {
      if (error instanceof HeapRejectedError) this.metrics.request('rejected');
      else if (isRetriable(error)) this.metrics.request('retriable');
      throw error;
    }
  }
}
