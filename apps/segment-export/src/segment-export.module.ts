import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { HubSpotRateBudget, requestsPer10sOf, tokenProviderFromConfig } from '@hubheap/hubspot';
import { HEAP_SEGMENT_DELTAS, type TopicContract } from '@hubheap/schemas';
import { COMMON_CONFIG, KafkaModule, loadConfig, TenantSettingsModule } from '@hubheap/service';
import { DataSource } from 'typeorm';
import { MembershipRepository } from './database/membership.repository';
import { openSegmentExportDatabase } from './database/segment-export-database';
import { SegmentRepository } from './database/segment.repository';
import { SyncRunRepository } from './database/sync-run.repository';
import { RunsController } from './http/runs.controller';
import { SegmentsController } from './http/segments.controller';
import { SegmentSettingsApplier } from './settings/segment-settings.applier';
import { SegmentDeltasConsumer } from './membership/segment-deltas.consumer';
import {
  loadSegmentExportConfig,
  SEGMENT_EXPORT_CONFIG_TOKEN,
  type SegmentExportConfig,
} from './segment-export.config';
import { HubSpotClients } from './sync/hubspot-clients';
import { ListSyncExecutor } from './sync/list-sync.executor';
import { SyncScheduler } from './sync/sync-scheduler.service';
import { SyncService } from './sync/sync.service';

/** Closes the DataSource and the rate budget's pool last, after consumer, scheduler and syncs stopped using them. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(HubSpotRateBudget) private readonly budget: HubSpotRateBudget,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.budget.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * The HubSpot rate budget shared with every other replica and app on the same Postgres (schema
 * `hubspot_budget`, libs/hubspot rate-budget.ts): per-portal limit from `requestsPer10s`, default 100 − 10 %.
 */
const rateBudget = (config: SegmentExportConfig): HubSpotRateBudget =>
  HubSpotRateBudget.fromDatabaseUrl(loadConfig(COMMON_CONFIG).databaseUrl, {
    windowMs: config.hubspotRateWindowMs,
    portalRequestsPerWindow: requestsPer10sOf(config.hubspotPortals),
    transientAttempts: config.hubspotRetryAttempts,
    transientStartingDelayMs: config.hubspotServerErrorWaitMs,
  });

/**
 * segment-export's wiring: `heap.segment-deltas.v1` (provisioned at boot) → membership fold in schema
 * `segment_export` (migrated at boot); syncs into HubSpot lists (HTTP settings, sync-now, scheduler).
 * With SETTINGS_SOURCE=topic, segment sync modes follow integration.settings.v1 (SegmentSettingsApplier).
 * Configuration is read when the module is instantiated; `overrides` replace single values (tests).
 */
@Module({})
export class SegmentExportModule {
  static forRoot(overrides: Partial<SegmentExportConfig> = {}): DynamicModule {
    return {
      module: SegmentExportModule,
      imports: [
        KafkaModule.forRoot({
          clientId: 'segment-export',
          topics: [HEAP_SEGMENT_DELTAS] as ReadonlyArray<TopicContract<unknown>>,
        }),
        // SETTINGS_SOURCE=env: the HUBSPOT_PORTALS portals, always active; topic: integration.settings.v1.
        TenantSettingsModule.forRoot({
          source: overrides.settingsSource,
          envTenants: () =>
            (overrides.hubspotPortals ?? loadSegmentExportConfig().hubspotPortals).map((p) => ({
              portalId: p.portalId,
            })),
        }),
      ],
      controllers: [SegmentsController, RunsController],
      providers: [
        {
          provide: SEGMENT_EXPORT_CONFIG_TOKEN,
          useFactory: () => ({ ...loadSegmentExportConfig(), ...overrides }),
        },
        {
          provide: DataSource,
          useFactory: () => openSegmentExportDatabase(loadConfig(COMMON_CONFIG).databaseUrl),
        },
        { provide: HubSpotRateBudget, inject: [SEGMENT_EXPORT_CONFIG_TOKEN], useFactory: rateBudget },
        DatabaseLifecycle,
        {
          provide: HubSpotClients,
          inject: [SEGMENT_EXPORT_CONFIG_TOKEN, HubSpotRateBudget],
          useFactory: (config: SegmentExportConfig, budget: HubSpotRateBudget) =>
            // HUBSPOT_TOKEN_SOURCE: HUBSPOT_PORTALS tokens, or each portal's token from control-api
            new HubSpotClients(config, budget, tokenProviderFromConfig(config)),
        },
        MembershipRepository,
        SegmentRepository,
        SyncRunRepository,
        ListSyncExecutor,
        SyncService,
        SyncScheduler,
        SegmentSettingsApplier,
        SegmentDeltasConsumer,
      ],
      exports: [SyncScheduler, SyncService, SEGMENT_EXPORT_CONFIG_TOKEN],
    };
  }
}
