import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError, KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS, type HeapSegmentDelta } from '@hubheap/schemas';
import { INTAKE_CONFIG, type WebhookIntakeConfig } from '../webhook-intake.config';
import { HeapSegmentMetrics } from './heap-segment.metrics';
import { decideHeapSegmentDelivery, type HeapSegmentDelivery } from './heap-segment-request.planner';

/** The HTTP answer to a Segments Sync delivery. */
export interface HeapSegmentAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Seconds Heap is asked to wait after a 503 (it retries any non-2xx anyway, heap-api.md §8.1). */
const RETRY_AFTER_SECONDS = '10';

/**
 * Accepts Heap Segments Sync pages (heap-api.md §8.1): checks them (decideHeapSegmentDelivery), produces
 * one record per page to `heap.segment-deltas.v1` and answers 200 only after Kafka acked (acks=all).
 * Kafka failing or not acking within WEBHOOK_PRODUCE_TIMEOUT_MS → 503, so Heap retries.
 *
 * Idempotency per (sync_task_id, page_number) is end to end: a re-delivered page is produced again (a
 * timed-out send may land too), and segment-export's fold ignores a page it already applied.
 */
@Injectable()
export class HeapSegmentIntakeService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HeapSegmentIntakeService.name);

  constructor(
    @Inject(INTAKE_CONFIG) private readonly config: WebhookIntakeConfig,
    @Inject(KafkaPlatform) private readonly kafka: KafkaPlatform,
    private readonly metrics: HeapSegmentMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.heapSegmentWebhooks.length === 0) {
      this.logger.warn('HEAP_SEGMENT_WEBHOOKS lists no tenant: POST /webhooks/heap/segments answers 503');
    }
  }

  /** Decides about `delivery` and, when valid, produces it. Never throws. */
  async accept(delivery: HeapSegmentDelivery): Promise<HeapSegmentAnswer> {
    const verdict = decideHeapSegmentDelivery(delivery, this.config.heapSegmentWebhooks, {
      maxAgeMs: this.config.heapSegmentMaxAgeMs,
      futureSkewMs: this.config.heapSegmentFutureSkewMs,
    });
    if (verdict.kind === 'refuse') {
      this.logger.warn(`heap segment page refused: ${verdict.status} ${verdict.error} (${verdict.reason})`);
      return this.answer(verdict.status, { error: verdict.error, reason: verdict.reason });
    }
    const { delta } = verdict;
    try {
      await this.withDeadline(this.produce(delta));
    } catch (error) {
      this.logger.error(`heap segment page not produced: ${describeError(error)}`);
      const body = { error: 'kafka_unavailable', reason: describeError(error) };
      return this.answer(503, body, { 'Retry-After': RETRY_AFTER_SECONDS });
    }
    this.logger.log(
      `heap segment ${delta.action} portal ${delta.portalId} segment ${delta.segmentId} page ${delta.pageNumber ?? '-'}/${delta.totalPages ?? '-'}: +${delta.add.length} -${delta.remove.length}`,
    );
    return this.answer(200, { status: 'ok' }, {}, delta.action);
  }

  private async produce(delta: HeapSegmentDelta): Promise<void> {
    const producer = await this.kafka.producer();
    await producer.send(HEAP_SEGMENT_DELTAS, [{ value: delta }]);
  }

  private async withDeadline(work: Promise<void>): Promise<void> {
    const ms = this.config.webhookProduceTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no Kafka ack within ${ms} ms`)), ms);
    });
    work.catch(() => undefined);
    try {
      await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private answer(
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
    producedAction?: string,
  ): HeapSegmentAnswer {
    this.metrics.answered(status, producedAction);
    return { status, body, headers };
  }
}
