import { z } from 'zod';
import { assertTokenSourceConfig, HUBSPOT_TOKEN_SOURCE_CONFIG, hubSpotPortalsSchema } from '@hubheap/hubspot';
import {
  COMMON_CONFIG,
  defineConfig,
  env,
  loadConfig,
  TENANT_SETTINGS_CONFIG,
  type ConfigOf,
} from '@hubheap/service';
import { SEGMENT_EXPORT_SEGMENT_DELTAS_GROUP } from '@hubheap/schemas';

/**
 * Default consumer group. libs/schemas has no SEGMENT_EXPORT_SEGMENT_DELTAS_GROUP entry yet (see
 * README "Lib changes wanted"); this is the id it should carry.
 */
export const SEGMENT_EXPORT_GROUP_ID = SEGMENT_EXPORT_SEGMENT_DELTAS_GROUP.groupId;

const positiveInt = (dflt: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max).default(dflt);

/**
 * Every variable segment-export reads besides COMMON_CONFIG. Durations in ms. `.env.example` lists
 * exactly these plus COMMON_CONFIG (segment-export.config.spec.ts).
 */
export const SEGMENT_EXPORT_CONFIG = defineConfig({
  port: { env: 'PORT', schema: env.int(3005), description: 'HTTP port (settings, runs, health, metrics).' },
  host: {
    env: 'HOST',
    schema: env.string('127.0.0.1'),
    description: 'Interface to bind; `0.0.0.0` in containers.',
  },
  settingsSource: TENANT_SETTINGS_CONFIG.settingsSource,
  consumerGroup: {
    env: 'CONSUMER_GROUP',
    schema: env.string(SEGMENT_EXPORT_GROUP_ID),
    description:
      'Kafka consumer group of `heap.segment-deltas.v1`; change it only to replay through a separate group.',
  },
  hubspotBaseUrl: {
    env: 'HUBSPOT_BASE_URL',
    schema: env.url('https://api.hubapi.com'),
    description: 'HubSpot API base URL (the fake in tests and the local demo).',
  },
  hubspotPortals: {
    env: 'HUBSPOT_PORTALS',
    schema: hubSpotPortalsSchema,
    description:
      'JSON `[{"portalId":62515,"accessToken":"…","requestsPer10s":100}]`; tokens need contacts read and lists read/write; `requestsPer10s` (optional, default 100) is the account\'s HubSpot burst limit. A portal not listed cannot sync.',
    sensitive: true,
  },
  ...HUBSPOT_TOKEN_SOURCE_CONFIG,
  hubspotIdProperty: {
    env: 'HUBSPOT_ID_PROPERTY',
    schema: env.string('email'),
    description:
      'HubSpot contact property Heap match values are looked up by (`idProperty` of batch read): `email` or a unique custom property.',
  },
  hubspotRateWindowMs: {
    env: 'HUBSPOT_RATE_WINDOW_MS',
    schema: positiveInt(10_000),
    description:
      "HubSpot's rate-limit window (10 s); the shared per-portal rate budget counts calls in it and waits one window after a TEN_SECONDLY_ROLLING 429. Lower it only against a fake.",
  },
  hubspotRetryAttempts: {
    env: 'HUBSPOT_RETRY_ATTEMPTS',
    schema: positiveInt(5, 20),
    description:
      'Attempts per call for 5xx and no answer (exponential backoff, full jitter); 429s wait for the rate budget and are always retried, other 4xx never.',
  },
  hubspotServerErrorWaitMs: {
    env: 'HUBSPOT_SERVER_ERROR_WAIT_MS',
    schema: positiveInt(500),
    description: 'First backoff after a 5xx or no answer (ms); doubles per attempt, at most 5 s.',
  },
  membershipChunkSize: {
    env: 'MEMBERSHIP_CHUNK_SIZE',
    schema: positiveInt(500, 500),
    description: 'Record ids per list add/remove request (at most 500).',
  },
  listNameTemplate: {
    env: 'LIST_NAME_TEMPLATE',
    schema: env.string('{name}'),
    description:
      'HubSpot list name; `{name}` is the Heap segment name (or `#<segmentId>` before one is known).',
  },
  syncIntervalMs: {
    env: 'SYNC_INTERVAL_MS',
    schema: positiveInt(4 * 3_600_000),
    description:
      'A recurring segment syncs again this long after its last completed sync (Heap pushes every 4 h).',
  },
  syncRetryAfterMs: {
    env: 'SYNC_RETRY_AFTER_MS',
    schema: positiveInt(900_000),
    description: 'A failed scheduled sync is tried again after this long.',
  },
  schedulerTickMs: {
    env: 'SCHEDULER_TICK_MS',
    schema: positiveInt(60_000, 86_400_000),
    description: 'How often the scheduler looks for due recurring and one-time syncs.',
  },
});

/** The validated configuration of segment-export. */
export type SegmentExportConfig = ConfigOf<typeof SEGMENT_EXPORT_CONFIG>;

/** Both specs, in the order `.env.example` lists them. */
export const ALL_CONFIG_SPECS = [COMMON_CONFIG, SEGMENT_EXPORT_CONFIG] as const;

/** Nest injection token of {@link SegmentExportConfig}. */
export const SEGMENT_EXPORT_CONFIG_TOKEN = Symbol('SEGMENT_EXPORT_CONFIG');

/** Loads and validates the config from `source`. @throws ConfigError (never with a secret value). */
export const loadSegmentExportConfig = (source: NodeJS.ProcessEnv = process.env): SegmentExportConfig => {
  const config = loadConfig(SEGMENT_EXPORT_CONFIG, source);
  assertTokenSourceConfig(config);
  return config;
};
