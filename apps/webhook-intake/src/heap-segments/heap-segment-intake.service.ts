import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HeapCredentialsUnavailableError, type HeapCredentialsProvider } from '@hubheap/heap';
import { describeError, KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS, type HeapSegmentDelta } from '@hubheap/schemas';
import { TenantSettings } from '@hubheap/service';
import { HEAP_CREDENTIALS, INTAKE_CONFIG, type WebhookIntakeConfig } from '../webhook-intake.config';
import { HeapSegmentMetrics } from './heap-segment.metrics';
import {
  decideHeapSegmentDelivery,
  type HeapSegmentDelivery,
  type HeapSegmentTenantLookup,
} from './heap-segment-request.planner';
import type { HeapSegmentWebhookTenant } from './heap-segment-tenants';

/** The HTTP answer to a Segments Sync delivery. */
export interface HeapSegmentAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Seconds Heap is asked to wait after a 503 (it retries any non-2xx anyway, heap-api.md §8.1). */
const RETRY_AFTER_SECONDS = '10';

/** Longest wait for the tenant settings (integration.settings.v1) to be loaded before answering 503 (ms). */
const SETTINGS_READY_TIMEOUT_MS = 1_000;

/**
 * Accepts Heap Segments Sync pages (heap-api.md §8.1): checks them (decideHeapSegmentDelivery), produces
 * one record per page to `heap.segment-deltas.v1` and answers 200 only after Kafka acked (acks=all).
 * Kafka failing or not acking within WEBHOOK_PRODUCE_TIMEOUT_MS → 503, so Heap retries.
 *
 * Idempotency per (sync_task_id, page_number) is end to end: a re-delivered page is produced again (a
 * timed-out send may land too), and segment-export's fold ignores a page it already applied.
 *
 * Secrets (HEAP_CREDENTIALS_SOURCE): `config` → HEAP_SEGMENT_WEBHOOKS; `control-api` → the Segments Sync
 * secret of every connected portal of the tenant settings (SETTINGS_SOURCE), each from control-api's
 * `/internal/portals/:portalId/heap-segments-secret` (cached 60 s by the provider). Secrets are never
 * logged or put in an answer.
 */
@Injectable()
export class HeapSegmentIntakeService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HeapSegmentIntakeService.name);

  constructor(
    @Inject(INTAKE_CONFIG) private readonly config: WebhookIntakeConfig,
    @Inject(KafkaPlatform) private readonly kafka: KafkaPlatform,
    private readonly metrics: HeapSegmentMetrics,
    @Inject(TenantSettings) private readonly settings: TenantSettings,
    @Inject(HEAP_CREDENTIALS) private readonly credentials: HeapCredentialsProvider,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.heapCredentialsSource === 'config' && this.config.heapSegmentWebhooks.length === 0) {
      this.logger.warn('HEAP_SEGMENT_WEBHOOKS lists no tenant: POST /webhooks/heap/segments answers 503');
    }
  }

  /** Decides about `delivery` and, when valid, produces it. Never throws. */
  async accept(delivery: HeapSegmentDelivery): Promise<HeapSegmentAnswer> {
    const { tenants, lookup } = await this.candidates();
    const window = {
      maxAgeMs: this.config.heapSegmentMaxAgeMs,
      futureSkewMs: this.config.heapSegmentFutureSkewMs,
    };
    const verdict = decideHeapSegmentDelivery(delivery, tenants, window, lookup);
    if (verdict.kind === 'refuse' && verdict.error === 'control_api_unavailable') {
      this.logger.warn(`heap segment page refused: 503 (${verdict.reason})`);
      return this.answer(
        503,
        { error: verdict.error, reason: verdict.reason },
        { 'Retry-After': RETRY_AFTER_SECONDS },
      );
    }
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

  /**
   * The tenants a delivery may belong to, with their secrets. `control-api`: every connected portal whose
   * secret control-api returned; a 404 (no secret) leaves the portal out; any other failure (control-api
   * down, 5xx, INTERNAL_API_KEY refused, settings not loaded yet) is listed in `lookup.unavailable`.
   * Never throws.
   */
  private async candidates(): Promise<{
    tenants: ReadonlyArray<HeapSegmentWebhookTenant>;
    lookup: HeapSegmentTenantLookup;
  }> {
    if (this.config.heapCredentialsSource === 'config') {
      return { tenants: this.config.heapSegmentWebhooks, lookup: { source: 'config' } };
    }
    try {
      await this.settings.ready(SETTINGS_READY_TIMEOUT_MS);
    } catch (error) {
      const why = `tenant settings not loaded yet (${describeError(error)})`;
      return { tenants: [], lookup: { source: 'control-api', unavailable: [why] } };
    }
    const portals = this.settings.all().filter((s) => this.settings.isConnected(s.portalId));
    const answers = await Promise.allSettled(portals.map((s) => this.credentials.segmentsSecret(s.portalId)));
    const tenants: HeapSegmentWebhookTenant[] = [];
    const unavailable: string[] = [];
    answers.forEach((answer, i) => {
      const { portalId, heapAppId } = portals[i]!;
      if (answer.status === 'fulfilled') {
        tenants.push({ secret: answer.value, portalId, heapAppId: heapAppId === '' ? undefined : heapAppId });
      } else if (!(answer.reason instanceof HeapCredentialsUnavailableError && answer.reason.missing)) {
        unavailable.push(answer.reason instanceof Error ? answer.reason.message : String(answer.reason));
      }
    });
    return { tenants, lookup: { source: 'control-api', unavailable } };
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
