import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './column-transformers';

/**
 * `segment_export.heap_sync_task`: when the consumer first saw a Heap sync task (ms epoch, the
 * `receivedAt` of its first page processed). It orders tasks for the fold: a later task wins.
 */
@Entity({ name: 'heap_sync_task' })
export class HeapSyncTaskEntity {
  @PrimaryColumn({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  @PrimaryColumn({ name: 'segment_id', type: 'text' })
  segmentId!: string;

  @PrimaryColumn({ name: 'sync_task_id', type: 'text' })
  syncTaskId!: string;

  @Column({ name: 'first_received_at', type: 'bigint', transformer: bigintNumber })
  firstReceivedAt!: number;
}
