import { Counter, type Registry } from 'prom-client';
import { counterMetric } from '@hubheap/service';

/**
 * identity-resolution's Prometheus metrics, registered once per registry (several Nest contexts in
 * one test process share the default registry):
 * - `identity_resolution_track_events_produced_total`: Heap events produced to heap.track-events.v1;
 * - `identity_resolution_email_events_skipped_total{reason}`: email events deliberately not sent, by
 *   the mapper's skip reason (`filtered`, `unsupported-type`, `obsoleted`, `no-recipient`, …);
 * - `identity_resolution_email_events_dead_lettered_total`: records with no tenant.
 */
export class IdentityResolutionMetrics {
  private readonly produced: Counter;
  private readonly skippedByReason: Counter<'reason'>;
  private readonly deadLettered: Counter;

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
  }

  /** Counts one handled batch. */
  batch(produced: number, skipReasons: readonly string[], deadLettered: number): void {
    this.produced.inc(produced);
    for (const reason of skipReasons) this.skippedByReason.inc({ reason });
    this.deadLettered.inc(deadLettered);
  }
}
