import { Inject, Injectable, Logger } from '@nestjs/common';
import { type BatchOutcome, type ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_STATUS, type IntegrationStatus } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
import { SourceStatusRepository } from '../database/source-status.repository';
import { foldStatusReports, invalidStatusReport } from './status.fold';

/** Injection token of the status consumer group id (CONSUMER_GROUP). */
export const STATUS_CONSUMER_GROUP = Symbol('STATUS_CONSUMER_GROUP');

/**
 * Adapter from `integration.status.v1` (heap-writer's reports) to table `source_status`: each batch is
 * folded per (portalId, app_id) and added; offsets are committed by the BatchConsumer only after the
 * rows are written (a Postgres error is retried, offsets uncommitted). The first report of a pairing
 * turns its source status from "Waiting for data" into "Connected".
 */
@Injectable()
export class StatusConsumer extends ConsumerAdapter<IntegrationStatus> {
  protected readonly logger = new Logger(StatusConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(SourceStatusRepository) private readonly status: SourceStatusRepository,
    @Inject(STATUS_CONSUMER_GROUP) private readonly groupId: string,
  ) {
    super(platform);
  }

  protected consumerOptions(): ConsumerAdapterOptions<IntegrationStatus> {
    return { groupId: this.groupId, topics: [INTEGRATION_STATUS] };
  }

  /**
   * Folds and stores one batch; an impossible report (see invalidStatusReport) is dead-lettered,
   * Postgres errors are marked retriable so the batch is retried.
   */
  async handle(records: ConsumedRecord<IntegrationStatus>[]): Promise<BatchOutcome<IntegrationStatus>> {
    const deadLetters = records.flatMap((record) => {
      const reason = invalidStatusReport(record.value);
      return reason ? [{ record, reason }] : [];
    });
    const good = records.filter((r) => !deadLetters.some((d) => d.record === r));
    try {
      await this.status.apply(foldStatusReports(good.map((r) => r.value)));
    } catch (error) {
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { retriable: true });
    }
    return { deadLetters };
  }
}
