import { stackEndpoints, uniqueName } from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { openIntakeDatabase } from '../src/database/intake-database';

const tablesOf = async (db: DataSource, schema: string): Promise<string[]> =>
  (
    await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [
      schema,
    ])
  ).map((r: { table_name: string }) => r.table_name);

describe('webhook-intake migrations (real Postgres, throw-away schema)', () => {
  const schema = uniqueName('wi_migration_test')
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();
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
    await db.undoLastMigration();
    expect(await tablesOf(db, schema)).toEqual(['migrations']);
    await db.runMigrations();
    expect(await tablesOf(db, schema)).toEqual(['email_poll_cursor', 'migrations', 'seen_email_event']);
  });
});
