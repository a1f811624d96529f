/** Endpoints of the Kafka/registry/Postgres stack the integration and e2e tests use. */
export interface StackEndpoints {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  databaseUrl: string;
}

/** The endpoints from the environment (what global-setup exported), with the local-stack defaults. */
export const stackEndpoints = (): StackEndpoints => ({
  kafkaBrokers: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
  schemaRegistryUrl: process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
});
