import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { HEAP_USER_IDENTITIES, type HeapUserIdentity } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
import { IdentityMapRepository } from './database/identity-map.repository';
import { PendingService } from './identity/pending.service';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import type { TenantDirectory } from './tenants.config';
import { planUserIdentities } from './user-identities.handler';

/** Injection token of {@link UserIdentitiesConsumerOptions}. */
export const USER_IDENTITIES_CONSUMER_OPTIONS = Symbol('USER_IDENTITIES_CONSUMER_OPTIONS');

/** How the identity-feed consumer joins Kafka. */
export interface UserIdentitiesConsumerOptions {
  /** `identity-resolution.user-identities` in production. */
  groupId: string;
  /** The tenants as of now (SETTINGS_SOURCE=topic: follows integration.settings.v1). */
  tenants: () => TenantDirectory;
}

/**
 * Adapter from `heap.user-identities.v1` (feed and `ops-cli import heap-users`) to `heap_identities`:
 * {@link planUserIdentities}, one transaction of upserts, then the release of every record waiting for
 * a now-mapped email (their track events / contact changes produced in original order, then their rows
 * deleted). Offsets are committed after both; a failure is retried with offsets uncommitted, and a
 * repeat is harmless (upserts by observedAt, releases find nothing left).
 */
@Injectable()
export class UserIdentitiesConsumer extends ConsumerAdapter<HeapUserIdentity> {
  protected readonly logger = new Logger(UserIdentitiesConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(IdentityResolutionMetrics) private readonly metrics: IdentityResolutionMetrics,
    @Inject(USER_IDENTITIES_CONSUMER_OPTIONS) private readonly options: UserIdentitiesConsumerOptions,
    @Inject(IdentityMapRepository) private readonly identities: IdentityMapRepository,
    @Inject(PendingService) private readonly pending: PendingService,
  ) {
    super(platform);
  }

  protected consumerOptions(): ConsumerAdapterOptions<HeapUserIdentity> {
    return { groupId: this.options.groupId, topics: [HEAP_USER_IDENTITIES] };
  }

  /** Applies one partition's batch and releases what waited for its emails. */
  async handle(records: ConsumedRecord<HeapUserIdentity>[]): Promise<void> {
    const plan = planUserIdentities(records, this.options.tenants());
    const mapped = await this.identities.apply(plan.updates);
    this.metrics.userIdentitiesApplied.inc(plan.updates.length);
    const released = await this.pending.release(mapped);
    if (released > 0) this.logger.log(`released ${released} waiting records`);
    for (const { record, reason } of plan.skipped) {
      this.logger.debug(
        `skipped ${record.topic}[${record.partition}]@${record.offset} (app ${record.value.appId}): ${reason}`,
      );
    }
  }
}
