import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableOf } from './property-sync-database';

/** One Heap user deletion request (heap-api.md §7.2) made for a `privacy-deleted` contact change. */
export interface HeapUserDeletionRow {
  portalId: number;
  contactId: string;
  /** The change's sourceEventId: one request per change, however often it is redelivered. */
  sourceEventId: string;
  appId: string;
  identity: string;
  deletionRequestId: string;
  /** `pending` | `complete` (Heap), or `unknown` when deletion_status answered 404. */
  status: string;
  /** ms since the Unix epoch. */
  requestedAt: number;
  checkedAt: number | null;
}

interface Row {
  portal_id: string;
  contact_id: string;
  source_event_id: string;
  app_id: string;
  identity: string;
  deletion_request_id: string;
  status: string;
  requested_at: Date;
  checked_at: Date | null;
}

const fromRow = (r: Row): HeapUserDeletionRow => ({
  portalId: Number(r.portal_id),
  contactId: r.contact_id,
  sourceEventId: r.source_event_id,
  appId: r.app_id,
  identity: r.identity,
  deletionRequestId: r.deletion_request_id,
  status: r.status,
  requestedAt: r.requested_at.getTime(),
  checkedAt: r.checked_at?.getTime() ?? null,
});

/** `heap_user_deletion`: the request id and latest status of every Heap user deletion. */
@Injectable()
export class DeletionRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  private get table(): string {
    return tableOf(this.db, 'heap_user_deletion');
  }

  /** The deletion already requested for this change, if any. */
  async find(
    portalId: number,
    contactId: string,
    sourceEventId: string,
  ): Promise<HeapUserDeletionRow | undefined> {
    const rows = (await this.db.query(
      `SELECT * FROM ${this.table} WHERE "portal_id" = $1 AND "contact_id" = $2 AND "source_event_id" = $3`,
      [portalId, contactId, sourceEventId],
    )) as Row[];
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Every deletion of a contact, oldest first. */
  async forContact(portalId: number, contactId: string): Promise<HeapUserDeletionRow[]> {
    const rows = (await this.db.query(
      `SELECT * FROM ${this.table} WHERE "portal_id" = $1 AND "contact_id" = $2 ORDER BY "requested_at"`,
      [portalId, contactId],
    )) as Row[];
    return rows.map(fromRow);
  }

  /** Records a request (a redelivered change keeps the first row). */
  async insert(row: HeapUserDeletionRow): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} ("portal_id", "contact_id", "source_event_id", "app_id", "identity",
         "deletion_request_id", "status", "requested_at", "checked_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        row.portalId,
        row.contactId,
        row.sourceEventId,
        row.appId,
        row.identity,
        row.deletionRequestId,
        row.status,
        new Date(row.requestedAt),
        row.checkedAt === null ? null : new Date(row.checkedAt),
      ],
    );
  }

  /** Pending deletions, least recently checked first. */
  async pending(limit: number): Promise<HeapUserDeletionRow[]> {
    const rows = (await this.db.query(
      `SELECT * FROM ${this.table} WHERE "status" = 'pending' ORDER BY "checked_at" NULLS FIRST LIMIT $1`,
      [limit],
    )) as Row[];
    return rows.map(fromRow);
  }

  /** Stores the status deletion_status answered. */
  async updateStatus(deletionRequestId: string, status: string, checkedAt: number): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET "status" = $2, "checked_at" = $3 WHERE "deletion_request_id" = $1`,
      [deletionRequestId, status, new Date(checkedAt)],
    );
  }
}
