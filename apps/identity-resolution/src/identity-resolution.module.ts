import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { register } from 'prom-client';
import {
  type HubSpotCallGate,
  HubSpotRateBudget,
  type HubSpotTokenProvider,
  requestsPer10sOf,
  StaticTokenProvider,
  staticTokensOf,
  tokenProviderFromConfig,
} from '@hubheap/hubspot';
import {
  HEAP_TRACK_EVENTS,
  HEAP_USER_IDENTITIES,
  HUBSPOT_CONTACT_CHANGES,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type TopicContract,
} from '@hubheap/schemas';
import { KafkaModule, TenantSettings, TenantSettingsModule } from '@hubheap/service';
import { DataSource } from 'typeorm';
import { ContactsRepository } from './database/contacts.repository';
import { IdentityMapRepository } from './database/identity-map.repository';
import { openIdentityResolutionDatabase } from './database/identity-resolution-database';
import { PendingRecordsRepository } from './database/pending-records.repository';
import {
  EMAIL_EVENTS_CONSUMER_OPTIONS,
  EmailEventsConsumer,
  type EmailEventsConsumerOptions,
} from './email-events.consumer';
import { PENDING_OPTIONS, PendingService, type PendingOptions } from './identity/pending.service';
import { SourcePauseService } from './identity/source-pause.service';
import { type IdentityResolutionConfig, loadIdentityResolutionConfig } from './identity-resolution.config';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import { HubSpotContactEmails } from './lifecycle/hubspot-contact-emails.client';
import { directoryFromSettings, type TenantDirectory, tenantDirectory } from './tenants.config';
import {
  USER_IDENTITIES_CONSUMER_OPTIONS,
  UserIdentitiesConsumer,
  type UserIdentitiesConsumerOptions,
} from './user-identities.consumer';
import {
  WEBHOOK_EVENTS_CONSUMER_OPTIONS,
  WebhookEventsConsumer,
  type WebhookEventsConsumerOptions,
} from './webhook-events.consumer';

/**
 * Where HubSpot tokens come from: `HUBSPOT_TOKEN_SOURCE=control-api` → control-api for every portal;
 * `config` → the `HUBSPOT_PORTALS` tokens plus the tenants' `hubspotAccessToken`, and portals with
 * neither are not asked.
 */
const hubSpotTokens = (
  config: IdentityResolutionConfig,
): { tokens: HubSpotTokenProvider; canAsk: (portalId: number) => boolean } => {
  if (config.hubspotTokenSource === 'control-api')
    return { tokens: tokenProviderFromConfig(config), canAsk: () => true };
  const tokens = staticTokensOf(config.hubspotPortals);
  for (const t of config.tenants)
    if (t.hubspotAccessToken && !tokens.has(t.portalId)) tokens.set(t.portalId, t.hubspotAccessToken);
  return { tokens: new StaticTokenProvider(tokens), canAsk: (portalId) => tokens.has(portalId) };
};

/** Injection token of the validated {@link IdentityResolutionConfig}. */
export const IDENTITY_RESOLUTION_CONFIG_TOKEN = Symbol('IDENTITY_RESOLUTION_CONFIG');

/** Injection token of the current {@link TenantDirectory} (a function, read per batch). */
export const TENANT_DIRECTORY = Symbol('TENANT_DIRECTORY');

/**
 * The tenants as of now: SETTINGS_SOURCE=env → the fixed `TENANTS` directory; `topic` → one built from
 * `integration.settings.v1` (rebuilt after every change), `TENANTS` unused except for tokens.
 */
const currentDirectory = (
  config: IdentityResolutionConfig,
  settings: TenantSettings,
): (() => TenantDirectory) => {
  if (settings.source === 'env') {
    const fixed = tenantDirectory(config);
    return () => fixed;
  }
  let cached: TenantDirectory | undefined;
  settings.onChange(() => (cached = undefined));
  return () => (cached ??= directoryFromSettings(settings.all(), config));
};

/** Injection token of the {@link HubSpotCallGate} every HubSpot call goes through. */
export const HUBSPOT_CALL_GATE = Symbol('HUBSPOT_CALL_GATE');

/** Closes the gate's and the DataSource's pools last, after the consumers stopped using them. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(HUBSPOT_CALL_GATE) private readonly gate: HubSpotCallGate,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.gate instanceof HubSpotRateBudget) await this.gate.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * The HubSpot rate budget shared with every replica and app on the same Postgres (libs/hubspot
 * rate-budget.ts): per-portal limit from `requestsPer10s`, default 100 − 10 %.
 */
const rateBudget = (config: IdentityResolutionConfig): HubSpotRateBudget =>
  HubSpotRateBudget.fromDatabaseUrl(config.databaseUrl, {
    windowMs: config.hubspotRateWindowMs,
    portalRequestsPerWindow: requestsPer10sOf(config.hubspotPortals),
  });

/**
 * identity-resolution's wiring: KafkaPlatform (provisions the topics it reads and writes and their
 * `.dlq`), Postgres schema `identity_resolution` (migrated at boot), metrics on the process registry,
 * the three consumers (email events, Heap identity feed, contact lifecycle webhooks) and the pending
 * sweeper, which start on bootstrap. Configuration is read from the environment when the module is
 * instantiated (not when imported); `overrides` replace single values (tests pass tenants and groups).
 */
@Module({})
export class IdentityResolutionModule {
  /**
   * @param overrides config values replacing the environment's (tests: tenants, groups, HubSpot fake)
   * @param gate the portal rate budget; default the shared Postgres-backed {@link HubSpotRateBudget}
   */
  static forRoot(overrides: Partial<IdentityResolutionConfig> = {}, gate?: HubSpotCallGate): DynamicModule {
    return {
      module: IdentityResolutionModule,
      imports: [
        KafkaModule.forRoot({
          clientId: 'identity-resolution',
          topics: [
            HUBSPOT_EMAIL_EVENTS,
            HEAP_TRACK_EVENTS,
            HUBSPOT_WEBHOOK_EVENTS,
            HUBSPOT_CONTACT_CHANGES,
            HEAP_USER_IDENTITIES,
          ] as ReadonlyArray<TopicContract<unknown>>,
        }),
        // SETTINGS_SOURCE=env: TENANTS, always active; topic: integration.settings.v1 (issue #5).
        TenantSettingsModule.forRoot({ source: overrides.settingsSource }),
      ],
      providers: [
        {
          provide: IDENTITY_RESOLUTION_CONFIG_TOKEN,
          useFactory: (): IdentityResolutionConfig => ({ ...loadIdentityResolutionConfig(), ...overrides }),
        },
        {
          provide: DataSource,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig) =>
            openIdentityResolutionDatabase(config.databaseUrl),
        },
        DatabaseLifecycle,
        { provide: IdentityResolutionMetrics, useFactory: () => new IdentityResolutionMetrics(register) },
        IdentityMapRepository,
        PendingRecordsRepository,
        ContactsRepository,
        {
          provide: PENDING_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig): PendingOptions => ({
            maxAgeMs: config.pendingMaxAgeMs,
            sweepIntervalMs: config.pendingSweepIntervalMs,
          }),
        },
        PendingService,
        SourcePauseService,
        {
          provide: TENANT_DIRECTORY,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN, TenantSettings],
          useFactory: currentDirectory,
        },
        {
          provide: HUBSPOT_CALL_GATE,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig): HubSpotCallGate => gate ?? rateBudget(config),
        },
        {
          provide: HubSpotContactEmails,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN, HUBSPOT_CALL_GATE],
          useFactory: (config: IdentityResolutionConfig, callGate: HubSpotCallGate) =>
            new HubSpotContactEmails({
              ...hubSpotTokens(config),
              gate: callGate,
              basePath: config.hubspotBaseUrl,
            }),
        },
        {
          provide: EMAIL_EVENTS_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN, TENANT_DIRECTORY],
          useFactory: (
            config: IdentityResolutionConfig,
            tenants: () => TenantDirectory,
          ): EmailEventsConsumerOptions => ({ groupId: config.consumerGroup, tenants }),
        },
        {
          provide: USER_IDENTITIES_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN, TENANT_DIRECTORY],
          useFactory: (
            config: IdentityResolutionConfig,
            tenants: () => TenantDirectory,
          ): UserIdentitiesConsumerOptions => ({ groupId: config.userIdentitiesGroup, tenants }),
        },
        {
          provide: WEBHOOK_EVENTS_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN, TENANT_DIRECTORY],
          useFactory: (
            config: IdentityResolutionConfig,
            tenants: () => TenantDirectory,
          ): WebhookEventsConsumerOptions => ({ groupId: config.webhookEventsGroup, tenants }),
        },
        EmailEventsConsumer,
        UserIdentitiesConsumer,
        WebhookEventsConsumer,
      ],
      exports: [
        EmailEventsConsumer,
        UserIdentitiesConsumer,
        WebhookEventsConsumer,
        PendingService,
        SourcePauseService,
        IdentityResolutionMetrics,
      ],
    };
  }
}
