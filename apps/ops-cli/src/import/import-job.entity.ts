import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** Postgres `bigint` ↔ JS number (ms epochs, portal ids and counts stay below 2^53). */
const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** Lifecycle of an import job. `running` is also what a crashed import leaves behind. */
export type ImportJobStatus = 'running' | 'completed' | 'failed';

/**
 * `ops_cli.import_job`: one historical email-event import and how far it got. Times in `*_ms` columns
 * are ms since the Unix epoch; the range is [from_ms, to_ms). Rows are kept as an audit trail.
 */
@Entity({ name: 'import_job' })
export class ImportJobEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  @Column({ name: 'from_ms', type: 'bigint', transformer: bigintNumber })
  fromMs!: number;

  @Column({ name: 'to_ms', type: 'bigint', transformer: bigintNumber })
  toMs!: number;

  /** Grid window length (ms). */
  @Column({ name: 'window_ms', type: 'bigint', transformer: bigintNumber })
  windowMs!: number;

  /** Resume point (ms epoch): every event created before it is on Kafka (acked). */
  @Column({ name: 'next_window_start', type: 'bigint', transformer: bigintNumber })
  nextWindowStart!: number;

  /** Events HubSpot returned, over every committed window. */
  @Column({ name: 'fetched', type: 'bigint', transformer: bigintNumber })
  fetched!: number;

  /** Records acked by Kafka on `hubspot.email-events.v1`. */
  @Column({ name: 'produced', type: 'bigint', transformer: bigintNumber })
  produced!: number;

  /** Grid windows fully committed. */
  @Column({ name: 'windows_done', type: 'integer' })
  windowsDone!: number;

  /** Produced records per email event `type` (`UNKNOWN` when absent). */
  @Column({ name: 'type_counts', type: 'jsonb' })
  typeCounts!: Record<string, number>;

  @Column({ name: 'status', type: 'text' })
  status!: ImportJobStatus;

  /** Message of the error that failed the job; null otherwise. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
