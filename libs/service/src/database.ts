import { Client } from 'pg';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

/** What a service's own Postgres schema needs. */
export interface ServiceDatabaseOptions {
  /** PostgreSQL URL (DATABASE_URL). */
  url: string;
  /** The service's own schema, e.g. `webhook_intake`; no service reads another's tables. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * Creates the schema if missing, then returns an initialised TypeORM DataSource whose migrations
 * (reversible, never rewritten once landed) have run. Throws pg/TypeORM errors when the database is
 * unreachable or a migration fails.
 */
export const openServiceDatabase = async (options: ServiceDatabaseOptions): Promise<DataSource> => {
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: true,
    synchronize: false,
    // No TypeORM query logging: a failed query's log line carries its parameters (emails, ciphertexts);
    // callers see the error and log what they need without the values.
    logging: false,
    extra: { max: 5 },
  });
  return dataSource.initialize();
};
