import { register, type Counter, type Registry } from 'prom-client';
import { counterMetric } from '@hubheap/service';

/**
 * Counters of `POST /webhooks/heap/segments` on the process registry (served by `GET /metrics`):
 * - `webhook_intake_heap_segment_requests_total{status}`: answers by HTTP status;
 * - `webhook_intake_heap_segment_pages_produced_total{action}`: deltas Kafka acked (a Heap retry counts again).
 */
export class HeapSegmentMetrics {
  private readonly requests: Counter<'status'>;
  private readonly pages: Counter<'action'>;

  constructor(registry: Registry = register) {
    this.requests = counterMetric(
      registry,
      'webhook_intake_heap_segment_requests_total',
      'Heap Segments Sync requests by HTTP status.',
      ['status'],
    );
    this.pages = counterMetric(
      registry,
      'webhook_intake_heap_segment_pages_produced_total',
      'Heap segment pages acked by Kafka, by action.',
      ['action'],
    );
  }

  answered(status: number, producedAction?: string): void {
    this.requests.inc({ status: String(status) });
    if (producedAction) this.pages.inc({ action: producedAction });
  }
}
