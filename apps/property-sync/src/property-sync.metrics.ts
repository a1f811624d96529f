import { Injectable } from '@nestjs/common';
import { type Counter, register } from 'prom-client';
import { counterMetric } from '@hubheap/service';

/** Why a contact change led to no Heap write. */
export type SkipMetricReason =
  | 'contact-deleted'
  | 'stale-after-deletion'
  | 'superseded-by-deletion'
  | 'deletion-without-identity'
  | 'coalesced'
  | 'not-found'
  | 'no-properties';

/**
 * property-sync's Prometheus metrics (process registry):
 * - `property_sync_users_written_total`: Heap users Heap accepted (2xx);
 * - `property_sync_changes_dead_lettered_total`: changes sent to `hubspot.contact-changes.v1.dlq`;
 * - `property_sync_changes_skipped_total{reason}`: changes that needed no write (see {@link SkipMetricReason});
 * - `property_sync_property_cache_refreshes_total`: Properties API reads;
 * - `property_sync_deletions_requested_total`: Heap user deletion requests made.
 */
@Injectable()
export class PropertySyncMetrics {
  private readonly written: Counter = counterMetric(
    register,
    'property_sync_users_written_total',
    'Heap users written.',
  );
  private readonly deadLettered: Counter = counterMetric(
    register,
    'property_sync_changes_dead_lettered_total',
    'Contact changes dead-lettered.',
  );
  private readonly skipped: Counter<'reason'> = counterMetric(
    register,
    'property_sync_changes_skipped_total',
    'Contact changes that needed no Heap write, by reason.',
    ['reason'],
  );
  private readonly refreshes: Counter = counterMetric(
    register,
    'property_sync_property_cache_refreshes_total',
    'Contact property definitions read from HubSpot.',
  );
  private readonly deletions: Counter = counterMetric(
    register,
    'property_sync_deletions_requested_total',
    'Heap user deletion requests made.',
  );
  /** Totals since start, for tests. */
  readonly totals = {
    written: 0,
    deadLettered: 0,
    skipped: {} as Partial<Record<SkipMetricReason, number>>,
    refreshes: 0,
    deletions: 0,
  };

  usersWritten(n: number): void {
    this.written.inc(n);
    this.totals.written += n;
  }

  changesDeadLettered(n: number): void {
    this.deadLettered.inc(n);
    this.totals.deadLettered += n;
  }

  changesSkipped(reason: SkipMetricReason, n = 1): void {
    if (n === 0) return;
    this.skipped.inc({ reason }, n);
    this.totals.skipped[reason] = (this.totals.skipped[reason] ?? 0) + n;
  }

  cacheRefresh(): void {
    this.refreshes.inc();
    this.totals.refreshes += 1;
  }

  deletionRequested(): void {
    this.deletions.inc();
    this.totals.deletions += 1;
  }
}
