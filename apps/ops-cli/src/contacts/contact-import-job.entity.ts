import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** Postgres `bigint` ↔ JS number (ms epochs, portal ids and counts stay below 2^53). */
const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** Lifecycle of a contact import job. `running` is also what a killed run leaves behind. */
export type ContactImportJobStatus = 'running' | 'completed' | 'failed';

/**
 * `ops_cli.contact_import_job`: one contact backfill of a portal (`import contacts`) and how far it got.
 * The cursor is HubSpot's list `after` (or, with `since_ms`, the last hs_object_id read); every contact
 * before it is on `hubspot.webhook-events.v1` (acked). Rows are kept as an audit trail.
 */
@Entity({ name: 'contact_import_job' })
export class ContactImportJobEntity {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id!: string;

  @Column({ name: 'portal_id', type: 'bigint', transformer: bigintNumber })
  portalId!: number;

  /** `--since` (ms epoch), null = every contact. */
  @Column({ name: 'since_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  sinceMs!: number | null;

  /** Resume cursor; null = start from the first page (or, on a completed job, nothing left). */
  @Column({ name: 'after_cursor', type: 'text', nullable: true })
  afterCursor!: string | null;

  /** Pages committed. */
  @Column({ name: 'pages', type: 'integer' })
  pages!: number;

  /** Contacts HubSpot returned, over every committed page. */
  @Column({ name: 'read', type: 'bigint', transformer: bigintNumber })
  read!: number;

  /** Records acked by Kafka. */
  @Column({ name: 'emitted', type: 'bigint', transformer: bigintNumber })
  emitted!: number;

  /** Contacts skipped because they have no email. */
  @Column({ name: 'without_email', type: 'bigint', transformer: bigintNumber })
  withoutEmail!: number;

  /** Contacts HubSpot counted when the job started (search `total`); null when unknown. */
  @Column({ name: 'total', type: 'bigint', nullable: true, transformer: bigintNumber })
  total!: number | null;

  @Column({ name: 'status', type: 'text' })
  status!: ContactImportJobStatus;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
