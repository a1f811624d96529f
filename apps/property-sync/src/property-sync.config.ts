import { z } from 'zod';
import { assertHeapCredentialsSourceConfig, HEAP_CREDENTIALS_SOURCE_CONFIG } from '@hubheap/heap';
import { assertTokenSourceConfig, HUBSPOT_TOKEN_SOURCE_CONFIG, hubSpotPortalsSchema } from '@hubheap/hubspot';
import { PROPERTY_SYNC_CONTACT_CHANGES_GROUP } from '@hubheap/schemas';
import { COMMON_CONFIG, type ConfigOf, defineConfig, env, loadConfig } from '@hubheap/service';

const positiveInt = (dflt: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max).default(dflt);

/** Parses a JSON array variable with `item`; messages never echo values (they may hold secrets). */
const jsonList = <T extends z.ZodTypeAny>(item: T, shape: string, unique: (v: z.output<T>) => string) =>
  z
    .string()
    .default('[]')
    .transform((text, ctx): Array<z.output<T>> => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON array' });
        return z.NEVER;
      }
      const parsed = z.array(item).safeParse(value);
      if (!parsed.success) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${shape}` });
        return z.NEVER;
      }
      const keys = parsed.data.map(unique);
      if (new Set(keys).size !== keys.length) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'lists an entry twice' });
        return z.NEVER;
      }
      return parsed.data;
    });

/** Heap privacy API credentials of one Main Production app_id (heap-api.md §7.1). */
export interface HeapPrivacyKey {
  appId: string;
  apiKey: string;
}

/**
 * Every variable property-sync reads besides COMMON_CONFIG; durations in ms. README "Configuration"
 * and `.env.example` list exactly these (property-sync.config.spec.ts).
 */
export const PROPERTY_SYNC_CONFIG = defineConfig({
  host: {
    env: 'HOST',
    schema: env.string('127.0.0.1'),
    description: 'Interface the HTTP server (health, metrics) binds; `0.0.0.0` in containers.',
  },
  port: { env: 'PORT', schema: env.int(3004), description: 'HTTP port of `/health` and `/metrics`.' },
  consumerGroup: {
    env: 'CONSUMER_GROUP',
    schema: env.string(PROPERTY_SYNC_CONTACT_CHANGES_GROUP.groupId),
    description: 'Kafka consumer group of `hubspot.contact-changes.v1`; change it only to replay.',
  },
  maxBatchSize: {
    env: 'MAX_BATCH_SIZE',
    schema: positiveInt(1000, 10_000),
    description:
      'Records per handler call; changes of one contact within a batch are coalesced into one read.',
  },
  coalesceWindowMs: {
    env: 'COALESCE_WINDOW_MS',
    schema: z.coerce.number().int().min(0).max(5_000).default(1_000),
    description:
      'Changes are coalesced per contact over this window (ms, at most 5000): each fetch waits this long for records unless 1 MiB is already there, so a burst of webhooks of one contact (HubSpot sends one per changed property) becomes one read and one Heap write. 0: no wait (a batch is whatever had arrived).',
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
      'JSON `[{"portalId":62515,"accessToken":"…","requestsPer10s":100}]`; tokens need contacts and contact-schema read; `requestsPer10s` (optional, default 100) is the account\'s HubSpot burst limit. Changes of other portals are dead-lettered.',
    sensitive: true,
  },
  ...HUBSPOT_TOKEN_SOURCE_CONFIG,
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
      'Attempts per call for 5xx and no answer (exponential backoff, full jitter), then the batch is retried uncommitted; 429s wait for the rate budget and are always retried, other 4xx never.',
  },
  hubspotServerErrorWaitMs: {
    env: 'HUBSPOT_SERVER_ERROR_WAIT_MS',
    schema: positiveInt(500),
    description: 'First backoff after a 5xx or no answer (ms); doubles per attempt, at most 5 s.',
  },
  propertyCacheMinRefreshMs: {
    env: 'PROPERTY_CACHE_MIN_REFRESH_MS',
    schema: positiveInt(300_000),
    description:
      'A portal’s property definitions are re-read for an unknown property name at most this often (ms).',
  },
  propertyCacheMaxAgeMs: {
    env: 'PROPERTY_CACHE_MAX_AGE_MS',
    schema: positiveInt(86_400_000),
    description: 'Definitions older than this (ms) are re-read before use, to pick up renamed labels.',
  },
  heapBaseUrl: {
    env: 'HEAP_BASE_URL',
    schema: env.url('https://heapanalytics.com'),
    description:
      'Heap ingestion host: US `https://heapanalytics.com`, EU `https://c.eu.heap-api.com`, or a fake.',
  },
  heapPrivacyBaseUrl: {
    env: 'HEAP_PRIVACY_BASE_URL',
    schema: env.url('https://heapanalytics.com'),
    description: 'Heap user deletion API host (US and EU data, heap-api.md §7), or a fake.',
  },
  heapTimeoutMs: {
    env: 'HEAP_TIMEOUT_MS',
    schema: positiveInt(10_000),
    description: 'Deadline of one Heap request in ms; a timeout is retried like a 5xx.',
  },
  heapPrivacyKeys: {
    env: 'HEAP_PRIVACY_KEYS',
    schema: jsonList(
      z.object({ appId: z.string().min(1), apiKey: z.string().min(1) }).strict(),
      '[{"appId": "<Main Production app_id>", "apiKey": "<privacy API key>"}, ...]',
      (k) => k.appId,
    ),
    description:
      'JSON `[{"appId":"…","apiKey":"…"}]`: Heap privacy API keys (with `HEAP_CREDENTIALS_SOURCE=config`); a privacy deletion for another app_id is dead-lettered.',
    sensitive: true,
  },
  ...HEAP_CREDENTIALS_SOURCE_CONFIG,
  deletionStatusPollMs: {
    env: 'DELETION_STATUS_POLL_MS',
    schema: positiveInt(60_000),
    description: 'How often pending Heap deletion requests are checked with deletion_status (ms).',
  },
});

/** Validated property-sync settings. */
export type PropertySyncConfig = ConfigOf<typeof PROPERTY_SYNC_CONFIG>;

/** Both specs, in the order `.env.example` lists them. */
export const ALL_CONFIG_SPECS = [COMMON_CONFIG, PROPERTY_SYNC_CONFIG] as const;

/** Nest injection token of {@link PropertySyncConfig}. */
export const PROPERTY_SYNC_CONFIG_TOKEN = Symbol('PROPERTY_SYNC_CONFIG');

/** Reads and validates property-sync's configuration. @throws ConfigError (never with a secret value). */
export const loadPropertySyncConfig = (source: NodeJS.ProcessEnv = process.env): PropertySyncConfig => {
  const config = loadConfig(PROPERTY_SYNC_CONFIG, source);
  assertTokenSourceConfig(config);
  assertHeapCredentialsSourceConfig(config);
  return config;
};
