import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { CreatePropertySyncTables1766000000000 } from './migrations/1766000000000-create-property-sync-tables';

/** The Postgres schema property-sync owns; no other app reads it. */
export const PROPERTY_SYNC_DB_SCHEMA = 'property_sync';

/** Every migration, oldest first. */
export const PROPERTY_SYNC_MIGRATIONS = [CreatePropertySyncTables1766000000000];

/**
 * Opens property-sync's database: creates `schema` if missing and runs pending migrations. Tables are
 * used through plain SQL (repositories), so no entities are registered.
 * @throws pg/TypeORM errors when Postgres is unreachable or a migration fails.
 */
export const openPropertySyncDatabase = (
  url: string,
  schema = PROPERTY_SYNC_DB_SCHEMA,
): Promise<DataSource> =>
  openServiceDatabase({ url, schema, entities: [], migrations: PROPERTY_SYNC_MIGRATIONS });

/** `"schema"."table"` of a DataSource's own schema. */
export const tableOf = (db: DataSource, table: string): string =>
  `"${((db.options as { schema?: string }).schema ?? 'public').replace(/"/g, '')}"."${table}"`;
