import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal, Role } from '../auth/access.rules';
import { generateApiKey, hashApiKey } from '../auth/api-key';
import { rowsOf, tableOf } from './sql';

interface ApiKeyRow {
  id: string;
  role: Role;
  tenants: string[];
}

/** API keys (table `api_key`): only the SHA-256 of a key is stored; the key is returned once. */
@Injectable()
export class ApiKeyRepository {
  private readonly table: string;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.table = tableOf(db, 'api_key');
  }

  /** Creates a key; `tenants` `['*']` = every tenant. Returns the id and the key (shown once). */
  async create(input: {
    role: Role;
    tenants: string[];
    label?: string;
  }): Promise<{ id: string; key: string }> {
    const id = randomUUID();
    const key = generateApiKey();
    await this.db.query(
      `INSERT INTO ${this.table} ("id", "key_hash", "role", "tenants", "label") VALUES ($1, $2, $3, $4, $5)`,
      [id, hashApiKey(key), input.role, input.tenants, input.label ?? null],
    );
    return { id, key };
  }

  /** The principal of a presented key, or null when unknown or revoked. */
  async principalOf(key: string): Promise<Principal | null> {
    const [row] = await rowsOf<ApiKeyRow>(
      this.db,
      `SELECT "id", "role", "tenants" FROM ${this.table} WHERE "key_hash" = $1 AND "revoked_at" IS NULL`,
      [hashApiKey(key)],
    );
    if (!row) return null;
    return { keyId: row.id, role: row.role, tenants: row.tenants.includes('*') ? '*' : row.tenants };
  }

  /** Keys that are not revoked (never the key or its hash), oldest first. */
  async list(): Promise<
    Array<{ id: string; role: Role; tenants: string[]; label: string | null; createdAt: string }>
  > {
    const rows = await rowsOf<ApiKeyRow & { label: string | null; created_at: Date }>(
      this.db,
      `SELECT "id", "role", "tenants", "label", "created_at" FROM ${this.table} WHERE "revoked_at" IS NULL ORDER BY "created_at", "id"`,
    );
    return rows.map((r) => ({
      id: r.id,
      role: r.role,
      tenants: r.tenants,
      label: r.label,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** Revokes a key at once (it answers 401 from then on); false when unknown or already revoked. */
  async revoke(id: string): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db,
      `UPDATE ${this.table} SET "revoked_at" = now() WHERE "id" = $1 AND "revoked_at" IS NULL RETURNING "id"`,
      [id],
    );
    return rows.length > 0;
  }
}
