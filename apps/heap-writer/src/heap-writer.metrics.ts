import { Counter, Gauge, type Registry } from 'prom-client';
import { counterMetric } from '@hubheap/service';

/** Outcome label of one Heap request: 2xx, refused for good (4xx), or worth retrying (429/408/5xx/timeout). */
export type HeapRequestOutcome = 'ok' | 'rejected' | 'retriable';

/**
 * heap-writer's Prometheus metrics, registered once per registry (several Nest contexts in one test
 * process share the default registry):
 * - `heap_writer_events_written_total`: events Heap answered 2xx for, counted once their batch finished
 *   (a batch retried after a 503 counts once; a replay through another group counts again);
 * - `heap_writer_events_rejected_total`: events Heap refused and that went to the dead-letter topic;
 * - `heap_writer_heap_requests_total{outcome}`: bulk-track HTTP requests;
 * - `heap_writer_heap_requests_per_event`: requests ÷ records finished (written or dead-lettered) since
 *   start, the bench's "Heap requests per event" (1/1000 at best; retries and isolation raise it);
 * - `heap_writer_status_reports_total{outcome}`: `integration.status.v1` records sent or failed to send.
 */
export class HeapWriterMetrics {
  private readonly eventsWritten: Counter;
  private readonly eventsRejected: Counter;
  private readonly requests: Counter<'outcome'>;
  private readonly requestsPerEvent: Gauge;
  private readonly statusReportsTotal: Counter<'outcome'>;
  private totals = { requests: 0, events: 0 };

  constructor(registry: Registry) {
    this.eventsWritten = counterMetric(
      registry,
      'heap_writer_events_written_total',
      'Events Heap accepted (2xx).',
    );
    this.eventsRejected = counterMetric(
      registry,
      'heap_writer_events_rejected_total',
      'Events Heap rejected, dead-lettered.',
    );
    this.requests = counterMetric(
      registry,
      'heap_writer_heap_requests_total',
      'Heap bulk-track requests by outcome.',
      ['outcome'],
    );
    this.statusReportsTotal = counterMetric(
      registry,
      'heap_writer_status_reports_total',
      'integration.status.v1 records by outcome (sent, failed).',
      ['outcome'],
    );
    this.requestsPerEvent =
      (registry.getSingleMetric('heap_writer_heap_requests_per_event') as Gauge | undefined) ??
      new Gauge({
        name: 'heap_writer_heap_requests_per_event',
        help: 'Heap requests per finished event since start (bench figure).',
        registers: [registry],
      });
  }

  /** Counts `integration.status.v1` records sent (`sent`) or not sent (`failed`). */
  statusReports(outcome: 'sent' | 'failed', count: number): void {
    this.statusReportsTotal.inc({ outcome }, count);
  }

  /** Counts one Heap request. */
  request(outcome: HeapRequestOutcome): void {
    this.requests.inc({ outcome });
    this.totals.requests += 1;
  }

  /** Counts a finished batch: `written` events accepted, `rejected` dead-lettered. */
  batch(written: number, rejected: number): void {
    this.eventsWritten.inc(written);
    this.eventsRejected.inc(rejected);
    this.totals.events += written + rejected;
    if (this.totals.events > 0) this.requestsPerEvent.set(this.totals.requests / this.totals.events);
  }

  /** Totals of this instance since start, for tests and the bench. */
  snapshot(): { requests: number; events: number; requestsPerEvent: number } {
    const { requests, events } = this.totals;
    return { requests, events, requestsPerEvent: events > 0 ? requests / events : 0 };
  }
}
