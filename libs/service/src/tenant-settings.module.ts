import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaPlatform } from '@hubheap/kafka';
import { INTEGRATION_SETTINGS, type TopicContract } from '@hubheap/schemas';
import { loadConfig } from './config';
import { TENANT_SETTINGS_CONFIG } from './tenant-settings.config';
import { type EnvTenant, type SettingsSource, TenantSettings } from './tenant-settings';

/** Options of {@link TenantSettingsModule.forRoot}. */
export interface TenantSettingsModuleOptions {
  /** Default: `SETTINGS_SOURCE` from the environment (`env` when unset). */
  source?: SettingsSource;
  /** The app's env-configured tenants (used when the source is `env`); evaluated at instantiation. */
  envTenants?: () => ReadonlyArray<EnvTenant>;
  /** A platform to read the topic with, for apps that do not import the global KafkaModule. */
  kafka?: KafkaPlatform;
  /** How long boot waits for the settings topic to be read (ms). Default 30 000. */
  readyTimeoutMs?: number;
}

/** Stops following the settings topic on shutdown. */
@Injectable()
class TenantSettingsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TenantSettings) private readonly settings: TenantSettings) {}
  async onApplicationShutdown(): Promise<void> {
    await this.settings.close();
  }
}

/**
 * Provides {@link TenantSettings} (global). With source `topic` it provisions `integration.settings.v1`
 * (compacted), reads it to its end before the app starts (boot fails with CompactedTableNotReadyError
 * after `readyTimeoutMs`) and follows it; with `env` it serves `envTenants()`.
 */
@Module({})
export class TenantSettingsModule {
  static forRoot(options: TenantSettingsModuleOptions = {}): DynamicModule {
    return {
      module: TenantSettingsModule,
      global: true,
      providers: [
        {
          provide: TenantSettings,
          inject: [{ token: KafkaPlatform, optional: true }],
          useFactory: async (injected?: KafkaPlatform): Promise<TenantSettings> => {
            const source = options.source ?? loadConfig(TENANT_SETTINGS_CONFIG).settingsSource;
            const logger = new Logger(TenantSettings.name);
            if (source === 'env') {
              const tenants = options.envTenants?.() ?? [];
              logger.log(`SETTINGS_SOURCE=env: ${tenants.length} tenant(s) from env config, all active`);
              return TenantSettings.fromEnv(tenants);
            }
            const platform = options.kafka ?? injected;
            if (!platform) throw new Error('SETTINGS_SOURCE=topic needs a KafkaPlatform (KafkaModule)');
            await platform.provision([INTEGRATION_SETTINGS] as ReadonlyArray<TopicContract<unknown>>);
            const settings = TenantSettings.fromTable(await platform.table(INTEGRATION_SETTINGS));
            await settings.ready(options.readyTimeoutMs);
            logger.log(
              `SETTINGS_SOURCE=topic: ${settings.all().length} tenant(s) from ${INTEGRATION_SETTINGS.name}`,
            );
            return settings;
          },
        },
        TenantSettingsLifecycle,
      ],
      exports: [TenantSettings],
    };
  }
}
