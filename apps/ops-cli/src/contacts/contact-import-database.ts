import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { IMPORT_MIGRATIONS, OPS_CLI_DB_SCHEMA } from '../import/import-database';
import { ContactImportJobEntity } from './contact-import-job.entity';
import { CreateContactImportJob1795910400000 } from './migrations/1795910400000-create-contact-import-job';

/** ops-cli's migrations including the contact import's, oldest first (one `migrations` table per schema). */
export const CONTACT_IMPORT_MIGRATIONS = [...IMPORT_MIGRATIONS, CreateContactImportJob1795910400000];

/**
 * Opens ops-cli's database (schema `ops_cli`) for the contact import: creates the schema if missing and
 * runs pending migrations (the email import's too, so the schema's history stays in order).
 * Throws pg/TypeORM errors when Postgres is unreachable or a migration fails.
 */
export const openContactImportDatabase = (
  url: string,
  schema: string = OPS_CLI_DB_SCHEMA,
): Promise<DataSource> =>
  openServiceDatabase({
    url,
    schema,
    entities: [ContactImportJobEntity],
    migrations: CONTACT_IMPORT_MIGRATIONS,
  });
