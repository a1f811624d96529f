import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { CreateControlApiTables1766000000000 } from './migrations/1766000000000-create-control-api-tables';

/** The Postgres schema control-api owns; no other app reads it. */
export const CONTROL_API_DB_SCHEMA = 'control_api';

/** Every migration, oldest first. */
export const CONTROL_API_MIGRATIONS = [CreateControlApiTables1766000000000];

/**
 * Opens control-api's database: creates `schema` if missing and runs pending migrations. Tables are
 * used through plain SQL in the repositories (no entities).
 * @throws pg/TypeORM errors when Postgres is unreachable or a migration fails.
 */
export const openControlApiDatabase = (url: string, schema = CONTROL_API_DB_SCHEMA): Promise<DataSource> =>
  openServiceDatabase({ url, schema, entities: [], migrations: CONTROL_API_MIGRATIONS });
