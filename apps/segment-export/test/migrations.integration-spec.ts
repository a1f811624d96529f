import { stackEndpoints, tablesOf, throwawaySchema, undoAllMigrations } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { openSegmentExportDatabase } from '../src/database/segment-export-database';

const ALL = ['heap_sync_task', 'migrations', 'segment', 'segment_member', 'sync_run', 'sync_run_member'];

describe('segment-export migrations (real Postgres, throw-away schema)', () => {
  const schema = throwawaySchema('se_migration_test');
  let db: DataSource;

  afterAll(async () => {
    if (db?.isInitialized) {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
  });

  it('up creates the tables; down removes them; up again restores them', async () => {
    db = await openSegmentExportDatabase(stackEndpoints().databaseUrl, schema);
    expect(await tablesOf(db, schema)).toEqual(ALL);
    await undoAllMigrations(db);
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(ALL);
  });
});
