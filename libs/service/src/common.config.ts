import { defineConfig, env } from './config';

/** Connection settings every service shares. */
export const COMMON_CONFIG = defineConfig({
  kafkaBrokers: {
    env: 'KAFKA_BROKERS',
    schema: env.string('127.0.0.1:9092'),
    description: 'Comma-separated Kafka bootstrap brokers (host:port).',
  },
  schemaRegistryUrl: {
    env: 'SCHEMA_REGISTRY_URL',
    schema: env.url('http://127.0.0.1:8081/apis/ccompat/v7'),
    description: 'Confluent-compatible schema registry base URL (Apicurio: .../apis/ccompat/v7).',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: env.url('postgres://postgres@127.0.0.1:5432/postgres'),
    description: 'PostgreSQL connection URL; each service owns its own schema in it.',
    sensitive: true,
  },
  logFormat: {
    env: 'LOG_FORMAT',
    schema: env.string('json'),
    description: '`json` (one JSON object per line) or `text`.',
  },
});
