import { assertTokenSourceConfig, HUBSPOT_TOKEN_SOURCE_CONFIG, hubSpotPortalsSchema } from '@hubheap/hubspot';
import {
  COMMON_CONFIG,
  type ConfigOf,
  defineConfig,
  env,
  loadConfig,
  TENANT_SETTINGS_CONFIG,
} from '@hubheap/service';
import { z } from 'zod';
import {
  IDENTITY_RESOLUTION_EMAIL_EVENTS_GROUP,
  IDENTITY_RESOLUTION_USER_IDENTITIES_GROUP,
  IDENTITY_RESOLUTION_WEBHOOK_EVENTS_GROUP,
} from '@hubheap/schemas';
import { tenantsVariableSchema } from './tenants.config';

/**
 * Every variable identity-resolution reads, validated at boot (README "Configuration" is this table;
 * `.env.example` is checked against it by identity-resolution.config.spec.ts).
 */
export const IDENTITY_RESOLUTION_CONFIG = defineConfig({
  kafkaBrokers: COMMON_CONFIG.kafkaBrokers,
  schemaRegistryUrl: COMMON_CONFIG.schemaRegistryUrl,
  logFormat: COMMON_CONFIG.logFormat,
  databaseUrl: COMMON_CONFIG.databaseUrl,
  host: {
    env: 'HOST',
    schema: env.string('127.0.0.1'),
    description: 'Interface the HTTP server (health, metrics) binds; `0.0.0.0` in containers.',
  },
  port: {
    env: 'PORT',
    schema: env.int(3002),
    description: 'HTTP port of `/health` and `/metrics`.',
  },
  consumerGroup: {
    env: 'CONSUMER_GROUP',
    schema: env.string(IDENTITY_RESOLUTION_EMAIL_EVENTS_GROUP.groupId),
    description:
      'Kafka consumer group; change it only to replay through a separate group (or for isolated test runs).',
  },
  webhookEventsGroup: {
    env: 'WEBHOOK_EVENTS_CONSUMER_GROUP',
    schema: env.string(IDENTITY_RESOLUTION_WEBHOOK_EVENTS_GROUP.groupId),
    description: 'Kafka consumer group reading contact lifecycle webhooks (`hubspot.webhook-events.v1`).',
  },
  userIdentitiesGroup: {
    env: 'USER_IDENTITIES_CONSUMER_GROUP',
    schema: env.string(IDENTITY_RESOLUTION_USER_IDENTITIES_GROUP.groupId),
    description: 'Kafka consumer group reading the Heap identity feed (`heap.user-identities.v1`).',
  },
  settingsSource: TENANT_SETTINGS_CONFIG.settingsSource,
  tenants: {
    env: 'TENANTS',
    schema: tenantsVariableSchema,
    sensitive: true,
    description:
      'JSON array of tenants `[{"portalId":62515,"heapAppId":"1234567890","emailProperty":"work_email"}]`; emailProperty `identity` (default: the email is the Heap identity) or a custom Heap user property; optional `hubspotAccessToken` (instead of a HUBSPOT_PORTALS entry).',
  },
  defaultHeapAppId: {
    env: 'DEFAULT_HEAP_APP_ID',
    schema: z.string().trim().min(1).optional(),
    description:
      'Heap app_id for portals not in TENANTS; unset = their email events are dead-lettered (`no tenant for portal N`).',
  },
  pendingMaxAgeMs: {
    env: 'PENDING_MAX_AGE_MS',
    schema: env.int(7 * 24 * 3600 * 1000),
    description:
      'How long (ms) a record waits for a Heap identity before it is dead-lettered (`no Heap identity for <email> after <n> ms`).',
  },
  pendingSweepIntervalMs: {
    env: 'PENDING_SWEEP_INTERVAL_MS',
    schema: env.int(60_000),
    description: 'How often (ms) expired waiting records are moved to the dead-letter topic.',
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
      'JSON `[{"portalId":62515,"accessToken":"…","requestsPer10s":100}]`; tokens (`crm.objects.contacts.read`) read the email of contacts a webhook names without one. Portals not listed are not asked (with HUBSPOT_TOKEN_SOURCE=config).',
    sensitive: true,
  },
  ...HUBSPOT_TOKEN_SOURCE_CONFIG,
  hubspotRateWindowMs: {
    env: 'HUBSPOT_RATE_WINDOW_MS',
    schema: env.int(10_000),
    description:
      "HubSpot's rate-limit window (10 s); the shared per-portal rate budget counts calls in it and waits one window after a TEN_SECONDLY_ROLLING 429. Lower it only against a fake.",
  },
  includeFilteredEvents: {
    env: 'INCLUDE_FILTERED_EVENTS',
    schema: env.bool(false),
    description: 'Also send events HubSpot marks `filteredEvent` (bot and prefetch opens) to Heap.',
  },
});

/** Validated identity-resolution settings. */
export type IdentityResolutionConfig = ConfigOf<typeof IDENTITY_RESOLUTION_CONFIG>;

/**
 * Reads and validates the configuration. @throws ConfigError listing every invalid variable, or naming
 * `CONTROL_API_URL` / `INTERNAL_API_KEY` when HUBSPOT_TOKEN_SOURCE=control-api lacks one.
 */
export const loadIdentityResolutionConfig = (
  source: NodeJS.ProcessEnv = process.env,
): IdentityResolutionConfig => {
  const config = loadConfig(IDENTITY_RESOLUTION_CONFIG, source);
  assertTokenSourceConfig(config);
  return config;
};
