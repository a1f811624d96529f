import { openServiceDatabase } from '@hubheap/service';
import type { DataSource } from 'typeorm';
import { EmailPollCursorEntity } from './email-poll-cursor.entity';
import { SeenEmailEventEntity } from './seen-email-event.entity';
import { CreateEmailPollTables1764403200000 } from './migrations/1764403200000-create-email-poll-tables';

/** The Postgres schema webhook-intake owns; no other app reads it. */
export const INTAKE_DB_SCHEMA = 'webhook_intake';

/** Every migration of webhook-intake, oldest first. */
export const INTAKE_MIGRATIONS = [CreateEmailPollTables1764403200000];

/**
 * Opens webhook-intake's database: creates `schema` if missing and runs pending migrations.
 * Throws pg/TypeORM errors when Postgres is unreachable or a migration fails.
 */
export const openIntakeDatabase = (url: string, schema: string = INTAKE_DB_SCHEMA): Promise<DataSource> =>
  openServiceDatabase({
    url,
    schema,
    entities: [EmailPollCursorEntity, SeenEmailEventEntity],
    migrations: INTAKE_MIGRATIONS,
  });
