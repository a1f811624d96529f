import { stackEndpoints, tablesOf, throwawaySchema, undoAllMigrations } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { openPropertySyncDatabase } from '../src/database/property-sync-database';

const ALL = ['contact_property_cache', 'heap_user_deletion', 'migrations'];

describe('property-sync migrations (real Postgres, throw-away schema)', () => {
  const schema = throwawaySchema('ps_migration_test');
  let db: DataSource;

  afterAll(async () => {
    if (db?.isInitialized) {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
  });

  it('up creates the tables; down removes them; up again restores them', async () => {
    db = await openPropertySyncDatabase(stackEndpoints().databaseUrl, schema);
    expect(await tablesOf(db, schema)).toEqual(ALL);
    await undoAllMigrations(db);
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(ALL);
  });
});
