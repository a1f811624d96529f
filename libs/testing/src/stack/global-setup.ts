import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { dockerAvailable, startDockerStack } from './docker-stack';

/**
 * Jest globalSetup of the integration and e2e tiers. In order:
 * 1. KAFKA_BROKERS already set → use the given stack as is;
 * 2. a Docker engine answers → testcontainers (Kafka, Apicurio, PostgreSQL);
 * 3. otherwise → `scripts/stack.sh up` (Kafka and Apicurio from Maven Central on loopback; idempotent,
 *    a running stack is reused) with PostgreSQL from DATABASE_URL.
 * Exports the endpoints through process.env for the test workers.
 */
export default async function globalSetup(): Promise<void> {
  process.env['RETRY_PROFILE'] ??= 'test';
  process.env['LOG_FORMAT'] ??= 'text';
  if (process.env['KAFKA_BROKERS']) return;
  if (process.env['TESTCONTAINERS'] !== 'off' && (await dockerAvailable())) {
    const endpoints = await startDockerStack();
    process.env['KAFKA_BROKERS'] = endpoints.kafkaBrokers;
    process.env['SCHEMA_REGISTRY_URL'] = endpoints.schemaRegistryUrl;
    process.env['DATABASE_URL'] = endpoints.databaseUrl;
    return;
  }
  execFileSync('bash', [join(__dirname, '..', '..', '..', '..', 'scripts', 'stack.sh'), 'up'], {
    stdio: 'inherit',
  });
  process.env['KAFKA_BROKERS'] = '127.0.0.1:9092';
}
