import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  describeError,
  isRetriable,
  KafkaPlatform,
  TransientError,
  type BatchOutcome,
  type ConsumedRecord,
} from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS, type HeapSegmentDelta } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
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
export class SegmentDeltasConsumer extends ConsumerAdapter<HeapSegmentDelta> {
  protected readonly logger = new Logger(SegmentDeltasConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(SEGMENT_EXPORT_CONFIG_TOKEN) private readonly config: SegmentExportConfig,
    private readonly membership: MembershipRepository,
  ) {
    super(platform);
  }

  protected consumerOptions(): ConsumerAdapterOptions<HeapSegmentDelta> {
    return { groupId: this.config.consumerGroup, topics: [HEAP_SEGMENT_DELTAS], maxBatchSize: 100 };
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
