import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type BatchConsumer, type BatchOutcome, type ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_STATUS, type IntegrationStatus } from '@hubheap/schemas';
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
export class StatusConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StatusConsumer.name);
  private consumer?: BatchConsumer<IntegrationStatus>;

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(SourceStatusRepository) private readonly status: SourceStatusRepository,
    @Inject(STATUS_CONSUMER_GROUP) private readonly groupId: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.platform.consumer<IntegrationStatus>({
      groupId: this.groupId,
      topics: [INTEGRATION_STATUS],
      handler: (records) => this.handle(records),
    });
    await this.consumer.start();
    this.logger.log(`consuming ${INTEGRATION_STATUS.name} as ${this.groupId}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
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
