import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { HubSpotCallGate } from '@hubheap/hubspot';
import { INTEGRATION_SETTINGS, INTEGRATION_STATUS, type TopicContract } from '@hubheap/schemas';
import { COMMON_CONFIG, KafkaModule, loadConfig } from '@hubheap/service';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AdminAuthGuard, InternalAuthGuard } from './auth/auth.guards';
import { CONTROL_API_CONFIG_TOKEN, type ControlApiConfig, loadControlApiConfig } from './control-api.config';
import { parseSecretKeys, SecretBox } from './crypto/secret-box';
import { ApiKeyRepository } from './database/api-key.repository';
import { openControlApiDatabase } from './database/control-api-database';
import { OAuthStateRepository } from './database/oauth-state.repository';
import { SecretStore } from './database/secret.store';
import { SourceStatusRepository } from './database/source-status.repository';
import { TenantRepository } from './database/tenant.repository';
import { SegmentRunsClient } from './destination/segment-runs.client';
import {
  ADMIN_STATIC_DIR,
  AdminStaticController,
  DEFAULT_ADMIN_STATIC_DIR,
} from './http/admin-static.controller';
import { BodyErrorsFilter } from './http/body-errors.filter';
import { InternalController } from './http/internal.controller';
import { KeysController } from './http/keys.controller';
import { OAuthCallbackController } from './http/oauth-callback.controller';
import { SecretsController } from './http/secrets.controller';
import { TenantsController } from './http/tenants.controller';
import { HubSpotAuthService } from './hubspot/hubspot-auth.service';
import { HubSpotOAuthClient, passThroughGate } from './hubspot/hubspot-oauth.client';
import { SettingsPublisher } from './settings/settings.publisher';
import { STATUS_CONSUMER_GROUP, StatusConsumer } from './status/status.consumer';
import { TenantsService } from './tenants/tenants.service';

/** Injection token of the HubSpotCallGate OAuth calls run through (pass-through until HubSpotRateBudget lands). */
export const HUBSPOT_CALL_GATE = Symbol('HUBSPOT_CALL_GATE');

/** Closes the DataSource last, after the consumer stopped using it. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** Test seams of {@link ControlApiModule.forRoot}. */
export interface ControlApiModuleOptions {
  /** Replaces single config values. */
  config?: Partial<ControlApiConfig>;
  /** Postgres schema (default `control_api`); tests may use a throw-away one. */
  databaseSchema?: string;
  /** Gate of HubSpot calls; default pass-through. */
  gate?: HubSpotCallGate;
  /** Directory of the admin page; default `src/admin/static`. */
  adminStaticDir?: string;
}

/**
 * control-api's wiring: schema `control_api` (migrated at boot), `integration.settings.v1` (written,
 * republished at boot) and `integration.status.v1` (consumed), the admin and internal HTTP APIs.
 * Boot fails when SECRET_KEYS is missing or malformed.
 */
@Module({})
export class ControlApiModule {
  static forRoot(options: ControlApiModuleOptions = {}): DynamicModule {
    return {
      module: ControlApiModule,
      imports: [
        KafkaModule.forRoot({
          clientId: 'control-api',
          topics: [INTEGRATION_SETTINGS, INTEGRATION_STATUS] as ReadonlyArray<TopicContract<unknown>>,
        }),
      ],
      controllers: [
        KeysController,
        TenantsController,
        SecretsController,
        OAuthCallbackController,
        InternalController,
        AdminStaticController,
      ],
      providers: [
        {
          provide: CONTROL_API_CONFIG_TOKEN,
          useFactory: () => ({ ...loadControlApiConfig(), ...options.config }),
        },
        {
          provide: DataSource,
          useFactory: () =>
            openControlApiDatabase(loadConfig(COMMON_CONFIG).databaseUrl, options.databaseSchema),
        },
        DatabaseLifecycle,
        { provide: APP_FILTER, useClass: BodyErrorsFilter },
        { provide: ADMIN_STATIC_DIR, useValue: options.adminStaticDir ?? DEFAULT_ADMIN_STATIC_DIR },
        {
          provide: SecretBox,
          inject: [CONTROL_API_CONFIG_TOKEN],
          useFactory: (config: ControlApiConfig) => new SecretBox(parseSecretKeys(config.secretKeys)),
        },
        { provide: HUBSPOT_CALL_GATE, useValue: options.gate ?? passThroughGate },
        {
          provide: HubSpotOAuthClient,
          inject: [CONTROL_API_CONFIG_TOKEN, HUBSPOT_CALL_GATE],
          useFactory: (config: ControlApiConfig, gate: HubSpotCallGate) =>
            new HubSpotOAuthClient(
              {
                apiBase: config.hubspotApiBase,
                clientId: config.hubspotClientId,
                clientSecret: config.hubspotClientSecret,
                redirectUri: HubSpotAuthService.redirectUri(config),
                timeoutMs: config.hubspotTimeoutMs,
              },
              gate,
            ),
        },
        {
          provide: SegmentRunsClient,
          inject: [CONTROL_API_CONFIG_TOKEN],
          useFactory: (config: ControlApiConfig) =>
            new SegmentRunsClient(config.segmentExportUrl, config.segmentExportTimeoutMs),
        },
        {
          provide: STATUS_CONSUMER_GROUP,
          inject: [CONTROL_API_CONFIG_TOKEN],
          useFactory: (config: ControlApiConfig) => config.consumerGroup,
        },
        TenantRepository,
        SecretStore,
        ApiKeyRepository,
        OAuthStateRepository,
        SourceStatusRepository,
        HubSpotAuthService,
        SettingsPublisher,
        TenantsService,
        StatusConsumer,
        AdminAuthGuard,
        InternalAuthGuard,
      ],
      exports: [SecretStore, HubSpotAuthService],
    };
  }
}
