import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  HeapCredentialsUnavailableError,
  type HeapCredentialsProvider,
  HeapRejectedError,
  type HeapPrivacyCredentials,
  HeapUserDeletionClient,
} from '@hubheap/heap';
import { PermanentRecordError, TransientError } from '@hubheap/kafka';
import type { DeletionPlan } from '../contact-changes.planner';
import { DeletionRepository } from '../database/deletion.repository';
import { PropertySyncMetrics } from '../property-sync.metrics';

/**
 * Injection token of the {@link HeapCredentialsProvider} of the Heap API keys per app_id
 * (HEAP_CREDENTIALS_SOURCE: `HEAP_PRIVACY_KEYS`, or control-api's `/internal/apps/:appId/heap-credentials`).
 */
export const HEAP_CREDENTIALS = Symbol('HEAP_CREDENTIALS');

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
    @Inject(HEAP_CREDENTIALS) private readonly credentials: HeapCredentialsProvider,
    @Inject(PropertySyncMetrics) private readonly metrics: PropertySyncMetrics,
  ) {}

  /**
   * Requests the deletion unless this change already did (redelivery after a crash), then records it.
   * @throws PermanentRecordError when the app_id has no privacy API key (not in HEAP_PRIVACY_KEYS, or
   *   control-api answered 404) or Heap refuses the request (wrong key: 401) — the change is
   *   dead-lettered; HeapRetriableError (429/5xx/timeout) or a retriable HeapCredentialsUnavailableError
   *   (control-api down or 5xx) to retry with offsets uncommitted.
   */
  async request(plan: DeletionPlan, now = Date.now()): Promise<void> {
    const sourceEventId = plan.record.value.sourceEventId;
    if (await this.repository.find(plan.portalId, plan.contactId, sourceEventId)) return;
    const apiKey = await this.apiKey(plan.appId);
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

  /**
   * Checks up to `limit` pending deletions with deletion_status and stores their status; returns how many.
   * Rows whose app_id has no API key any more are skipped.
   * @throws HeapCredentialsUnavailableError (control-api down) or HeapRetriableError; the poller retries.
   */
  async refreshPending(limit = 100, now = Date.now()): Promise<number> {
    const pending = await this.repository.pending(limit);
    for (const row of pending) {
      const apiKey = await this.credentials.apiKey(row.appId).catch((error: unknown) => {
        if (error instanceof HeapCredentialsUnavailableError && error.missing) return undefined;
        throw error;
      });
      if (apiKey === undefined) continue;
      const credentials: HeapPrivacyCredentials = { appId: row.appId, apiKey };
      const answer = await this.heap.deletionStatus(credentials, row.deletionRequestId);
      await this.repository.updateStatus(row.deletionRequestId, answer?.status ?? 'unknown', now);
    }
    return pending.length;
  }

  /**
   * The Heap API key of `appId`.
   * @throws PermanentRecordError when it has none (the reason names the source: HEAP_PRIVACY_KEYS or
   *   control-api); TransientError when control-api refused INTERNAL_API_KEY (a misconfiguration must
   *   stall deletions, not dead-letter them all); the provider's retriable errors as they are.
   */
  private async apiKey(appId: string): Promise<string> {
    try {
      return await this.credentials.apiKey(appId);
    } catch (error) {
      if (!(error instanceof HeapCredentialsUnavailableError) || error.retriable) throw error;
      if (error.missing) throw new PermanentRecordError(error.message, { cause: error });
      throw new TransientError(error.message, { cause: error });
    }
  }
}
