import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { describeError, KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_WEBHOOK_EVENTS, type HubSpotWebhookEvent } from '@hubheap/schemas';
import { IntakeMetrics } from '../intake.metrics';
import { INTAKE_CONFIG, type WebhookIntakeConfig } from '../webhook-intake.config';
import { decideWebhookDelivery, HUBSPOT_MAX_BATCH, type WebhookDelivery } from './webhook-request.planner';

/** The HTTP answer to a delivery. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Seconds a sender should wait after a 503 (HubSpot uses its own retry schedule, §1.2). */
export const RETRY_AFTER_SECONDS = 10;

/**
 * Accepts HubSpot webhook deliveries (hubspot-api.md §1): checks them (decideWebhookDelivery), then
 * produces all events of a batch in one request to `hubspot.webhook-events.v1` and answers 200 only
 * after Kafka acked (acks=all). Kafka not answering within WEBHOOK_PRODUCE_TIMEOUT_MS, or failing → 503
 * with `Retry-After`, so HubSpot retries. A timed-out send may still land later, and HubSpot retries
 * any non-2xx, so consumers see duplicates (same `eventId`, higher `attemptNumber`) and must dedupe.
 */
@Injectable()
export class WebhookIntakeService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookIntakeService.name);

  constructor(
    @Inject(INTAKE_CONFIG) private readonly config: WebhookIntakeConfig,
    @Inject(KafkaPlatform) private readonly kafka: KafkaPlatform,
    private readonly metrics: IntakeMetrics,
  ) {}

  /** Connects the producer early so the first delivery does not pay for it (failures only logged). */
  onApplicationBootstrap(): void {
    if (this.config.hubspotClientSecret === undefined) {
      this.logger.warn('HUBSPOT_CLIENT_SECRET is not set: POST /webhooks/hubspot answers 503');
    }
    this.kafka
      .producer()
      .catch((error: unknown) =>
        this.logger.warn(`Kafka producer not connected yet: ${describeError(error)}`),
      );
  }

  /** Decides about `delivery` and, when valid, produces it. Never throws. */
  async accept(delivery: WebhookDelivery): Promise<WebhookAnswer> {
    const verdict = decideWebhookDelivery(delivery, {
      clientSecret: this.config.hubspotClientSecret,
      allowV1: this.config.webhookAllowV1,
      maxEvents: HUBSPOT_MAX_BATCH,
    });
    if (verdict.kind === 'refuse') {
      this.logger.warn(`webhook refused: ${verdict.status} ${verdict.error} (${verdict.reason})`);
      return this.answer(verdict.status, { error: verdict.error, reason: verdict.reason });
    }
    try {
      await this.withDeadline(this.produce(verdict.events));
    } catch (error) {
      this.logger.error(
        `webhook batch of ${verdict.events.length} event(s) not produced: ${describeError(error)}`,
      );
      return this.answer(
        503,
        { error: 'kafka_unavailable', reason: describeError(error) },
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    return this.answer(200, { accepted: verdict.events.length }, {}, verdict.events.length);
  }

  private async produce(events: HubSpotWebhookEvent[]): Promise<void> {
    const producer = await this.kafka.producer();
    await producer.send(
      HUBSPOT_WEBHOOK_EVENTS,
      events.map((value) => ({ value })),
    );
  }

  private async withDeadline(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no Kafka ack within ${this.config.webhookProduceTimeoutMs} ms`)),
        this.config.webhookProduceTimeoutMs,
      );
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
    produced = 0,
  ): WebhookAnswer {
    this.metrics.webhookAnswered(status, produced);
    return { status, body, headers };
  }
}
