import { z } from 'zod';
import { defineConfig } from './config';

/**
 * The variable of {@link TenantSettingsModule}; apps list it in their own config spec (and
 * `.env.example`) by spreading `TENANT_SETTINGS_CONFIG.settingsSource`.
 */
export const TENANT_SETTINGS_CONFIG = defineConfig({
  settingsSource: {
    env: 'SETTINGS_SOURCE',
    schema: z.enum(['env', 'topic']).default('env'),
    description:
      "`env`: tenants come from this app's env config and are always active (no control-api needed); `topic`: read tenant settings (active/disconnected, source toggle, segment modes) from `integration.settings.v1`, written by control-api.",
  },
});
