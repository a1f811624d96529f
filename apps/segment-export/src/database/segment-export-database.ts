import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { HeapSyncTaskEntity } from './heap-sync-task.entity';
import { CreateSegmentExportTables1765500000000 } from './migrations/1765500000000-create-segment-export-tables';
import { SegmentMemberEntity } from './segment-member.entity';
import { SegmentEntity } from './segment.entity';
import { SyncRunMemberEntity } from './sync-run-member.entity';
import { SyncRunEntity } from './sync-run.entity';

/** The Postgres schema segment-export owns; no other app reads it. */
export const SEGMENT_EXPORT_DB_SCHEMA = 'segment_export';

/** Every migration, oldest first. */
export const SEGMENT_EXPORT_MIGRATIONS = [CreateSegmentExportTables1765500000000];

/**
 * Opens segment-export's database: creates `schema` if missing and runs pending migrations.
 * @throws pg/TypeORM errors when Postgres is unreachable or a migration fails.
 */
export const openSegmentExportDatabase = (
  url: string,
  schema = SEGMENT_EXPORT_DB_SCHEMA,
): Promise<DataSource> =>
  openServiceDatabase({
    url,
    schema,
    entities: [SegmentEntity, SegmentMemberEntity, HeapSyncTaskEntity, SyncRunEntity, SyncRunMemberEntity],
    migrations: SEGMENT_EXPORT_MIGRATIONS,
  });
