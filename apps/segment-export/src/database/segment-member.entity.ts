import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './column-transformers';

/** `segment_export.segment_member`: one match value of a segment, as folded from Heap pages. */
@Entity({ name: 'segment_member' })
export class SegmentMemberEntity {
  @PrimaryColumn({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  @PrimaryColumn({ name: 'segment_id', type: 'text' })
  segmentId!: string;

  /** Trimmed, lower-cased match value (`''` when Heap sent an empty one). */
  @PrimaryColumn({ name: 'match_value', type: 'text' })
  matchValue!: string;

  @Column({ name: 'present', type: 'boolean' })
  present!: boolean;

  /** Order (ms epoch) of the change that set the row; see MemberState.taskOrder. */
  @Column({ name: 'task_order', type: 'bigint', transformer: bigintNumber })
  taskOrder!: number;

  @Column({ name: 'last_sync_task_id', type: 'text', nullable: true })
  lastSyncTaskId!: string | null;

  @Column({ name: 'last_page', type: 'int', nullable: true })
  lastPage!: number | null;
}
