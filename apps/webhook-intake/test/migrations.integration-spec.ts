import { stackEndpoints, tablesOf, throwawaySchema, undoAllMigrations } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { openIntakeDatabase } from '../src/database/intake-database';

describe('webhook-intake migrations (real Postgres, throw-away schema)', () => {
  const schema = throwawaySchema('wi_migration_test');
  let db: DataSource;

  afterAll(async () => {
    if (db?.isInitialized) {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
  });

  it('migrate up creates the poller tables; down removes them; up again restores them', async () => {
    db = await openIntakeDatabase(stackEndpoints().databaseUrl, schema);
    expect(await tablesOf(db, schema)).toEqual(['email_poll_cursor', 'migrations', 'seen_email_event']);
    await undoAllMigrations(db);
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(['email_poll_cursor', 'migrations', 'seen_email_event']);
  });
});
