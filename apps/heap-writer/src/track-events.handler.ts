import { chunkByAppId, writeWithIsolation } from '@hubheap/heap';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapTrackEvent } from '@hubheap/schemas';

/** One Heap bulk-track request to make: records of a single app_id, at most 1000 (heap-api.md §3). */
export interface TrackRequestPlan {
  appId: string;
  records: ConsumedRecord<HeapTrackEvent>[];
}

/**
 * Groups a batch of track-event records into bulk-track requests: one Heap environment (`appId`) per
 * request, at most `maxBatchSize` (default 1000) events each, records in offset order within a group.
 * Pure.
 */
export const planTrackRequests = (
  records: readonly ConsumedRecord<HeapTrackEvent>[],
  maxBatchSize?: number,
): TrackRequestPlan[] =>
  chunkByAppId(
    records.map((record) => ({ appId: record.value.appId, record })),
    maxBatchSize,
  ).map((chunk) => ({ appId: chunk.appId, records: chunk.events.map((e) => e.record) }));

/** Sends one bulk-track request for `appId`; the consumer passes `HeapClient.bulkTrack`. */
export type SendTrackBatch = (appId: string, events: HeapTrackEvent[]) => Promise<void>;

/** What happened to a batch: how many events Heap accepted, and the records it refused for good. */
export interface TrackWriteOutcome {
  /** Events in 2xx answers (duplicates Heap ignored by idempotency_key included). */
  written: number;
  /** Records Heap rejected on their own (non-retriable 4xx); `reason` is Heap's plain-text body. */
  deadLetters: Array<{ record: ConsumedRecord<HeapTrackEvent>; reason: string }>;
}

/**
 * Writes a batch to Heap: plans the requests ({@link planTrackRequests}) and sends each through
 * `writeWithIsolation`, which splits a request Heap refused (HeapRejectedError, e.g. 400
 * `postBody.events[0].identity ...`) until the poison events stand alone. No I/O of its own: every
 * effect goes through `send`.
 * @throws whatever `send` throws except HeapRejectedError — a HeapRetriableError (429, 408, 5xx,
 *   timeout) propagates so the consumer runner backs off with offsets uncommitted; events already
 *   written are sent again on the retry and Heap drops them by idempotency_key (first write wins).
 */
export const writeTrackEvents = async (
  records: readonly ConsumedRecord<HeapTrackEvent>[],
  send: SendTrackBatch,
): Promise<TrackWriteOutcome> => {
  const outcome: TrackWriteOutcome = { written: 0, deadLetters: [] };
  for (const plan of planTrackRequests(records)) {
    const result = await writeWithIsolation(plan.records, (batch) =>
      send(
        plan.appId,
        batch.map((r) => r.value),
      ),
    );
    outcome.written += result.written.length;
    outcome.deadLetters.push(...result.rejected.map(({ item, reason }) => ({ record: item, reason })));
  }
  return outcome;
};
