import { ConfigError, defineConfig, env, type ConfigOf } from '@hubheap/service';
import { z } from 'zod';
import type { HubSpotPortalEntry } from './hubspot-portals.config';
import { StaticTokenProvider, type HubSpotTokenProvider } from './portal-access';
import { ControlApiTokenProvider } from './token-provider';

/** Where an app's HubSpot access tokens come from (`HUBSPOT_TOKEN_SOURCE`). */
export type HubSpotTokenSource = 'config' | 'control-api';

/**
 * The variables of {@link tokenProviderFromConfig}; apps spread them into their own config spec (and
 * `.env.example`): `...HUBSPOT_TOKEN_SOURCE_CONFIG`.
 */
export const HUBSPOT_TOKEN_SOURCE_CONFIG = defineConfig({
  hubspotTokenSource: {
    env: 'HUBSPOT_TOKEN_SOURCE',
    schema: z.enum(['config', 'control-api']).default('config'),
    description:
      "`config`: the private-app/OAuth tokens of `HUBSPOT_PORTALS`; `control-api`: each portal's token from control-api (`GET /internal/portals/:portalId/hubspot-token`, cached until shortly before expiry; needs `CONTROL_API_URL` and `INTERNAL_API_KEY`).",
  },
  controlApiUrl: {
    env: 'CONTROL_API_URL',
    schema: z.string().url().optional(),
    description:
      'control-api origin, e.g. `http://control-api:3006` (required with `HUBSPOT_TOKEN_SOURCE=control-api`).',
  },
  internalApiKey: {
    env: 'INTERNAL_API_KEY',
    schema: env.optionalString(),
    description:
      "Bearer key of control-api's internal API (the same value as control-api's; required with `HUBSPOT_TOKEN_SOURCE=control-api`).",
    sensitive: true,
  },
});

/** The values of {@link HUBSPOT_TOKEN_SOURCE_CONFIG}. */
export type HubSpotTokenSourceConfig = ConfigOf<typeof HUBSPOT_TOKEN_SOURCE_CONFIG>;

/** Options of {@link tokenProviderFromConfig} besides the config values. */
export interface TokenProviderFactoryOptions {
  /** Deadline of one control-api request (ms); default ControlApiTokenProvider's (10 000). */
  timeoutMs?: number;
  /** A cached control-api token is fetched again this long before its expiry (ms); default 60 000. */
  refreshBeforeExpiryMs?: number;
}

/**
 * The token provider `config` asks for: `HUBSPOT_TOKEN_SOURCE=config` (default) → StaticTokenProvider of
 * the `HUBSPOT_PORTALS` tokens; `control-api` → ControlApiTokenProvider (token-provider.ts) of
 * `CONTROL_API_URL` with `INTERNAL_API_KEY` (hubspot-api.md §5: OAuth tokens live 30 min, control-api
 * refreshes them).
 *
 * @throws ConfigError naming `CONTROL_API_URL` / `INTERNAL_API_KEY` when `control-api` lacks one
 *   (never a key value in the message).
 */
export const tokenProviderFromConfig = (
  config: HubSpotTokenSourceConfig & { hubspotPortals: ReadonlyArray<HubSpotPortalEntry> },
  options: TokenProviderFactoryOptions = {},
): HubSpotTokenProvider => {
  if (config.hubspotTokenSource === 'config') {
    return new StaticTokenProvider(new Map(config.hubspotPortals.map((p) => [p.portalId, p.accessToken])));
  }
  const problems = [
    ...(config.controlApiUrl ? [] : ['CONTROL_API_URL: required with HUBSPOT_TOKEN_SOURCE=control-api']),
    ...(config.internalApiKey ? [] : ['INTERNAL_API_KEY: required with HUBSPOT_TOKEN_SOURCE=control-api']),
  ];
  if (problems.length > 0 || !config.controlApiUrl || !config.internalApiKey) throw new ConfigError(problems);
  return new ControlApiTokenProvider({
    controlApiUrl: config.controlApiUrl,
    internalApiKey: config.internalApiKey,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.refreshBeforeExpiryMs === undefined
      ? {}
      : { refreshBeforeExpiryMs: options.refreshBeforeExpiryMs }),
  });
};

/**
 * Checks the cross-variable rule of {@link HUBSPOT_TOKEN_SOURCE_CONFIG} at boot (call it right after
 * loadConfig): with `control-api`, both `CONTROL_API_URL` and `INTERNAL_API_KEY` are set.
 * @throws ConfigError listing each missing variable.
 */
export const assertTokenSourceConfig = (config: HubSpotTokenSourceConfig): void => {
  tokenProviderFromConfig({ ...config, hubspotPortals: [] });
};
