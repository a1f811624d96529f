import { Inject, Injectable, Logger } from '@nestjs/common';
import { HeapClient } from '@hubheap/heap';
import { ContactPropertiesClient, HubSpotTokenUnavailableError } from '@hubheap/hubspot';
import {
  type BatchHandler,
  type BatchOutcome,
  type ConsumedRecord,
  describeError,
  isRetriable,
  KafkaPlatform,
} from '@hubheap/kafka';
import { HUBSPOT_CONTACT_CHANGES, type HubSpotContactChange } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
import { planContactChanges, readsByPortal, type ContactRead } from './contact-changes.planner';
import { UserDeletionsService } from './heap/user-deletions.service';
import { PropertyDefinitionCache } from './hubspot/property-definition.cache';
import { PropertySyncMetrics } from './property-sync.metrics';
import { buildUserWrites, type HeapUserWrite, writeUserProperties } from './user-properties.writer';

type ChangeRecord = ConsumedRecord<HubSpotContactChange>;

/** Heartbeat period while a batch is handled (session timeout 10 s, libs/kafka BatchConsumer). */
const HEARTBEAT_EVERY_MS = 3_000;

/** Bytes a fetch waits for within the coalescing window before answering early (1 MiB). */
export const COALESCE_FETCH_MIN_BYTES = 1024 * 1024;

/** Injection token of {@link ContactChangesConsumerOptions}. */
export const CONTACT_CHANGES_CONSUMER_OPTIONS = Symbol('CONTACT_CHANGES_CONSUMER_OPTIONS');

/** How the consumer joins Kafka and which portals it can read. */
export interface ContactChangesConsumerOptions {
  groupId: string;
  maxBatchSize: number;
  /**
   * Coalescing window (ms, COALESCE_WINDOW_MS): each fetch waits this long for records unless
   * {@link COALESCE_FETCH_MIN_BYTES} are there already, so the changes of one contact that arrive within
   * it land in one batch and become one read and one write. 0 or absent: a fetch answers at once.
   */
  coalesceWindowMs?: number;
  /**
   * Portals with a HubSpot token (HUBSPOT_PORTALS); changes of others are dead-lettered. With
   * HUBSPOT_TOKEN_SOURCE=control-api every portal (control-api decides: a portal it has no token for is
   * dead-lettered when its contacts are read).
   */
  portalIds: Pick<ReadonlySet<number>, 'has'>;
}

/**
 * Adapter from `hubspot.contact-changes.v1` to Heap (issue 3 parts 2 and 4). Per batch (one
 * partition, gathered over the coalescing window): {@link planContactChanges} coalesces changes per
 * contact; privacy deletions are
 * requested and recorded; the remaining contacts are read with every cached property name (batch
 * read ≤ 100, through the portal's HubSpotCallGate) and written with bulk add_user_properties
 * (≤ 1000 users, isolation of a refused user). Offsets are committed by the runner only after the
 * handler returned: a retriable HubSpot/Heap error (429, 5xx, timeout) is rethrown and the batch
 * retried uncommitted; a refused user or deletion is dead-lettered with the reason.
 */
@Injectable()
export class ContactChangesConsumer extends ConsumerAdapter<HubSpotContactChange> {
  protected readonly logger = new Logger(ContactChangesConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(ContactPropertiesClient) private readonly hubspot: ContactPropertiesClient,
    @Inject(PropertyDefinitionCache) private readonly cache: PropertyDefinitionCache,
    @Inject(HeapClient) private readonly heap: HeapClient,
    @Inject(UserDeletionsService) private readonly deletions: UserDeletionsService,
    @Inject(PropertySyncMetrics) private readonly metrics: PropertySyncMetrics,
    @Inject(CONTACT_CHANGES_CONSUMER_OPTIONS) private readonly options: ContactChangesConsumerOptions,
  ) {
    super(platform);
  }

  protected consumerOptions(): ConsumerAdapterOptions<HubSpotContactChange> {
    return {
      groupId: this.options.groupId,
      topics: [HUBSPOT_CONTACT_CHANGES],
      maxBatchSize: this.options.maxBatchSize,
      ...(this.options.coalesceWindowMs
        ? { maxWaitTimeInMs: this.options.coalesceWindowMs, minBytes: COALESCE_FETCH_MIN_BYTES }
        : {}),
    };
  }

  protected override describe(): string {
    return `coalescing window ${this.options.coalesceWindowMs ?? 0} ms`;
  }

  protected override handleBatch(
    records: ChangeRecord[],
    { heartbeat }: Parameters<BatchHandler<HubSpotContactChange>>[1],
  ): Promise<BatchOutcome<HubSpotContactChange>> {
    return this.withHeartbeats(heartbeat, () => this.handle(records));
  }

  /**
   * Runs `work` while heartbeating every 3 s: the HubSpotCallGate may wait out a 429 (10 s × attempt)
   * inside the handler, longer than the group's 10 s session timeout.
   */
  private async withHeartbeats<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      heartbeat().catch((error: unknown) => this.logger.warn(`heartbeat failed: ${describeError(error)}`));
    }, HEARTBEAT_EVERY_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Handles one partition's batch; see the class doc for the error contract. */
  async handle(records: ChangeRecord[]): Promise<BatchOutcome<HubSpotContactChange>> {
    const plan = planContactChanges(records, this.options.portalIds);
    const deadLetters = [...plan.deadLetters];
    for (const { reason } of plan.skipped) this.metrics.changesSkipped(reason);
    for (const deletion of plan.deletions) {
      try {
        await this.deletions.request(deletion);
      } catch (error) {
        if (isRetriable(error)) throw error;
        deadLetters.push({ record: deletion.record, reason: describeError(error) });
      }
    }
    const writes: HeapUserWrite[] = [];
    for (const [portalId, reads] of readsByPortal(plan.reads)) {
      try {
        writes.push(...(await this.readPortal(portalId, reads)));
      } catch (error) {
        // control-api has no token for this portal (not installed, disconnected): only its changes fail
        if (!(error instanceof HubSpotTokenUnavailableError) || error.retriable) throw error;
        for (const read of reads)
          for (const record of read.records) deadLetters.push({ record, reason: describeError(error) });
      }
    }
    const outcome = await writeUserProperties(writes, (appId, users) =>
      this.heap.addUserProperties(appId, users),
    );
    deadLetters.push(...outcome.deadLetters);
    this.metrics.usersWritten(outcome.written);
    this.metrics.changesDeadLettered(deadLetters.length);
    return { deadLetters };
  }

  private async readPortal(portalId: number, reads: ContactRead[]): Promise<HeapUserWrite[]> {
    const wanted = new Set<string>();
    for (const read of reads)
      if (read.changedProperties !== 'all') for (const name of read.changedProperties) wanted.add(name);
    const portal = await this.cache.forPortal(portalId, wanted);
    const { contacts } = await this.hubspot.batchRead(
      portalId,
      reads.map((r) => r.contactId),
      portal.names,
    );
    const built = buildUserWrites(reads, new Map(contacts.map((c) => [c.id, c])), portal);
    this.metrics.changesSkipped(
      'not-found',
      built.notFound.reduce((n, r) => n + r.records.length, 0),
    );
    this.metrics.changesSkipped(
      'no-properties',
      built.empty.reduce((n, r) => n + r.records.length, 0),
    );
    this.metrics.changesSkipped(
      'coalesced',
      reads.reduce((n, r) => n + r.records.length - 1, 0),
    );
    return built.writes;
  }
}
