import { stackEndpoints, tablesOf, throwawaySchema, undoAllMigrations } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { openControlApiDatabase } from '../src/database/control-api-database';
import { OAuthStateRepository } from '../src/database/oauth-state.repository';

const ALL = ['api_key', 'migrations', 'oauth_state', 'secret', 'source_status', 'tenant', 'tenant_segment'];

describe('control-api migrations (real Postgres, throw-away schema)', () => {
  const schema = throwawaySchema('ca_migration_test');
  let db: DataSource;

  afterAll(async () => {
    if (db?.isInitialized) {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
  });

  it('up creates the tables; down removes them; up again restores them', async () => {
    db = await openControlApiDatabase(stackEndpoints().databaseUrl, schema);
    expect(await tablesOf(db, schema)).toEqual(ALL);
    await undoAllMigrations(db);
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(ALL);
  });

  it('pairs a portal and an app_id once among active tenants; a disconnected pairing frees them', async () => {
    const insert = (id: string, portalId: number, appId: string, state = 'active') =>
      db.query(
        `INSERT INTO "${schema}"."tenant" ("id", "name", "portal_id", "heap_app_id", "state") VALUES ($1, 't', $2, $3, $4)`,
        [id, portalId, appId, state],
      );
    await insert('00000000-0000-4000-8000-000000000001', 1, 'a', 'disconnected');
    await insert('00000000-0000-4000-8000-000000000002', 1, 'a');
    await expect(insert('00000000-0000-4000-8000-000000000003', 1, 'b')).rejects.toMatchObject({
      code: '23505',
    });
    await expect(insert('00000000-0000-4000-8000-000000000004', 2, 'a')).rejects.toMatchObject({
      code: '23505',
    });
  });

  it('OAuth states are bound to their tenant, single use, stored only hashed, and expire', async () => {
    const states = new OAuthStateRepository(db);
    const tenantId = '00000000-0000-4000-8000-000000000002';
    const state = await states.create(tenantId, 60_000);
    const stored = await db.query(`SELECT state_hash FROM "${schema}"."oauth_state"`);
    expect(JSON.stringify(stored)).not.toContain(state);
    expect(await states.consume(state)).toBe(tenantId);
    expect(await states.consume(state)).toBeNull();
    const expiring = await states.create(tenantId, 1);
    await db.query(`UPDATE "${schema}"."oauth_state" SET expires_at = now() - interval '1 second'`);
    expect(await states.consume(expiring)).toBeNull();
    expect(await states.consume('never-issued')).toBeNull();
  });
});
