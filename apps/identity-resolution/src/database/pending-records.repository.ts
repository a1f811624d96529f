import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { identityKey } from '../identity/identity-map';
import {
  type PausedRecord,
  type PendingOutput,
  type PendingRecord,
  withIdentity,
} from '../identity/pending-record';
import { tableIn } from './identity-resolution-database';

/** A stored pending record (its row id and JSON columns decoded). */
export interface StoredPendingRecord extends PendingRecord {
  id: string;
}

interface PendingRow {
  id: string;
  app_id: string;
  portal_id: string;
  email_normalized: string;
  reason: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
  output_topic: string;
  output: unknown;
  consumer_group: string;
  enqueued_at: string;
}

const fromRow = (r: PendingRow): StoredPendingRecord => ({
  id: r.id,
  appId: r.app_id,
  portalId: Number(r.portal_id),
  email: r.email_normalized,
  reason: r.reason as PendingRecord['reason'],
  origin: {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestamp: Number(r.enqueued_at),
  },
  output: { topic: r.output_topic, value: r.output } as PendingOutput,
  consumerGroup: r.consumer_group,
  enqueuedAt: Number(r.enqueued_at),
});

/**
 * `pending_records`: records waiting for a Heap identity (durable, so the input offsets can be committed
 * once a row is written). Released in original order (topic, partition, offset) under a per-email
 * advisory lock, so concurrent releasers (feed consumer, email consumer, other replicas) never reorder
 * or double-release.
 */
@Injectable()
export class PendingRecordsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Stores `records`. A record is identified by its origin coordinates (topic, partition, offset) and
   * its content (`origin_digest`, see the migration): a re-delivery is ignored, except that a
   * `source-paused` row is replaced (a released paused record that must wait for its identity becomes
   * a `no-identity` row in place, so the release does not delete it); a different record at the
   * coordinates of an old row (a re-created topic, a new cluster) is stored beside it.
   * @returns the records stored (inserted or replaced), so that metrics count a redelivery once.
   */
  async enqueue<R extends PendingRecord | PausedRecord>(records: readonly R[]): Promise<R[]> {
    if (records.length === 0) return [];
    return this.db.transaction(async (m) => {
      const stored: R[] = [];
      for (const r of records) {
        const paused = 'outputTopic' in r ? r : undefined;
        const table = tableIn(this.db, 'pending_records');
        const rows = (await m.query(
          `INSERT INTO ${table} ("app_id", "portal_id", "email_normalized", "reason",
             "topic", "partition", "offset", "key", "value", "headers", "output_topic", "output", "consumer_group",
             "enqueued_at")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT ("topic", "partition", "offset", "origin_digest") DO UPDATE SET "app_id" = EXCLUDED."app_id",
             "portal_id" = EXCLUDED."portal_id", "email_normalized" = EXCLUDED."email_normalized",
             "reason" = EXCLUDED."reason", "output_topic" = EXCLUDED."output_topic", "output" = EXCLUDED."output",
             "consumer_group" = EXCLUDED."consumer_group", "enqueued_at" = EXCLUDED."enqueued_at"
           WHERE ${table}."reason" = 'source-paused' AND EXCLUDED."reason" <> 'source-paused'
           RETURNING "id"`,
          [
            r.appId,
            r.portalId,
            paused ? '' : (r as PendingRecord).email,
            r.reason,
            r.origin.topic,
            r.origin.partition,
            r.origin.offset,
            r.origin.key,
            JSON.stringify(r.origin.value),
            JSON.stringify(r.origin.headers),
            paused ? paused.outputTopic : (r as PendingRecord).output.topic,
            paused ? 'null' : JSON.stringify((r as PendingRecord).output.value),
            r.consumerGroup,
            r.enqueuedAt,
          ],
        )) as unknown[];
        if (rows.length > 0) stored.push(r);
      }
      return stored;
    });
  }

  /** Keys `<app_id>:<email>` of `pairs` that have records waiting. */
  async waiting(pairs: ReadonlyArray<{ appId: string; email: string }>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = (await this.db.query(
      `SELECT DISTINCT r."app_id", r."email_normalized" FROM ${tableIn(this.db, 'pending_records')} r
       JOIN unnest($1::text[], $2::text[]) AS p(app_id, email) ON r."app_id" = p.app_id AND r."email_normalized" = p.email`,
      [pairs.map((p) => p.appId), pairs.map((p) => p.email)],
    )) as Array<{ app_id: string; email_normalized: string }>;
    return new Set(rows.map((r) => identityKey(r.app_id, r.email_normalized)));
  }

  /**
   * Releases the records waiting for `email` if `heap_identities` now maps it: `send` gets their outputs
   * with the identity set, in original order; the rows are deleted after `send` resolved (same
   * transaction), and contacts with that email get the identity. @returns how many were released.
   * @throws what `send` throws (rows stay, a later release retries).
   */
  async release(
    appId: string,
    email: string,
    send: (outputs: PendingOutput[]) => Promise<void>,
  ): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `identity-resolution.pending:${appId}:${email}`,
      ]);
      const [mapped] = (await m.query(
        `SELECT "identity" FROM ${tableIn(this.db, 'heap_identities')} WHERE "app_id" = $1 AND "email_normalized" = $2`,
        [appId, email],
      )) as Array<{ identity: string }>;
      if (!mapped) return 0;
      await m.query(
        `UPDATE ${tableIn(this.db, 'hubspot_contacts')} SET "identity" = $3
         WHERE "app_id" = $1 AND "email_normalized" = $2 AND "identity" IS DISTINCT FROM $3`,
        [appId, email, mapped.identity],
      );
      const rows = (await m.query(
        `SELECT * FROM ${tableIn(this.db, 'pending_records')} WHERE "app_id" = $1 AND "email_normalized" = $2
         ORDER BY "topic", "partition", "offset", "id"`,
        [appId, email],
      )) as PendingRow[];
      if (rows.length === 0) return 0;
      await send(rows.map((r) => withIdentity(fromRow(r).output, mapped.identity)));
      await m.query(`DELETE FROM ${tableIn(this.db, 'pending_records')} WHERE "id" = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  /**
   * Takes up to `limit` records enqueued before `enqueuedBefore` (ms epoch), oldest first, hands them to
   * `deadLetter` and deletes them once it resolved. Rows another sweeper holds are skipped.
   * @returns how many were taken. @throws what `deadLetter` throws (rows stay).
   */
  async takeExpired(
    enqueuedBefore: number,
    limit: number,
    deadLetter: (records: StoredPendingRecord[]) => Promise<void>,
  ): Promise<number> {
    return this.db.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT * FROM ${tableIn(this.db, 'pending_records')} WHERE "enqueued_at" < $1 AND "reason" <> 'source-paused'
         ORDER BY "enqueued_at", "topic", "partition", "offset", "id" LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [enqueuedBefore, limit],
      )) as PendingRow[];
      if (rows.length === 0) return 0;
      await deadLetter(rows.map(fromRow));
      await m.query(`DELETE FROM ${tableIn(this.db, 'pending_records')} WHERE "id" = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  /** The portals of `portalIds` that have `source-paused` records parked. */
  async pausedPortals(portalIds: readonly number[]): Promise<Set<number>> {
    if (portalIds.length === 0) return new Set();
    const rows = (await this.db.query(
      `SELECT DISTINCT "portal_id" FROM ${tableIn(this.db, 'pending_records')}
       WHERE "reason" = 'source-paused' AND "portal_id" = ANY($1::bigint[])`,
      [[...new Set(portalIds)]],
    )) as Array<{ portal_id: string }>;
    return new Set(rows.map((r) => Number(r.portal_id)));
  }

  /**
   * Takes up to `limit` `source-paused` records of `portalId` in original order (topic, partition,
   * offset) under a per-portal advisory lock (one releaser at a time across replicas), hands them to
   * `handle`, then deletes those still `source-paused` (a record `handle` re-parked as `no-identity`
   * stays). @returns how many were taken. @throws what `handle` throws (rows stay).
   */
  async takePaused(
    portalId: number,
    limit: number,
    handle: (records: StoredPendingRecord[]) => Promise<void>,
  ): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `identity-resolution.paused:${portalId}`,
      ]);
      const rows = (await m.query(
        `SELECT * FROM ${tableIn(this.db, 'pending_records')} WHERE "portal_id" = $1 AND "reason" = 'source-paused'
         ORDER BY "topic", "partition", "offset", "id" LIMIT $2`,
        [portalId, limit],
      )) as PendingRow[];
      if (rows.length === 0) return 0;
      await handle(rows.map(fromRow));
      await m.query(
        `DELETE FROM ${tableIn(this.db, 'pending_records')} WHERE "id" = ANY($1::bigint[]) AND "reason" = 'source-paused'`,
        [rows.map((r) => r.id)],
      );
      return rows.length;
    });
  }

  /** Drops every record `portalId` has parked (the tenant disconnected). @returns how many. */
  async dropPortal(portalId: number): Promise<number> {
    const result = (await this.db.query(
      `DELETE FROM ${tableIn(this.db, 'pending_records')} WHERE "portal_id" = $1 RETURNING "id"`,
      [portalId],
    )) as [unknown[], number];
    return result[1];
  }

  /** Forgets every record waiting for `email` (privacy deletion). @returns how many were removed. */
  async forget(appId: string, email: string): Promise<number> {
    const result = (await this.db.query(
      `DELETE FROM ${tableIn(this.db, 'pending_records')} WHERE "app_id" = $1 AND "email_normalized" = $2 RETURNING "id"`,
      [appId, email],
    )) as [unknown[], number];
    return result[1];
  }
}
