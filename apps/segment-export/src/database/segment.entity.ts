import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SyncMode } from '../sync/sync-mode.rules';
import { bigintNumber } from './column-transformers';

/** `segment_export.segment`: one Heap segment of a tenant, its HubSpot list and its sync schedule. */
@Entity({ name: 'segment' })
export class SegmentEntity {
  @PrimaryColumn({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  /** Heap segment id (int64 as a decimal string). */
  @PrimaryColumn({ name: 'segment_id', type: 'text' })
  segmentId!: string;

  /** Latest name Heap sent; null until a page carried one. */
  @Column({ name: 'name', type: 'text', nullable: true })
  name!: string | null;

  @Column({ name: 'sync_mode', type: 'text', default: 'off' })
  syncMode!: SyncMode;

  /** HubSpot ILS list id (string, hubspot-api.md §4); null before the first sync. */
  @Column({ name: 'list_id', type: 'text', nullable: true })
  listId!: string | null;

  /** End of the last completed sync. */
  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true })
  lastSyncAt!: Date | null;

  /** When the scheduler runs the next sync; null = none planned. */
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true })
  nextSyncAt!: Date | null;

  /** Since when the segment is recurring (null unless recurring). */
  @Column({ name: 'recurring_since', type: 'timestamptz', nullable: true })
  recurringSince!: Date | null;

  /** `receivedAt` (ms epoch) of the latest drain folded in (segment-delta.fold.ts). */
  @Column({ name: 'drained_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  drainedAt!: number | null;
}
