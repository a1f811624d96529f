import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf, tableOf } from './sql';

const hashOf = (state: string): string => createHash('sha256').update(state, 'utf8').digest('hex');

/**
 * OAuth `state` values (CSRF protection, hubspot-api.md §5.1): random, bound to one tenant, single use,
 * expiring. Only their hash is stored.
 */
@Injectable()
export class OAuthStateRepository {
  private readonly table: string;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.table = tableOf(db, 'oauth_state');
  }

  /** A new state for `tenantId` valid for `ttlMs`; expired states of any tenant are swept. */
  async create(tenantId: string, ttlMs: number): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.db.query(`DELETE FROM ${this.table} WHERE "expires_at" < now()`);
    await this.db.query(
      `INSERT INTO ${this.table} ("state_hash", "tenant_id", "expires_at") VALUES ($1, $2, now() + ($3::bigint * interval '1 millisecond'))`,
      [hashOf(state), tenantId, ttlMs],
    );
    return state;
  }

  /** Uses up `state`: the tenant it was issued for, or null when unknown, used or expired. */
  async consume(state: string): Promise<string | null> {
    const [row] = await rowsOf<{ tenant_id: string; live: boolean }>(
      this.db,
      `DELETE FROM ${this.table} WHERE "state_hash" = $1 RETURNING "tenant_id", "expires_at" > now() AS live`,
      [hashOf(state)],
    );
    return row?.live ? row.tenant_id : null;
  }
}
