import type { DataSource } from 'typeorm';
import { uniqueName } from '../names';

/** A PostgreSQL schema name unique to this test run (`<prefix>_…`, lower case): the test drops it after. */
export const throwawaySchema = (prefix: string): string =>
  uniqueName(prefix)
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase();

/** The table names of `schema`, sorted. */
export const tablesOf = async (db: DataSource, schema: string): Promise<string[]> =>
  (
    (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [
      schema,
    ])) as Array<{ table_name: string }>
  ).map((r) => r.table_name);

/**
 * Undoes every migration of `db`, newest first, so a down-migration test covers all of them — not only
 * the last one, which silently stops covering the others once a second migration is added.
 */
export const undoAllMigrations = async (db: DataSource): Promise<void> => {
  for (let i = 0; i < db.migrations.length; i += 1) await db.undoLastMigration();
};
