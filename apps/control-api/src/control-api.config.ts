import { z } from 'zod';
import { CONTROL_API_STATUS_GROUP } from '@hubheap/schemas';
import { COMMON_CONFIG, defineConfig, env, loadConfig, type ConfigOf } from '@hubheap/service';

const positiveInt = (dflt: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().positive().max(max).default(dflt);

/** Scopes the apps need (hubspot-api.md §5.2): contacts and their schema, lists, legacy email events. */
export const DEFAULT_HUBSPOT_SCOPES =
  'oauth crm.objects.contacts.read crm.schemas.contacts.read crm.lists.read crm.lists.write content';

/**
 * Every variable control-api reads besides COMMON_CONFIG. Durations in ms. `.env.example` lists exactly
 * these plus COMMON_CONFIG (control-api.config.spec.ts). Secrets are `sensitive` and never printed.
 */
export const CONTROL_API_CONFIG = defineConfig({
  port: {
    env: 'PORT',
    schema: env.int(3006),
    description: 'HTTP port (admin API, admin page, docs, health).',
  },
  host: {
    env: 'HOST',
    schema: env.string('127.0.0.1'),
    description: 'Interface to bind; `0.0.0.0` in containers.',
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    schema: env.url('http://localhost:3006'),
    description:
      'Base URL browsers reach control-api at; the OAuth redirect URI is `<PUBLIC_URL>/oauth/hubspot/callback`.',
  },
  bootstrapKey: {
    env: 'CONTROL_API_BOOTSTRAP_KEY',
    schema: env.optionalString(),
    description: 'Admin key for every tenant (role admin, tenants `*`); use it to create scoped keys.',
    sensitive: true,
  },
  internalApiKey: {
    env: 'INTERNAL_API_KEY',
    schema: env.optionalString(),
    description: 'Bearer key the other apps use on `/internal/*` (tokens, Heap credentials). Unset: 401.',
    sensitive: true,
  },
  secretKeys: {
    env: 'SECRET_KEYS',
    schema: env.optionalString(),
    description:
      'Required at boot. `id:<base64 32 bytes>` list, comma-separated; the first encrypts, all decrypt (key rotation).',
    sensitive: true,
  },
  consumerGroup: {
    env: 'CONSUMER_GROUP',
    schema: env.string(CONTROL_API_STATUS_GROUP.groupId),
    description: 'Kafka consumer group of `integration.status.v1`.',
  },
  hubspotApiBase: {
    env: 'HUBSPOT_API_BASE',
    schema: env.url('https://api.hubapi.com'),
    description: 'HubSpot API base URL for `/oauth/v1/*` (the fake in tests and the local demo).',
  },
  hubspotAppBase: {
    env: 'HUBSPOT_APP_BASE',
    schema: env.url('https://app.hubspot.com'),
    description: 'Where the install link points: `<HUBSPOT_APP_BASE>/oauth/<portalId>/authorize`.',
  },
  hubspotClientId: {
    env: 'HUBSPOT_CLIENT_ID',
    schema: env.string(''),
    description: "Public app's client id (OAuth install); empty disables OAuth install.",
  },
  hubspotClientSecret: {
    env: 'HUBSPOT_CLIENT_SECRET',
    schema: env.optionalString(),
    description: "Public app's client secret (code exchange and refresh).",
    sensitive: true,
  },
  hubspotScopes: {
    env: 'HUBSPOT_SCOPES',
    schema: env.string(DEFAULT_HUBSPOT_SCOPES),
    description: 'Space-separated required scopes of the install link (hubspot-api.md §5.2).',
  },
  hubspotTimeoutMs: {
    env: 'HUBSPOT_TIMEOUT_MS',
    schema: positiveInt(10_000, 120_000),
    description: 'Timeout of one HubSpot OAuth call.',
  },
  tokenRefreshMarginMs: {
    env: 'TOKEN_REFRESH_MARGIN_MS',
    schema: positiveInt(300_000),
    description: 'An OAuth access token this close to expiry is refreshed before it is handed out.',
  },
  oauthStateTtlMs: {
    env: 'OAUTH_STATE_TTL_MS',
    schema: positiveInt(600_000),
    description: 'How long an install link (its `state`) stays usable.',
  },
  segmentExportUrl: {
    env: 'SEGMENT_EXPORT_URL',
    schema: env.url('http://127.0.0.1:3005'),
    description: "segment-export's HTTP API (last sync run per segment for the status view).",
  },
  segmentExportTimeoutMs: {
    env: 'SEGMENT_EXPORT_TIMEOUT_MS',
    schema: positiveInt(1_500, 60_000),
    description: 'Timeout of one segment-export call; on timeout `lastRun` is null.',
  },
});

/** The validated configuration of control-api. */
export type ControlApiConfig = ConfigOf<typeof CONTROL_API_CONFIG>;

/** Both specs, in the order `.env.example` lists them. */
export const ALL_CONFIG_SPECS = [COMMON_CONFIG, CONTROL_API_CONFIG] as const;

/** Nest injection token of {@link ControlApiConfig}. */
export const CONTROL_API_CONFIG_TOKEN = Symbol('CONTROL_API_CONFIG');

/** Loads and validates the config from `source`. @throws ConfigError (never with a secret value). */
export const loadControlApiConfig = (source: NodeJS.ProcessEnv = process.env): ControlApiConfig =>
  loadConfig(CONTROL_API_CONFIG, source);
