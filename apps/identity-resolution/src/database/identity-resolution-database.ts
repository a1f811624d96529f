import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { CreateIdentityResolutionTables1767000000000 } from './migrations/1767000000000-create-identity-resolution-tables';
import { PendingRecordsPortalIndex1767100000000 } from './migrations/1767100000000-pending-records-portal-index';
import { ContactPrivacyTombstone1767200000000 } from './migrations/1767200000000-contact-privacy-tombstone';
import { PendingRecordsOriginDigest1767300000000 } from './migrations/1767300000000-pending-records-origin-digest';

/** The Postgres schema identity-resolution owns; no other app reads it. */
export const IDENTITY_RESOLUTION_DB_SCHEMA = 'identity_resolution';

/** Every migration, oldest first. */
export const IDENTITY_RESOLUTION_MIGRATIONS = [
  CreateIdentityResolutionTables1767000000000,
  PendingRecordsPortalIndex1767100000000,
  ContactPrivacyTombstone1767200000000,
  PendingRecordsOriginDigest1767300000000,
];

/**
 * Opens identity-resolution's database: creates `schema` if missing and runs pending migrations. The
 * tables are read and written with SQL in the repositories (`heap_identities`, `hubspot_contacts`,
 * `pending_records`; see the migration for columns). @throws pg/TypeORM errors when Postgres is
 * unreachable or a migration fails.
 */
export const openIdentityResolutionDatabase = (
  url: string,
  schema = IDENTITY_RESOLUTION_DB_SCHEMA,
): Promise<DataSource> =>
  openServiceDatabase({ url, schema, entities: [], migrations: IDENTITY_RESOLUTION_MIGRATIONS });

/** `"schema"."table"` in the DataSource's schema. */
export const tableIn = (db: DataSource, table: string): string =>
  `"${((db.options as { schema?: string }).schema ?? 'public').replace(/"/g, '')}"."${table}"`;
