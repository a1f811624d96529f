import { Inject, Injectable, Logger } from '@nestjs/common';
import { type BatchOutcome, type ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { HEAP_TRACK_EVENTS, HUBSPOT_EMAIL_EVENTS, type HubSpotEmailEvent } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
import { IdentityMapRepository } from './database/identity-map.repository';
import { PendingRecordsRepository } from './database/pending-records.repository';
import { planEmailEvents } from './email-events.handler';
import { identityKey, identityView, normaliseEmail } from './identity/identity-map';
import { PendingService } from './identity/pending.service';
import { gateBySource } from './identity/source-pause';
import { SourcePauseService } from './identity/source-pause.service';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import { emailIsIdentity, resolveTenant, type TenantDirectory } from './tenants.config';

/** Injection token of {@link EmailEventsConsumerOptions}. */
export const EMAIL_EVENTS_CONSUMER_OPTIONS = Symbol('EMAIL_EVENTS_CONSUMER_OPTIONS');

/** How the email-events consumer joins Kafka and which tenants it serves. */
export interface EmailEventsConsumerOptions {
  /** Consumer group; `identity-resolution.email-events` in production, a unique one for replays and tests. */
  groupId: string;
  /** The tenants as of now (SETTINGS_SOURCE=topic: follows integration.settings.v1; read per batch). */
  tenants: () => TenantDirectory;
  /** Records per handler call; default 1000. */
  maxBatchSize?: number;
}

/**
 * Adapter from `hubspot.email-events.v1` to `heap.track-events.v1`. Each batch of one partition is
 * planned by {@link planEmailEvents} over the identity map it reads first (tenants with a custom email
 * property); the track events are produced in one send that resolves after Kafka acked them
 * (acks=all), records without an identity are written to `pending_records`, and only then does the
 * libs/kafka runner commit the input offsets, so a crash repeats work (Heap drops repeats by
 * idempotency key) but never loses it. Parked emails whose identity arrived meanwhile are released at
 * once. Records without a tenant are returned as dead letters; skips are counted per reason. With
 * SETTINGS_SOURCE=topic a paused tenant's records are parked (`source-paused`, {@link gateBySource}) and
 * a disconnected tenant's skipped (`disconnected`).
 * A failed send or database write (retriable) is retried by the runner with offsets uncommitted.
 */
@Injectable()
export class EmailEventsConsumer extends ConsumerAdapter<HubSpotEmailEvent> {
  protected readonly logger = new Logger(EmailEventsConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(IdentityResolutionMetrics) private readonly metrics: IdentityResolutionMetrics,
    @Inject(EMAIL_EVENTS_CONSUMER_OPTIONS) private readonly options: EmailEventsConsumerOptions,
    @Inject(IdentityMapRepository) private readonly identities: IdentityMapRepository,
    @Inject(PendingRecordsRepository) private readonly pendingRecords: PendingRecordsRepository,
    @Inject(PendingService) private readonly pending: PendingService,
    @Inject(SourcePauseService) private readonly sourcePause: SourcePauseService,
  ) {
    super(platform);
    sourcePause.registerHandler(HUBSPOT_EMAIL_EVENTS.name, (records) =>
      this.handle(records as ConsumedRecord<HubSpotEmailEvent>[], true),
    );
  }

  protected consumerOptions(): ConsumerAdapterOptions<HubSpotEmailEvent> {
    return {
      groupId: this.options.groupId,
      topics: [HUBSPOT_EMAIL_EVENTS],
      maxBatchSize: this.options.maxBatchSize ?? 1000,
    };
  }

  protected override describe(): string {
    return `tenants: ${[...this.options.tenants().byPortal.keys()].join(', ') || 'none'}`;
  }

  /**
   * Plans one partition's batch, produces its track events, parks the unresolved and the records of
   * paused tenants, skips those of disconnected ones, returns its dead letters. `releasing`: the batch
   * is a release of `source-paused` records ({@link SourcePauseService}).
   */
  async handle(
    input: ConsumedRecord<HubSpotEmailEvent>[],
    releasing = false,
  ): Promise<BatchOutcome<HubSpotEmailEvent>> {
    const tenants = this.options.tenants();
    const portalOf = (r: ConsumedRecord<HubSpotEmailEvent>) => r.value.portalId;
    const gate = gateBySource(
      input,
      portalOf,
      tenants,
      releasing ? new Set() : await this.sourcePause.parkedPortals(input.map(portalOf)),
      releasing,
    );
    const records = gate.process;
    const pairs = this.customEmails(records, tenants);
    const view = identityView(
      await this.identities.identities(pairs),
      await this.pendingRecords.waiting(pairs),
    );
    const plan = planEmailEvents(records, tenants, view);
    const producer = await this.platform.producer();
    await producer.send(
      HEAP_TRACK_EVENTS,
      plan.track.map((value) => ({ value })),
    );
    const now = Date.now();
    await this.pending.park(
      plan.pending.map(({ record, appId, email, event }) => ({
        appId,
        portalId: record.value.portalId,
        email,
        reason: 'no-identity',
        origin: record,
        output: { topic: 'heap.track-events.v1', value: event },
        consumerGroup: this.options.groupId,
        enqueuedAt: now,
      })),
    );
    await this.releaseMapped(plan.pending);
    await this.sourcePause.park(
      gate.park.map(({ record, appId }) => ({
        appId,
        portalId: record.value.portalId,
        reason: 'source-paused' as const,
        origin: record,
        outputTopic: 'heap.track-events.v1' as const,
        consumerGroup: this.options.groupId,
        enqueuedAt: now,
      })),
    );
    this.metrics.batch(
      plan.track.length,
      [...plan.skipped.map((s) => s.reason), ...gate.disconnected.map(() => 'disconnected')],
      plan.deadLetters.length,
    );
    for (const { record, reason } of plan.skipped) {
      this.logger.debug(
        `skipped ${record.topic}[${record.partition}]@${record.offset} (portal ${record.value.portalId}, event ${record.value.id}): ${reason}`,
      );
    }
    return { deadLetters: plan.deadLetters };
  }

  /** `(app_id, email)` of the batch's records whose tenant maps emails through `heap_identities`. */
  private customEmails(
    records: ConsumedRecord<HubSpotEmailEvent>[],
    tenants: TenantDirectory,
  ): Array<{ appId: string; email: string }> {
    const pairs: Array<{ appId: string; email: string }> = [];
    for (const record of records) {
      const tenant = resolveTenant(tenants, record.value.portalId);
      const email = normaliseEmail(record.value.recipient);
      if (tenant && email && !emailIsIdentity(tenant)) pairs.push({ appId: tenant.heapAppId, email });
    }
    return pairs;
  }

  /**
   * Releases parked emails whose identity exists now: one that arrived between the identity read and
   * the park would otherwise wait for the next feed record (the feed consumer released before our rows
   * were committed).
   */
  private async releaseMapped(parked: ReadonlyArray<{ appId: string; email: string }>): Promise<void> {
    if (parked.length === 0) return;
    const mapped = await this.identities.identities(parked);
    await this.pending.release(parked.filter((p) => mapped.has(identityKey(p.appId, p.email))));
  }
}
