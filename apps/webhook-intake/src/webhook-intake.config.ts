import { z } from 'zod';
import { assertHeapCredentialsSourceConfig, HEAP_CREDENTIALS_SOURCE_CONFIG } from '@hubheap/heap';
import {
  assertTokenSourceConfig,
  HUBSPOT_TOKEN_SOURCE_CONFIG,
  hubSpotPortalsSchema,
  type HubSpotPortalEntry,
} from '@hubheap/hubspot';
import {
  COMMON_CONFIG,
  defineConfig,
  env,
  loadConfig,
  TENANT_SETTINGS_CONFIG,
  type ConfigOf,
} from '@hubheap/service';
import { heapSegmentTenantList } from './heap-segments/heap-segment-tenants';

/**
 * One HubSpot portal the Email Events poller reads, with the token it reads it with (`content` scope, §2)
 * and optionally its rate tier (`requestsPer10s`); parsed by libs/hubspot's shared `HUBSPOT_PORTALS` schema.
 */
export type PortalCredentials = HubSpotPortalEntry;

const HOUR_MS = 3_600_000;

/** ISO-8601 date-time or ms-epoch digits → ms epoch; unset stays undefined (the poller then uses boot time − 24 h). */
const instant = z
  .string()
  .optional()
  .transform((text, ctx): number | undefined => {
    if (text === undefined) return undefined;
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isSafeInteger(ms)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be an ISO-8601 date-time or ms since the epoch',
      });
      return z.NEVER;
    }
    return ms;
  });

const positiveInt = (dflt: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max).default(dflt);

/**
 * Every variable webhook-intake reads besides COMMON_CONFIG (Kafka, registry, Postgres, log format).
 * Durations are in milliseconds, sizes in bytes. `.env.example` lists exactly these plus COMMON_CONFIG
 * (checked by webhook-intake.config.spec.ts).
 */
export const WEBHOOK_INTAKE_CONFIG = defineConfig({
  port: {
    env: 'PORT',
    schema: env.int(3001),
    description: 'HTTP port (webhooks, poller trigger, health, metrics).',
  },
  host: {
    env: 'HOST',
    schema: env.string('127.0.0.1'),
    description: 'Interface to bind; `0.0.0.0` in containers.',
  },
  settingsSource: TENANT_SETTINGS_CONFIG.settingsSource,
  hubspotClientSecret: {
    env: 'HUBSPOT_CLIENT_SECRET',
    schema: env.optionalString(),
    description:
      'HubSpot app client secret for webhook signatures (§1.7). Unset → `POST /webhooks/hubspot` answers 503.',
    sensitive: true,
  },
  webhookPublicUrl: {
    env: 'WEBHOOK_PUBLIC_URL',
    schema: z.string().url().optional(),
    description:
      'Exact target URL configured in HubSpot (scheme, host, path, query), signed by v3. Unset → rebuilt from the request Host, protocol and URL.',
  },
  webhookMaxBodyBytes: {
    env: 'WEBHOOK_MAX_BODY_BYTES',
    schema: positiveInt(1_048_576),
    description: 'Largest accepted webhook body in bytes; larger → 413.',
  },
  webhookAllowV1: {
    env: 'WEBHOOK_ALLOW_V1',
    schema: env.bool(false),
    description: 'Accept legacy v1 signatures (no timestamp, replayable) when a delivery has no v3 header.',
  },
  webhookProduceTimeoutMs: {
    env: 'WEBHOOK_PRODUCE_TIMEOUT_MS',
    schema: positiveInt(4_000),
    description:
      'How long a webhook waits for the Kafka ack before answering 503 (HubSpot gives up after 5 s).',
  },
  heapSegmentWebhooks: {
    env: 'HEAP_SEGMENT_WEBHOOKS',
    schema: heapSegmentTenantList,
    description:
      'JSON `[{"secret":"…","portalId":62515,"heapAppId":"…"}]`: Heap Segments Sync webhook secrets (with `HEAP_CREDENTIALS_SOURCE=config`); the matching secret picks the tenant. Empty → `POST /webhooks/heap/segments` answers 503.',
    sensitive: true,
  },
  ...HEAP_CREDENTIALS_SOURCE_CONFIG,
  heapSegmentMaxAgeMs: {
    env: 'HEAP_SEGMENT_MAX_AGE_MS',
    schema: positiveInt(300_000),
    description: 'Oldest accepted `Heap-Hash` timestamp, in ms before now (older → 403).',
  },
  heapSegmentFutureSkewMs: {
    env: 'HEAP_SEGMENT_FUTURE_SKEW_MS',
    schema: z.coerce.number().int().min(0).default(5_000),
    description: 'Largest accepted `Heap-Hash` timestamp ahead of now, in ms (further → 403).',
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
      'JSON `[{"portalId":62515,"accessToken":"…","requestsPer10s":100}]` of portals to poll email events for (`requestsPer10s` optional: the account\'s HubSpot burst limit for the shared rate budget); empty → poller off.',
    sensitive: true,
  },
  ...HUBSPOT_TOKEN_SOURCE_CONFIG,
  hubspotRateWindowMs: {
    env: 'HUBSPOT_RATE_WINDOW_MS',
    schema: positiveInt(10_000),
    description:
      "HubSpot's rate-limit window (10 s); the shared per-portal rate budget counts calls in it and waits one window after a TEN_SECONDLY_ROLLING 429. Lower it only against a fake.",
  },
  pollIntervalMs: {
    env: 'POLL_INTERVAL_MS',
    // ≤ 24 h keeps the longest backoff (16 intervals) inside Node's 2^31 ms timer range
    schema: positiveInt(60_000, 86_400_000),
    description: 'Pause between two polls of one portal (also the delay before the first one), at most 24 h.',
  },
  pollLookbackMs: {
    env: 'POLL_LOOKBACK_MS',
    schema: positiveInt(HOUR_MS),
    description:
      'Each poll re-reads this far behind the newest event already produced, for late-indexed events.',
  },
  pollInitialStart: {
    env: 'POLL_INITIAL_START',
    schema: instant,
    description: 'Where a portal without a cursor starts (ISO-8601 or ms epoch). Unset → boot time − 24 h.',
  },
  pollPageLimit: {
    env: 'POLL_PAGE_LIMIT',
    schema: positiveInt(1000, 1000),
    description: 'Events per Email Events API page (`limit`, max 1000, §2.2).',
  },
  pollSafetyLagMs: {
    env: 'POLL_SAFETY_LAG_MS',
    schema: z.coerce.number().int().min(0).default(5_000),
    description: 'A poll window ends this long before now, so events still being written are read next time.',
  },
  pollMaxWindowEvents: {
    env: 'POLL_MAX_WINDOW_EVENTS',
    schema: positiveInt(20_000),
    description: 'A window holding more events than this is halved (bounds memory during catch-up).',
  },
});

/** The validated configuration of webhook-intake. */
export type WebhookIntakeConfig = ConfigOf<typeof WEBHOOK_INTAKE_CONFIG>;

/** Both specs, in the order `.env.example` lists them. */
export const ALL_CONFIG_SPECS = [COMMON_CONFIG, WEBHOOK_INTAKE_CONFIG] as const;

/** Nest injection token of {@link WebhookIntakeConfig}. */
export const INTAKE_CONFIG = Symbol('INTAKE_CONFIG');

/** Loads and validates the config from `env`. Throws ConfigError (no secret values in it). */
export const loadIntakeConfig = (source: NodeJS.ProcessEnv = process.env): WebhookIntakeConfig => {
  const config = loadConfig(WEBHOOK_INTAKE_CONFIG, source);
  assertTokenSourceConfig(config);
  assertHeapCredentialsSourceConfig(config);
  return config;
};

/**
 * Nest injection token of the HeapCredentialsProvider of the Segments Sync secrets
 * (HEAP_CREDENTIALS_SOURCE=control-api; with `config` HEAP_SEGMENT_WEBHOOKS is used directly).
 */
export const HEAP_CREDENTIALS = Symbol('HEAP_CREDENTIALS');

/** Nest injection token of the poller's HubSpotTokenProvider (HUBSPOT_TOKEN_SOURCE). */
export const HUBSPOT_TOKENS = Symbol('HUBSPOT_TOKENS');
