import { Inject, Injectable, Logger } from '@nestjs/common';
import { HeapRejectedError, type HeapPrivacyCredentials, HeapUserDeletionClient } from '@hubheap/heap';
import { PermanentRecordError } from '@hubheap/kafka';
import type { DeletionPlan } from '../contact-changes.planner';
import { DeletionRepository } from '../database/deletion.repository';
import { PropertySyncMetrics } from '../property-sync.metrics';

/** Injection token of the Heap privacy API keys per app_id (HEAP_PRIVACY_KEYS). */
export const HEAP_PRIVACY_KEYS = Symbol('HEAP_PRIVACY_KEYS');

/**
 * Privacy deletions (issue 3 part 4): requests deletion of a Heap user through Heap's user deletion
 * API (heap-api.md §7.2) and records the request id and status in `property_sync.heap_user_deletion`;
 * {@link refreshPending} keeps the status current with deletion_status (§7.3).
 */
@Injectable()
export class UserDeletionsService {
  private readonly logger = new Logger(UserDeletionsService.name);

  constructor(
    @Inject(HeapUserDeletionClient) private readonly heap: HeapUserDeletionClient,
    @Inject(DeletionRepository) private readonly repository: DeletionRepository,
    @Inject(HEAP_PRIVACY_KEYS) private readonly keys: ReadonlyMap<string, string>,
    @Inject(PropertySyncMetrics) private readonly metrics: PropertySyncMetrics,
  ) {}

  /**
   * Requests the deletion unless this change already did (redelivery after a crash), then records it.
   * @throws PermanentRecordError when the app_id has no privacy API key or Heap refuses the request
   *   (wrong key: 401) — the change is dead-lettered; HeapRetriableError (429/5xx/timeout) to retry.
   */
  async request(plan: DeletionPlan, now = Date.now()): Promise<void> {
    const sourceEventId = plan.record.value.sourceEventId;
    if (await this.repository.find(plan.portalId, plan.contactId, sourceEventId)) return;
    const apiKey = this.keys.get(plan.appId);
    if (apiKey === undefined) {
      throw new PermanentRecordError(`no Heap privacy API key for app_id ${plan.appId} (HEAP_PRIVACY_KEYS)`);
    }
    try {
      const answer = await this.heap.requestDeletion({ appId: plan.appId, apiKey }, [plan.identity]);
      await this.repository.insert({
        portalId: plan.portalId,
        contactId: plan.contactId,
        sourceEventId,
        appId: plan.appId,
        identity: plan.identity,
        deletionRequestId: answer.deletionRequestId,
        status: answer.status,
        requestedAt: now,
        checkedAt: null,
      });
      this.metrics.deletionRequested();
      this.logger.log(
        `portal ${plan.portalId} contact ${plan.contactId}: Heap deletion ${answer.deletionRequestId} ${answer.status}`,
      );
    } catch (error) {
      if (error instanceof HeapRejectedError) {
        throw new PermanentRecordError(`Heap refused the user deletion: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  /** Checks up to `limit` pending deletions with deletion_status and stores their status; returns how many. */
  async refreshPending(limit = 100, now = Date.now()): Promise<number> {
    const pending = await this.repository.pending(limit);
    for (const row of pending) {
      const apiKey = this.keys.get(row.appId);
      if (apiKey === undefined) continue;
      const credentials: HeapPrivacyCredentials = { appId: row.appId, apiKey };
      const answer = await this.heap.deletionStatus(credentials, row.deletionRequestId);
      await this.repository.updateStatus(row.deletionRequestId, answer?.status ?? 'unknown', now);
    }
    return pending.length;
  }
}
