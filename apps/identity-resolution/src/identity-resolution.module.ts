import { type DynamicModule, Module } from '@nestjs/common';
import { register } from 'prom-client';
import { HEAP_TRACK_EVENTS, HUBSPOT_EMAIL_EVENTS } from '@hubheap/schemas';
import { KafkaModule } from '@hubheap/service';
import {
  EMAIL_EVENTS_CONSUMER_OPTIONS,
  EmailEventsConsumer,
  type EmailEventsConsumerOptions,
} from './email-events.consumer';
import { type IdentityResolutionConfig, loadIdentityResolutionConfig } from './identity-resolution.config';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import { tenantDirectory } from './tenants.config';

/** Injection token of the validated {@link IdentityResolutionConfig}. */
export const IDENTITY_RESOLUTION_CONFIG_TOKEN = Symbol('IDENTITY_RESOLUTION_CONFIG');

/**
 * identity-resolution's wiring: KafkaPlatform (provisions `hubspot.email-events.v1`,
 * `heap.track-events.v1` and their `.dlq`), metrics on the process registry, and the email-events
 * consumer, which starts on bootstrap. Configuration is read from the environment when the module is
 * instantiated (not when imported); `overrides` replace single values (tests pass tenants and a group).
 */
@Module({})
export class IdentityResolutionModule {
  static forRoot(overrides: Partial<IdentityResolutionConfig> = {}): DynamicModule {
    return {
      module: IdentityResolutionModule,
      imports: [
        KafkaModule.forRoot({
          clientId: 'identity-resolution',
          topics: [HUBSPOT_EMAIL_EVENTS, HEAP_TRACK_EVENTS],
        }),
      ],
      providers: [
        {
          provide: IDENTITY_RESOLUTION_CONFIG_TOKEN,
          useFactory: (): IdentityResolutionConfig => ({ ...loadIdentityResolutionConfig(), ...overrides }),
        },
        { provide: IdentityResolutionMetrics, useFactory: () => new IdentityResolutionMetrics(register) },
        {
          provide: EMAIL_EVENTS_CONSUMER_OPTIONS,
          inject: [IDENTITY_RESOLUTION_CONFIG_TOKEN],
          useFactory: (config: IdentityResolutionConfig): EmailEventsConsumerOptions => ({
            groupId: config.consumerGroup,
            tenants: tenantDirectory(config),
          }),
        },
        EmailEventsConsumer,
      ],
      exports: [EmailEventsConsumer, IdentityResolutionMetrics],
    };
  }
}
