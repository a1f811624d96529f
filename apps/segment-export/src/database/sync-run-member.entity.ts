import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MemberOutcome } from '../sync/list-sync.planner';

/** `segment_export.sync_run_member`: the outcome of one member (or removed contact) in a run. */
@Entity({ name: 'sync_run_member' })
export class SyncRunMemberEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  /** Position in the run's report (0-based), the paging key. */
  @PrimaryColumn({ name: 'seq', type: 'int' })
  seq!: number;

  /** Normalised match value; null for a contact removed from the list (its value is not known). */
  @Column({ name: 'match_value', type: 'text', nullable: true })
  matchValue!: string | null;

  @Column({ name: 'contact_id', type: 'text', nullable: true })
  contactId!: string | null;

  @Column({ name: 'outcome', type: 'text' })
  outcome!: MemberOutcome;

  @Column({ name: 'reason', type: 'text', nullable: true })
  reason!: string | null;
}
