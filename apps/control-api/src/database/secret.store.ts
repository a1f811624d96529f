import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox, SecretDecryptError, type SealedSecret } from '../crypto/secret-box';
import type { SecretKind } from '../tenants/tenant.model';
import { type Queryable, rowsOf, tableOf } from './sql';

interface SecretRow {
  tenant_id: string;
  kind: SecretKind;
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const contextOf = (tenantId: string, kind: SecretKind): string => `${tenantId}:${kind}`;
const sealedOf = (r: SecretRow): SealedSecret => ({
  keyId: r.key_id,
  iv: r.iv,
  tag: r.tag,
  ciphertext: r.ciphertext,
});

/**
 * Encrypted secrets per tenant (table `secret`: ciphertext, iv, tag, key id; AES-256-GCM with the
 * tenant and kind as additional data, see SecretBox). Plaintext exists only in memory of the call.
 */
@Injectable()
export class SecretStore {
  private readonly table: string;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {
    this.table = tableOf(db, 'secret');
  }

  /** Encrypts and stores (replaces) one secret. */
  async put(tenantId: string, kind: SecretKind, value: string, q: Queryable = this.db): Promise<void> {
    const s = this.box.seal(value, contextOf(tenantId, kind));
    await q.query(
      `INSERT INTO ${this.table} ("tenant_id", "kind", "key_id", "iv", "tag", "ciphertext") VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("tenant_id", "kind") DO UPDATE SET "key_id" = $3, "iv" = $4, "tag" = $5, "ciphertext" = $6, "updated_at" = now()`,
      [tenantId, kind, s.keyId, s.iv, s.tag, s.ciphertext],
    );
  }

  /** The decrypted secret, or null when none is stored. @throws SecretDecryptError (unknown key, tampering). */
  async get(tenantId: string, kind: SecretKind, q: Queryable = this.db): Promise<string | null> {
    const [row] = await rowsOf<SecretRow>(
      q,
      `SELECT * FROM ${this.table} WHERE "tenant_id" = $1 AND "kind" = $2`,
      [tenantId, kind],
    );
    return row ? this.box.open(sealedOf(row), contextOf(tenantId, kind)) : null;
  }

  /** Deletes the given kinds (all when omitted); returns the kinds that existed. */
  async delete(tenantId: string, kinds?: SecretKind[], q: Queryable = this.db): Promise<SecretKind[]> {
    const rows = await rowsOf<{ kind: SecretKind }>(
      q,
      `DELETE FROM ${this.table} WHERE "tenant_id" = $1 AND ($2::text[] IS NULL OR "kind" = ANY($2::text[])) RETURNING "kind"`,
      [tenantId, kinds ?? null],
    );
    return rows.map((r) => r.kind).sort();
  }

  /**
   * Key rotation: re-encrypts every secret not sealed with the current key (first of SECRET_KEYS).
   * Run after putting a new key first; remove old keys once this returned `reencrypted: 0` and no
   * `unreadable` row on every replica. A row that no configured key opens (its key was removed, or it
   * was written by a deployment with other keys) is not touched: it is reported in `unreadable` (tenant,
   * kind, key id — never a value) so an admin can re-enter that secret; it does not stop the others.
   */
  async rotate(): Promise<{ reencrypted: number; unreadable: UnreadableSecret[] }> {
    const stale = await rowsOf<SecretRow>(this.db, `SELECT * FROM ${this.table} WHERE "key_id" <> $1`, [
      this.box.currentKeyId,
    ]);
    let reencrypted = 0;
    const unreadable: UnreadableSecret[] = [];
    for (const row of stale) {
      let value: string;
      try {
        value = this.box.open(sealedOf(row), contextOf(row.tenant_id, row.kind));
      } catch (error) {
        if (!(error instanceof SecretDecryptError)) throw error;
        unreadable.push({ tenantId: row.tenant_id, kind: row.kind, keyId: row.key_id });
        continue;
      }
      await this.put(row.tenant_id, row.kind, value);
      reencrypted += 1;
    }
    return { reencrypted, unreadable };
  }
}

/** A stored secret no configured key decrypts (see {@link SecretStore.rotate}). */
export interface UnreadableSecret {
  tenantId: string;
  kind: SecretKind;
  keyId: string;
}
