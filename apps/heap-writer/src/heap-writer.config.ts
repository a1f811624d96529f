import { COMMON_CONFIG, type ConfigOf, defineConfig, env, loadConfig } from '@hubheap/service';
import { z } from 'zod';
import { HEAP_WRITER_TRACK_EVENTS_GROUP } from '@hubheap/schemas';

/**
 * Every variable heap-writer reads, validated at boot (README "Configuration" is this table;
 * `.env.example` is checked against it by heap-writer.config.spec.ts).
 */
export const HEAP_WRITER_CONFIG = defineConfig({
  kafkaBrokers: COMMON_CONFIG.kafkaBrokers,
  schemaRegistryUrl: COMMON_CONFIG.schemaRegistryUrl,
  logFormat: COMMON_CONFIG.logFormat,
  host: {
    env: 'HOST',
    schema: env.string('127.0.0.1'),
    description: 'Interface the HTTP server (health, metrics) binds; `0.0.0.0` in containers.',
  },
  port: {
    env: 'PORT',
    schema: env.int(3003),
    description: 'HTTP port of `/health` and `/metrics`.',
  },
  consumerGroup: {
    env: 'CONSUMER_GROUP',
    schema: env.string(HEAP_WRITER_TRACK_EVENTS_GROUP.groupId),
    description:
      'Kafka consumer group; change it only to replay through a separate group (or for isolated test runs).',
  },
  heapBaseUrl: {
    env: 'HEAP_BASE_URL',
    schema: env.url('https://heapanalytics.com'),
    description:
      'Heap ingestion host: US `https://heapanalytics.com`, EU `https://c.eu.heap-api.com`, or a Heap fake (heap-api.md §1).',
  },
  heapTimeoutMs: {
    env: 'HEAP_TIMEOUT_MS',
    schema: z.coerce.number().int().positive().default(10_000),
    description: 'Deadline of one Heap request in ms; a timeout is retried like a 5xx.',
  },
  statusReportIntervalMs: {
    env: 'STATUS_REPORT_INTERVAL_MS',
    schema: z.coerce.number().int().positive().default(30_000),
    description:
      "At most one `integration.status.v1` report per tenant per this many ms per process (a tenant's first write is reported at once).",
  },
});

/** Validated heap-writer settings (`heapTimeoutMs` in ms). */
export type HeapWriterConfig = ConfigOf<typeof HEAP_WRITER_CONFIG>;

/** Reads and validates heap-writer's configuration. @throws ConfigError listing every invalid variable. */
export const loadHeapWriterConfig = (source: NodeJS.ProcessEnv = process.env): HeapWriterConfig =>
  loadConfig(HEAP_WRITER_CONFIG, source);
