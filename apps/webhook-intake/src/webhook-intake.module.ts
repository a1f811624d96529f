import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ConfigHeapCredentialsProvider, heapCredentialsProviderFromConfig } from '@hubheap/heap';
import {
  HubSpotRateBudget,
  requestsPer10sOf,
  tokenProviderFromConfig,
  type HubSpotRateBudgetOptions,
} from '@hubheap/hubspot';
import { KafkaPlatform } from '@hubheap/kafka';
import {
  HEAP_SEGMENT_DELTAS,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type TopicContract,
} from '@hubheap/schemas';
import { COMMON_CONFIG, KafkaModule, loadConfig, TenantSettingsModule } from '@hubheap/service';
import { DataSource } from 'typeorm';
import { EmailPollStateRepository } from './database/email-poll-state.repository';
import { openIntakeDatabase } from './database/intake-database';
import { PortalLockRepository } from './database/portal-lock.repository';
import { HeapSegmentBodyParserInstaller } from './heap-segments/heap-segment-body.middleware';
import { HeapSegmentIntakeService } from './heap-segments/heap-segment-intake.service';
import { HeapSegmentMetrics } from './heap-segments/heap-segment.metrics';
import { HeapSegmentWebhookController } from './heap-segments/heap-segment-webhook.controller';
import { IntakeMetrics } from './intake.metrics';
import { EMAIL_POLL_SETTINGS, EmailPollService, type EmailPollSettings } from './poller/email-poll.service';
import { EmailPollScheduler } from './poller/email-poll-scheduler.service';
import { PollerController } from './poller/poller.controller';
import { PortalEmailEventsClient } from './poller/portal-email-events.client';
import { HubSpotWebhookController } from './webhook/hubspot-webhook.controller';
import { WebhookBodyParserInstaller } from './webhook/webhook-body.middleware';
import { WebhookIntakeService } from './webhook/webhook-intake.service';
import {
  HEAP_CREDENTIALS,
  HUBSPOT_TOKENS,
  INTAKE_CONFIG,
  loadIntakeConfig,
  type WebhookIntakeConfig,
} from './webhook-intake.config';

/** Overrides for {@link WebhookIntakeModule.forRoot}; tests use them, production passes nothing. */
export interface WebhookIntakeModuleOptions {
  /** Replaces values read from the environment (e.g. `hubspotBaseUrl` of a HubSpot fake). */
  config?: Partial<WebhookIntakeConfig>;
  /** A KafkaPlatform to use instead of one built from KAFKA_BROKERS; the caller provisions and closes it. */
  kafka?: KafkaPlatform;
  /** Tuning of the HubSpot rate budget (tests: a short `windowMs` and backoff). */
  rateBudget?: HubSpotRateBudgetOptions;
}

/** Longest wait for the rate budget a poll accepts (e.g. after a DAILY 429); longer → the poll backs off. */
const POLL_MAX_BUDGET_WAIT_MS = 60_000;

const DAY_MS = 86_400_000;

/** The topics webhook-intake writes (KafkaModule's `TopicContract<unknown>` needs the widening cast). */
export const INTAKE_TOPICS = [
  HUBSPOT_WEBHOOK_EVENTS,
  HUBSPOT_EMAIL_EVENTS,
  HEAP_SEGMENT_DELTAS,
] as ReadonlyArray<TopicContract<unknown>>;

/** Closes the poller's DataSource and the rate budget's pool last, after the scheduler stopped using them. */
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

const infrastructure = (options: WebhookIntakeModuleOptions): Provider[] => [
  { provide: INTAKE_CONFIG, useFactory: () => ({ ...loadIntakeConfig(), ...options.config }) },
  { provide: DataSource, useFactory: () => openIntakeDatabase(loadConfig(COMMON_CONFIG).databaseUrl) },
  DatabaseLifecycle,
  {
    provide: PortalLockRepository,
    useFactory: () => new PortalLockRepository(loadConfig(COMMON_CONFIG).databaseUrl),
  },
  { provide: IntakeMetrics, useFactory: () => new IntakeMetrics() },
  ...(options.kafka ? [{ provide: KafkaPlatform, useValue: options.kafka }] : []),
];

const poller = (options: WebhookIntakeModuleOptions): Provider[] => [
  {
    provide: EMAIL_POLL_SETTINGS,
    inject: [INTAKE_CONFIG],
    useFactory: (config: WebhookIntakeConfig): EmailPollSettings => ({
      lookbackMs: config.pollLookbackMs,
      safetyLagMs: config.pollSafetyLagMs,
      maxWindowEvents: config.pollMaxWindowEvents,
      initialStart: config.pollInitialStart ?? Date.now() - DAY_MS,
    }),
  },
  {
    // The HubSpot rate budget shared with every replica and app on this Postgres (libs/hubspot rate-budget.ts).
    provide: HubSpotRateBudget,
    inject: [INTAKE_CONFIG],
    useFactory: (config: WebhookIntakeConfig) =>
      HubSpotRateBudget.fromDatabaseUrl(loadConfig(COMMON_CONFIG).databaseUrl, {
        windowMs: config.hubspotRateWindowMs,
        portalRequestsPerWindow: requestsPer10sOf(config.hubspotPortals),
        maxWaitMs: POLL_MAX_BUDGET_WAIT_MS,
        ...options.rateBudget,
      }),
  },
  {
    provide: PortalEmailEventsClient,
    inject: [INTAKE_CONFIG, HubSpotRateBudget],
    useFactory: (config: WebhookIntakeConfig, budget: HubSpotRateBudget) =>
      new PortalEmailEventsClient({
        basePath: config.hubspotBaseUrl,
        pageLimit: config.pollPageLimit,
        gate: budget,
      }),
  },
  {
    // HUBSPOT_TOKEN_SOURCE: HUBSPOT_PORTALS tokens, or each portal's token from control-api
    provide: HUBSPOT_TOKENS,
    inject: [INTAKE_CONFIG],
    useFactory: (config: WebhookIntakeConfig) => tokenProviderFromConfig(config),
  },
  EmailPollStateRepository,
  EmailPollService,
  EmailPollScheduler,
];

/**
 * Tenant settings (SETTINGS_SOURCE): with `env`, the portals of HUBSPOT_PORTALS and HEAP_SEGMENT_WEBHOOKS,
 * always active; with `topic`, integration.settings.v1 (the poller pauses portals whose source is off).
 */
const tenantSettings = (options: WebhookIntakeModuleOptions) =>
  TenantSettingsModule.forRoot({
    source: options.config?.settingsSource,
    kafka: options.kafka,
    envTenants: () => {
      const config = { ...loadIntakeConfig(), ...options.config };
      return [
        ...config.heapSegmentWebhooks.map((t) => ({ portalId: t.portalId, heapAppId: t.heapAppId })),
        ...config.hubspotPortals.map((p) => ({ portalId: p.portalId })),
      ].filter((t, i, all) => all.findIndex((o) => o.portalId === t.portalId) === i);
    },
  });

/**
 * webhook-intake's wiring: HubSpot webhooks → `hubspot.webhook-events.v1`, the Email Events poller →
 * `hubspot.email-events.v1`, Heap Segments Sync pages → `heap.segment-deltas.v1` (topics provisioned at boot), its Postgres schema `webhook_intake`
 * (migrated at boot) and metrics. Configuration is read when the module is instantiated.
 */
@Module({})
export class WebhookIntakeModule {
  static forRoot(options: WebhookIntakeModuleOptions = {}): DynamicModule {
    return {
      module: WebhookIntakeModule,
      imports: [
        ...(options.kafka
          ? []
          : [KafkaModule.forRoot({ clientId: 'webhook-intake', topics: INTAKE_TOPICS })]),
        tenantSettings(options),
      ],
      controllers: [HubSpotWebhookController, PollerController, HeapSegmentWebhookController],
      providers: [
        ...infrastructure(options),
        ...poller(options),
        WebhookBodyParserInstaller,
        WebhookIntakeService,
        { provide: HeapSegmentMetrics, useFactory: () => new HeapSegmentMetrics() },
        HeapSegmentBodyParserInstaller,
        {
          // HEAP_CREDENTIALS_SOURCE: HEAP_SEGMENT_WEBHOOKS, or each portal's Segments Sync secret from control-api
          provide: HEAP_CREDENTIALS,
          inject: [INTAKE_CONFIG],
          useFactory: (config: WebhookIntakeConfig) =>
            heapCredentialsProviderFromConfig(config, {
              config: new ConfigHeapCredentialsProvider(
                new Map(),
                new Map(config.heapSegmentWebhooks.map((t) => [t.portalId, t.secret])),
              ),
            }),
        },
        HeapSegmentIntakeService,
      ],
      exports: [INTAKE_CONFIG, EmailPollScheduler, EmailPollStateRepository, EmailPollService, DataSource],
    };
  }
}
