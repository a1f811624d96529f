import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  describeError,
  isRetriable,
  KafkaPlatform,
  TransientError,
  type BatchConsumer,
  type BatchOutcome,
  type ConsumedRecord,
} from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS, type HeapSegmentDelta } from '@hubheap/schemas';
import { MembershipRepository } from '../database/membership.repository';
import { SEGMENT_EXPORT_CONFIG_TOKEN, type SegmentExportConfig } from '../segment-export.config';

/** Why a delta cannot be folded (dead-lettered), or undefined when it can. Pure. */
export const rejectDelta = (delta: HeapSegmentDelta): string | undefined => {
  if (delta.action !== 'sync' && delta.action !== 'drain') return `unknown action "${delta.action}"`;
  if (delta.action === 'sync' && !delta.syncTaskId) return 'sync page without syncTaskId';
  return undefined;
};

/**
 * Adapter from `heap.segment-deltas.v1` to the membership fold (segment-delta.fold.ts): each record is
 * folded in its own transaction, in partition order. The runner commits offsets only after every fold
 * of the batch committed; Postgres errors are retriable (retried, nothing committed); a record that
 * cannot be folded goes to `heap.segment-deltas.v1.dlq`. Re-delivered records fold to no change.
 */
@Injectable()
export class SegmentDeltasConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SegmentDeltasConsumer.name);
  private consumer?: BatchConsumer<HeapSegmentDelta>;

  constructor(
    @Inject(KafkaPlatform) private readonly platform: KafkaPlatform,
    @Inject(SEGMENT_EXPORT_CONFIG_TOKEN) private readonly config: SegmentExportConfig,
    private readonly membership: MembershipRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.platform.consumer<HeapSegmentDelta>({
      groupId: this.config.consumerGroup,
      topics: [HEAP_SEGMENT_DELTAS],
      maxBatchSize: 100,
      handler: (records) => this.handle(records),
    });
    await this.consumer.start();
    this.logger.log(`consuming ${HEAP_SEGMENT_DELTAS.name} as ${this.config.consumerGroup}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Folds one partition's batch; see the class doc for the error contract. */
  async handle(records: ConsumedRecord<HeapSegmentDelta>[]): Promise<BatchOutcome<HeapSegmentDelta>> {
    const deadLetters: NonNullable<BatchOutcome<HeapSegmentDelta>['deadLetters']> = [];
    for (const record of records) {
      const reason = rejectDelta(record.value);
      if (reason) {
        deadLetters.push({ record, reason });
        continue;
      }
      try {
        const changed = await this.membership.applyDelta(record.value);
        const d = record.value;
        this.logger.debug(
          `folded ${d.action} ${d.portalId}/${d.segmentId} task ${d.syncTaskId ?? '-'} page ${d.pageNumber ?? '-'}: ${changed} change(s)`,
        );
      } catch (error) {
        if (isRetriable(error)) throw error;
        throw new TransientError(`folding ${record.topic}@${record.offset} failed: ${describeError(error)}`, {
          cause: error,
        });
      }
    }
    return { deadLetters };
  }
}
