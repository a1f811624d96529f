import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { HEAP_SEGMENT_DELTAS, type TopicContract } from '@hubheap/schemas';
import { COMMON_CONFIG, KafkaModule, loadConfig } from '@hubheap/service';
import { DataSource } from 'typeorm';
import { MembershipRepository } from './database/membership.repository';
import { openSegmentExportDatabase } from './database/segment-export-database';
import { SegmentRepository } from './database/segment.repository';
import { SyncRunRepository } from './database/sync-run.repository';
import { RunsController } from './http/runs.controller';
import { SegmentsController } from './http/segments.controller';
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

/** Closes the DataSource last, after consumer, scheduler and syncs stopped using it. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * segment-export's wiring: `heap.segment-deltas.v1` (provisioned at boot) → membership fold in schema
 * `segment_export` (migrated at boot); syncs into HubSpot lists (HTTP settings, sync-now, scheduler).
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
        DatabaseLifecycle,
        {
          provide: HubSpotClients,
          inject: [SEGMENT_EXPORT_CONFIG_TOKEN],
          useFactory: (config: SegmentExportConfig) => new HubSpotClients(config),
        },
        MembershipRepository,
        SegmentRepository,
        SyncRunRepository,
        ListSyncExecutor,
        SyncService,
        SyncScheduler,
        SegmentDeltasConsumer,
      ],
      exports: [SyncScheduler, SyncService, SEGMENT_EXPORT_CONFIG_TOKEN],
    };
  }
}
