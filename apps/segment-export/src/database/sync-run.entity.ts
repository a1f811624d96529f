import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MemberOutcome } from '../sync/list-sync.planner';
import { bigintNumber } from './column-transformers';

/** How a run was started. */
export type SyncTrigger = 'now' | 'recurring' | 'one_time';
/** `abandoned`: the process died mid-run; found and closed by the next run of the segment. */
export type SyncRunStatus = 'running' | 'completed' | 'failed' | 'abandoned';

/** `segment_export.sync_run`: one sync of a segment into its list. */
@Entity({ name: 'sync_run' })
export class SyncRunEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  @Column({ name: 'segment_id', type: 'text' })
  segmentId!: string;

  @Column({ name: 'trigger', type: 'text' })
  trigger!: SyncTrigger;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'status', type: 'text' })
  status!: SyncRunStatus;

  @Column({ name: 'list_id', type: 'text', nullable: true })
  listId!: string | null;

  /** Members by outcome, e.g. `{"added":3,"removed":1,…}`; null while running. */
  @Column({ name: 'counts', type: 'jsonb', nullable: true })
  counts!: Record<MemberOutcome, number> | null;

  /** Why a failed run failed. */
  @Column({ name: 'error', type: 'text', nullable: true })
  error!: string | null;
}
