import { stackEndpoints, uniqueName } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { openPropertySyncDatabase } from '../src/database/property-sync-database';

const tablesOf = async (db: DataSource, schema: string): Promise<string[]> =>
  (
    await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [
      schema,
    ])
  ).map((r: { table_name: string }) => r.table_name);

const ALL = ['contact_property_cache', 'heap_user_deletion', 'migrations'];

describe('property-sync migrations (real Postgres, throw-away schema)', () => {
  const schema = uniqueName('ps_migration_test')
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
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
    await db.undoLastMigration();
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(ALL);
  });
});
