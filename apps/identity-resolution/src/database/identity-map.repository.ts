import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { identityKey } from '../identity/identity-map';
import { tableIn } from './identity-resolution-database';

/** One Heap user's email-property value, normalised (`email` undefined = the user has none any more). */
export interface UserIdentityUpdate {
  appId: string;
  identity: string;
  email: string | undefined;
  /** When Heap had this value, ms since the Unix epoch; an older value never overwrites a newer one. */
  observedAt: number;
}

/** `heap_identities`: the email → Heap identity map of tenants with a custom email property. */
@Injectable()
export class IdentityMapRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Identities of `pairs`, keyed `<app_id>:<email>` (identity-map.ts `identityKey`). */
  async identities(pairs: ReadonlyArray<{ appId: string; email: string }>): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (pairs.length === 0) return found;
    const rows = (await this.db.query(
      `SELECT h."app_id", h."email_normalized", h."identity" FROM ${tableIn(this.db, 'heap_identities')} h
       JOIN unnest($1::text[], $2::text[]) AS p(app_id, email) ON h."app_id" = p.app_id AND h."email_normalized" = p.email`,
      [pairs.map((p) => p.appId), pairs.map((p) => p.email)],
    )) as Array<{ app_id: string; email_normalized: string; identity: string }>;
    for (const r of rows) found.set(identityKey(r.app_id, r.email_normalized), r.identity);
    return found;
  }

  /**
   * Applies feed/import values in order, idempotently: the user's previous email (another row with the
   * same identity) is removed, `(app_id, email) → identity` upserted; a value older than the stored one
   * (`observed_at`) changes nothing. @returns the `(appId, email)` pairs now mapped (to release).
   */
  async apply(updates: readonly UserIdentityUpdate[]): Promise<Array<{ appId: string; email: string }>> {
    const table = tableIn(this.db, 'heap_identities');
    const mapped: Array<{ appId: string; email: string }> = [];
    await this.db.transaction(async (m) => {
      for (const u of updates) {
        await m.query(
          `DELETE FROM ${table} WHERE "app_id" = $1 AND "identity" = $2 AND "observed_at" <= $3
             AND "email_normalized" IS DISTINCT FROM $4`,
          [u.appId, u.identity, u.observedAt, u.email ?? null],
        );
        if (u.email === undefined) continue;
        const rows = (await m.query(
          `INSERT INTO ${table} AS h ("app_id", "email_normalized", "identity", "observed_at") VALUES ($1, $2, $3, $4)
           ON CONFLICT ("app_id", "email_normalized") DO UPDATE SET "identity" = EXCLUDED."identity",
             "observed_at" = EXCLUDED."observed_at" WHERE h."observed_at" <= EXCLUDED."observed_at"
           RETURNING "identity"`,
          [u.appId, u.email, u.identity, u.observedAt],
        )) as unknown[];
        if (rows.length > 0) mapped.push({ appId: u.appId, email: u.email });
      }
    });
    return mapped;
  }
}
