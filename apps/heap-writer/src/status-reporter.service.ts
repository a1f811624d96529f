import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { describeError, KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_STATUS, type IntegrationStatus } from '@hubheap/schemas';
import { HeapWriterMetrics } from './heap-writer.metrics';
import { StatusReportPlanner } from './status-report.planner';

/** Injection token of the report interval (ms). */
export const STATUS_REPORT_INTERVAL_MS = Symbol('STATUS_REPORT_INTERVAL_MS');

/**
 * Produces heap-writer's `integration.status.v1` reports (see {@link StatusReportPlanner} for when).
 * Sends run in the background, one at a time: a failed or slow send never fails, delays or re-runs the
 * Heap write; it is logged, counted (`heap_writer_status_reports_total{outcome="failed"}`) and its
 * counts are reported with the next send. A timer flushes writes that wait for their interval; shutdown
 * sends whatever is pending.
 */
@Injectable()
export class StatusReporter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StatusReporter.name);
  private readonly planner: StatusReportPlanner;
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(HeapWriterMetrics) private readonly metrics: HeapWriterMetrics,
    @Inject(STATUS_REPORT_INTERVAL_MS) intervalMs: number,
  ) {
    this.planner = new StatusReportPlanner(intervalMs, `${hostname()}:${process.pid}`);
    this.timer = setInterval(() => this.flush(), Math.max(1_000, Math.floor(intervalMs / 2)));
    this.timer.unref();
  }

  /** Notes events Heap answered 2xx for (one entry per event) and sends the reports due now. */
  written(events: ReadonlyArray<{ portalId: number; appId: string }>): void {
    if (events.length === 0) return;
    this.planner.written(events, Date.now());
    this.flush();
  }

  /** Sends the reports due now after the previous send finished; never rejects. */
  flush(): Promise<void> {
    this.sending = this.sending.then(() => this.send(this.planner.due(Date.now())));
    return this.sending;
  }

  /** Sends every pending report, interval or not, while the producer is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.sending = this.sending.then(() => this.send(this.planner.due(Number.MAX_SAFE_INTEGER)));
    await this.sending;
  }

  private async send(reports: IntegrationStatus[]): Promise<void> {
    if (reports.length === 0) return;
    try {
      await (
        await this.platform.producer()
      ).send(
        INTEGRATION_STATUS,
        reports.map((value) => ({ value })),
      );
      this.metrics.statusReports('sent', reports.length);
    } catch (error) {
      this.planner.requeue(reports);
      this.metrics.statusReports('failed', reports.length);
      this.logger.warn(
        `could not report ${reports.length} tenant status(es) on ${INTEGRATION_STATUS.name}; retrying with the next report: ${describeError(error)}`,
      );
    }
  }
}
