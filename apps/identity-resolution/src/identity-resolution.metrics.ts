import { Counter, type Registry } from 'prom-client';
import { counterMetric } from '@hubheap/service';

/**
 * identity-resolution's Prometheus metrics, registered once per registry (several Nest contexts in
 * one test process share the default registry):
 * - `identity_resolution_track_events_produced_total`: Heap events produced to heap.track-events.v1;
 * - `identity_resolution_email_events_skipped_total{reason}`: email events deliberately not sent, by
 *   the mapper's skip reason (`filtered`, `unsupported-type`, `obsoleted`, `no-recipient`, …);
 * - `identity_resolution_email_events_dead_lettered_total`: records with no tenant;
 * - `identity_resolution_pending_enqueued_total{topic}`: records parked to wait for a Heap
 *   identity, by origin topic; `identity_resolution_pending_released_total{topic}`: released, by output topic;
 * - `identity_resolution_pending_expired_total{topic}`: records dead-lettered after PENDING_MAX_AGE_MS;
 * - `identity_resolution_contact_changes_produced_total{change}`: hubspot.contact-changes.v1 records;
 * - `identity_resolution_webhook_events_skipped_total{reason}`: webhook events not turned into a change
 *   (`not-contact`, `unchanged`, `no-email`, …);
 * - `identity_resolution_user_identities_applied_total`: feed/import values applied to the identity map.
 */
export class IdentityResolutionMetrics {
  private readonly produced: Counter;
  private readonly skippedByReason: Counter<'reason'>;
  private readonly deadLettered: Counter;
  readonly pendingEnqueued: Counter<'topic'>;
  readonly pendingReleased: Counter<'topic'>;
  readonly pendingExpired: Counter<'topic'>;
  readonly contactChanges: Counter<'change'>;
  readonly webhookSkipped: Counter<'reason'>;
  readonly userIdentitiesApplied: Counter;

  constructor(registry: Registry) {
    this.produced = counterMetric(
      registry,
      'identity_resolution_track_events_produced_total',
      'Heap track events produced.',
    );
    this.skippedByReason = counterMetric(
      registry,
      'identity_resolution_email_events_skipped_total',
      'Email events not sent to Heap, by reason.',
      ['reason'],
    );
    this.deadLettered = counterMetric(
      registry,
      'identity_resolution_email_events_dead_lettered_total',
      'Email events without a tenant.',
    );
    this.pendingEnqueued = counterMetric(
      registry,
      'identity_resolution_pending_enqueued_total',
      "Records parked until their email has a Heap identity or their tenant's source is switched on, by origin topic (a redelivered record counts once).",
      ['topic'],
    );
    this.pendingReleased = counterMetric(
      registry,
      'identity_resolution_pending_released_total',
      'Parked records released once the Heap identity arrived, by output topic.',
      ['topic'],
    );
    this.pendingExpired = counterMetric(
      registry,
      'identity_resolution_pending_expired_total',
      'Parked records dead-lettered after PENDING_MAX_AGE_MS without a Heap identity, by origin topic.',
      ['topic'],
    );
    this.contactChanges = counterMetric(
      registry,
      'identity_resolution_contact_changes_produced_total',
      'Contact changes produced to hubspot.contact-changes.v1, by change.',
      ['change'],
    );
    this.webhookSkipped = counterMetric(
      registry,
      'identity_resolution_webhook_events_skipped_total',
      'HubSpot webhook events that produced no contact change, by reason.',
      ['reason'],
    );
    this.userIdentitiesApplied = counterMetric(
      registry,
      'identity_resolution_user_identities_applied_total',
      'Heap user identity values applied to the email → identity map.',
    );
  }

  /** Counts one handled batch. */
  batch(produced: number, skipReasons: readonly string[], deadLettered: number): void {
    this.produced.inc(produced);
    for (const reason of skipReasons) this.skippedByReason.inc({ reason });
    this.deadLettered.inc(deadLettered);
  }

  /** Counts track events produced outside a batch (released from pending_records). */
  trackProduced(count: number): void {
    this.produced.inc(count);
  }
}
