import { COMMON_CONFIG, type ConfigOf, defineConfig, env, loadConfig } from '@hubheap/service';

/** Environment the import reads (flags `--token` and `--base-url` override the HubSpot ones). */
export const IMPORT_CONFIG = defineConfig({
  kafkaBrokers: COMMON_CONFIG.kafkaBrokers,
  schemaRegistryUrl: COMMON_CONFIG.schemaRegistryUrl,
  databaseUrl: COMMON_CONFIG.databaseUrl,
  hubspotAccessToken: {
    env: 'HUBSPOT_ACCESS_TOKEN',
    schema: env.optionalString(),
    description:
      'HubSpot token (OAuth or private app, scope `content`) of the imported portal; or `--token`.',
    sensitive: true,
  },
  hubspotBaseUrl: {
    env: 'HUBSPOT_BASE_URL',
    schema: env.url('https://api.hubapi.com'),
    description: 'HubSpot API origin; or `--base-url` (point it at a fake in tests).',
  },
});

/** Validated import settings. */
export type ImportConfig = ConfigOf<typeof IMPORT_CONFIG>;

/** Reads and validates the environment. @throws ConfigError listing every invalid variable. */
export const loadImportConfig = (source: NodeJS.ProcessEnv = process.env): ImportConfig =>
  loadConfig(IMPORT_CONFIG, source);
