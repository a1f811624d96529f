import { Column, Entity, PrimaryColumn, UpdateDateColumn, type ValueTransformer } from 'typeorm';

/** Postgres `bigint` ↔ JS number (ms epochs and portal ids stay below 2^53). */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * `webhook_intake.email_poll_cursor`: where the Email Events poller of one portal stands
 * (hubspot-api.md §2.6). Times are ms since the Unix epoch.
 */
@Entity({ name: 'email_poll_cursor' })
export class EmailPollCursorEntity {
  @PrimaryColumn({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  /** Newest `created` (ms) among the events produced and committed; null before the first one. */
  @Column({ name: 'watermark', type: 'bigint', nullable: true, transformer: bigintNumber })
  watermark!: number | null;

  /** Events created before this (ms) are never polled; set once, when the row is created. */
  @Column({ name: 'start_floor', type: 'bigint', transformer: bigintNumber })
  startFloor!: number;

  /** End (ms) of the last window whose events were committed, for operators. */
  @Column({ name: 'polled_until', type: 'bigint', nullable: true, transformer: bigintNumber })
  polledUntil!: number | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
