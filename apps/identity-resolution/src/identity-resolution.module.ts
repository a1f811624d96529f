import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { register } from 'prom-client';
import {
  HEAP_TRACK_EVENTS,
  HEAP_USER_IDENTITIES,
  HUBSPOT_CONTACT_CHANGES,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type TopicContract,
} from '@hubheap/schemas';
import { KafkaModule } from '@hubheap/service';
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
import { type IdentityResolutionConfig, loadIdentityResolutionConfig } from './identity-resolution.config';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import { HubSpotContactEmails, passThroughGate } from './lifecycle/hubspot-contact-emails.client';
import { tenantDirectory } from './tenants.config';
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

/** Injection token of the validated {@link IdentityResolutionConfig}. */
export const IDENTITY_RESOLUTION_CONFIG_TOKEN = Symbol('IDENTITY_RESOLUTION_CONFIG');

/** Closes the DataSource last, after the consumers stopped using it. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/**
 * identity-resolution's wiring: KafkaPlatform (provisions the topics it reads and writes and their
 * `.dlq`), Postgres schema `identity_resolution` (migrated at boot), metrics on the process registry,
 * the three consumers (email events, Heap identity feed, contact lifecycle webhooks) and the pending
 * sweeper, which start on bootstrap. Configuration is read from the environment when the module is
 * instantiated (not when imported); `overrides` replace single values (tests pass tenants and groups).
 */
@Module({})
export class IdentityResolutionModule {
  static forRoot(overrides: Partial<IdentityResolutionConfig> = {}): DynamicModule {
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
        {
          provide: HubSpotContactEmails,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig) =>
            HubSpotContactEmails.fromTenants(config.tenants, config.hubspotBaseUrl, passThroughGate),
        },
        {
          provide: EMAIL_EVENTS_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig): EmailEventsConsumerOptions => ({
            groupId: config.consumerGroup,
            tenants: tenantDirectory(config),
          }),
        },
        {
          provide: USER_IDENTITIES_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig): UserIdentitiesConsumerOptions => ({
            groupId: config.userIdentitiesGroup,
            tenants: tenantDirectory(config),
          }),
        },
        {
          provide: WEBHOOK_EVENTS_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig): WebhookEventsConsumerOptions => ({
            groupId: config.webhookEventsGroup,
            tenants: tenantDirectory(config),
          }),
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
        IdentityResolutionMetrics,
      ],
    };
  }
}
