import { COMMON_CONFIG, type ConfigOf, defineConfig, env, loadConfig } from '@hubheap/service';
import { hubSpotPortalsSchema } from '@hubheap/hubspot';

/** Environment `import contacts` reads (`--token` and `--base-url` override the HubSpot ones). */
export const CONTACT_BACKFILL_CONFIG = defineConfig({
  kafkaBrokers: COMMON_CONFIG.kafkaBrokers,
  schemaRegistryUrl: COMMON_CONFIG.schemaRegistryUrl,
  databaseUrl: COMMON_CONFIG.databaseUrl,
  hubspotPortals: {
    env: 'HUBSPOT_PORTALS',
    schema: hubSpotPortalsSchema,
    description:
      'JSON `[{"portalId":62515,"accessToken":"…"}]` as for the apps; the portal\'s token is used.',
    sensitive: true,
  },
  hubspotAccessToken: {
    env: 'HUBSPOT_ACCESS_TOKEN',
    schema: env.optionalString(),
    description:
      'Token (scope `crm.objects.contacts.read`) when the portal is not in HUBSPOT_PORTALS; or `--token`.',
    sensitive: true,
  },
  hubspotBaseUrl: {
    env: 'HUBSPOT_BASE_URL',
    schema: env.url('https://api.hubapi.com'),
    description: 'HubSpot API origin; or `--base-url` (point it at a fake in tests).',
  },
});

/** Validated settings of `import contacts`. */
export type ContactBackfillConfig = ConfigOf<typeof CONTACT_BACKFILL_CONFIG>;

/** Reads and validates the environment. @throws ConfigError listing every invalid variable. */
export const loadContactBackfillConfig = (source: NodeJS.ProcessEnv = process.env): ContactBackfillConfig =>
  loadConfig(CONTACT_BACKFILL_CONFIG, source);
