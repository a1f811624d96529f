import { Counter, register, type Registry } from 'prom-client';
import { counterMetric } from '@hubheap/service';

/** Outcome of one poll of one portal. */
export type PollStatus = 'polled' | 'paused' | 'not-leader' | 'auth-error' | 'retriable-error' | 'error';

/**
 * webhook-intake's Prometheus counters on the process registry (served by `GET /metrics`). Created once per
 * registry, so several Nest apps in one test process share them:
 * - `webhook_intake_webhook_requests_total{status}`: `POST /webhooks/hubspot` answers by HTTP status;
 * - `webhook_intake_webhook_events_produced_total`: webhook events Kafka acked;
 * - `webhook_intake_email_polls_total{portal_id,status}`: poller ticks by outcome;
 * - `webhook_intake_email_events_produced_total{portal_id}`: email events Kafka acked (a re-produce after
 *   a crash counts again);
 * - `webhook_intake_email_poll_errors_total{portal_id,kind}`: failed polls (`auth`, `retriable`, `other`)
 *   and skipped malformed events (`invalid-event`).
 */
export class IntakeMetrics {
  private readonly webhookRequests: Counter<'status'>;
  private readonly webhookEvents: Counter;
  private readonly polls: Counter<'portal_id' | 'status'>;
  private readonly emailEvents: Counter<'portal_id'>;
  private readonly pollErrors: Counter<'portal_id' | 'kind'>;

  constructor(registry: Registry = register) {
    this.webhookRequests = counterMetric(
      registry,
      'webhook_intake_webhook_requests_total',
      'HubSpot webhook requests by HTTP status.',
      ['status'],
    );
    this.webhookEvents = counterMetric(
      registry,
      'webhook_intake_webhook_events_produced_total',
      'Webhook events acked by Kafka.',
    );
    this.polls = counterMetric(
      registry,
      'webhook_intake_email_polls_total',
      'Email Events polls by portal and outcome.',
      ['portal_id', 'status'],
    );
    this.emailEvents = counterMetric(
      registry,
      'webhook_intake_email_events_produced_total',
      'Email events acked by Kafka.',
      ['portal_id'],
    );
    this.pollErrors = counterMetric(
      registry,
      'webhook_intake_email_poll_errors_total',
      'Email Events poll errors by kind.',
      ['portal_id', 'kind'],
    );
  }

  webhookAnswered(status: number, producedEvents = 0): void {
    this.webhookRequests.inc({ status: String(status) });
    if (producedEvents > 0) this.webhookEvents.inc(producedEvents);
  }

  polled(portalId: number, status: PollStatus): void {
    this.polls.inc({ portal_id: String(portalId), status });
  }

  emailEventsProduced(portalId: number, count: number): void {
    if (count > 0) this.emailEvents.inc({ portal_id: String(portalId) }, count);
  }

  pollError(portalId: number, kind: 'auth' | 'retriable' | 'other' | 'invalid-event', count = 1): void {
    this.pollErrors.inc({ portal_id: String(portalId), kind }, count);
  }
}
