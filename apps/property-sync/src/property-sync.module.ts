import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConfigHeapCredentialsProvider,
  HeapClient,
  heapCredentialsProviderFromConfig,
  HeapUserDeletionClient,
} from '@hubheap/heap';
import {
  ContactPropertiesClient,
  type HubSpotCallGate,
  HubSpotRateBudget,
  requestsPer10sOf,
  tokenProviderFromConfig,
} from '@hubheap/hubspot';
import { HUBSPOT_CONTACT_CHANGES, type TopicContract } from '@hubheap/schemas';
import { COMMON_CONFIG, KafkaModule, loadConfig } from '@hubheap/service';
import { DataSource } from 'typeorm';
import {
  CONTACT_CHANGES_CONSUMER_OPTIONS,
  ContactChangesConsumer,
  type ContactChangesConsumerOptions,
} from './contact-changes.consumer';
import { DeletionRepository } from './database/deletion.repository';
import { PropertyCacheRepository } from './database/property-cache.repository';
import { openPropertySyncDatabase } from './database/property-sync-database';
import { DELETION_STATUS_POLL_MS, DeletionStatusPoller } from './heap/deletion-status.poller';
import { HEAP_CREDENTIALS, UserDeletionsService } from './heap/user-deletions.service';
import { CACHE_TIMING, type CacheTiming, PropertyDefinitionCache } from './hubspot/property-definition.cache';
import {
  loadPropertySyncConfig,
  PROPERTY_SYNC_CONFIG_TOKEN,
  type PropertySyncConfig,
} from './property-sync.config';
import { PropertySyncMetrics } from './property-sync.metrics';

/** Injection token of the {@link HubSpotCallGate} every HubSpot call goes through. */
export const HUBSPOT_CALL_GATE = Symbol('HUBSPOT_CALL_GATE');

/** Closes the gate's and the DataSource's pools last, after the consumer and the poller stopped using them. */
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
 * The HubSpot rate budget shared with every replica and app on the same Postgres (schema
 * `hubspot_budget`, libs/hubspot rate-budget.ts): per-portal limit from `requestsPer10s`, default 100 − 10 %.
 */
const rateBudget = (config: PropertySyncConfig): HubSpotRateBudget =>
  HubSpotRateBudget.fromDatabaseUrl(loadConfig(COMMON_CONFIG).databaseUrl, {
    windowMs: config.hubspotRateWindowMs,
    portalRequestsPerWindow: requestsPer10sOf(config.hubspotPortals),
    transientAttempts: config.hubspotRetryAttempts,
    transientStartingDelayMs: config.hubspotServerErrorWaitMs,
  });

/** What tests (and later the shared rate budget) may replace besides config values. */
export interface PropertySyncModuleOptions {
  /** Config values replacing the environment's. */
  config?: Partial<PropertySyncConfig>;
  /** The portal rate budget; default the shared Postgres-backed {@link HubSpotRateBudget}. */
  gate?: HubSpotCallGate;
  /** Postgres schema (tests use a throw-away one); default `property_sync`. */
  dbSchema?: string;
}

/**
 * property-sync's wiring: `hubspot.contact-changes.v1` (provisioned at boot) → HubSpot contacts batch
 * read (definitions cached in schema `property_sync`, migrated at boot) → Heap add_user_properties;
 * privacy deletions → Heap user deletion API, status polled. Configuration is read when the module is
 * instantiated.
 */
@Module({})
export class PropertySyncModule {
  static forRoot(options: PropertySyncModuleOptions = {}): DynamicModule {
    return {
      module: PropertySyncModule,
      imports: [
        KafkaModule.forRoot({
          clientId: 'property-sync',
          topics: [HUBSPOT_CONTACT_CHANGES] as ReadonlyArray<TopicContract<unknown>>,
        }),
      ],
      providers: [
        {
          provide: PROPERTY_SYNC_CONFIG_TOKEN,
          useFactory: (): PropertySyncConfig => ({ ...loadPropertySyncConfig(), ...options.config }),
        },
        {
          provide: DataSource,
          useFactory: () => openPropertySyncDatabase(loadConfig(COMMON_CONFIG).databaseUrl, options.dbSchema),
        },
        DatabaseLifecycle,
        PropertySyncMetrics,
        {
          provide: HUBSPOT_CALL_GATE,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig): HubSpotCallGate => options.gate ?? rateBudget(config),
        },
        {
          provide: ContactPropertiesClient,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN, HUBSPOT_CALL_GATE],
          useFactory: (config: PropertySyncConfig, gate: HubSpotCallGate) =>
            new ContactPropertiesClient({
              // HUBSPOT_TOKEN_SOURCE: HUBSPOT_PORTALS tokens, or each portal's token from control-api
              tokens: tokenProviderFromConfig(config),
              gate,
              basePath: config.hubspotBaseUrl,
            }),
        },
        {
          provide: HeapClient,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig) =>
            new HeapClient({ baseUrl: config.heapBaseUrl, timeoutMs: config.heapTimeoutMs }),
        },
        {
          provide: HeapUserDeletionClient,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig) =>
            new HeapUserDeletionClient({
              baseUrl: config.heapPrivacyBaseUrl,
              timeoutMs: config.heapTimeoutMs,
            }),
        },
        {
          // HEAP_CREDENTIALS_SOURCE: HEAP_PRIVACY_KEYS, or each app_id's Heap API key from control-api
          provide: HEAP_CREDENTIALS,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig) =>
            heapCredentialsProviderFromConfig(config, {
              config: new ConfigHeapCredentialsProvider(
                new Map(config.heapPrivacyKeys.map((k) => [k.appId, k.apiKey])),
                new Map(),
              ),
            }),
        },
        {
          provide: CACHE_TIMING,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig): CacheTiming => ({
            minRefreshMs: config.propertyCacheMinRefreshMs,
            maxAgeMs: config.propertyCacheMaxAgeMs,
          }),
        },
        {
          provide: DELETION_STATUS_POLL_MS,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig) => config.deletionStatusPollMs,
        },
        {
          provide: CONTACT_CHANGES_CONSUMER_OPTIONS,
          inject: [PROPERTY_SYNC_CONFIG_TOKEN],
          useFactory: (config: PropertySyncConfig): ContactChangesConsumerOptions => ({
            groupId: config.consumerGroup,
            maxBatchSize: config.maxBatchSize,
            coalesceWindowMs: config.coalesceWindowMs,
            portalIds:
              config.hubspotTokenSource === 'control-api'
                ? { has: () => true }
                : new Set(config.hubspotPortals.map((p) => p.portalId)),
          }),
        },
        PropertyCacheRepository,
        DeletionRepository,
        PropertyDefinitionCache,
        UserDeletionsService,
        DeletionStatusPoller,
        ContactChangesConsumer,
      ],
      exports: [
        ContactChangesConsumer,
        PropertySyncMetrics,
        UserDeletionsService,
        DeletionRepository,
        PropertyCacheRepository,
        DeletionStatusPoller,
        PROPERTY_SYNC_CONFIG_TOKEN,
      ],
    };
  }
}
