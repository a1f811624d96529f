import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { ImportJobEntity } from './import-job.entity';
import { CreateImportJob1765497600000 } from './migrations/1765497600000-create-import-job';

/** The Postgres schema ops-cli owns; no other app reads it. */
export const OPS_CLI_DB_SCHEMA = 'ops_cli';

/** Every migration of the import, oldest first. */
export const IMPORT_MIGRATIONS = [CreateImportJob1765497600000];

/**
 * Opens ops-cli's database: creates `schema` if missing and runs pending migrations.
 * Throws pg/TypeORM errors when Postgres is unreachable or a migration fails.
 */
export const openImportDatabase = (url: string, schema: string = OPS_CLI_DB_SCHEMA): Promise<DataSource> =>
  openServiceDatabase({ url, schema, entities: [ImportJobEntity], migrations: IMPORT_MIGRATIONS });
