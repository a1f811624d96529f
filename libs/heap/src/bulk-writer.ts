import { HeapRejectedError } from './heap.errors';
import { HEAP_LIMITS } from './heap.limits';

/** Outcome of {@link writeWithIsolation}: what Heap accepted and what it refused, in input order. */
export interface IsolationResult<T> {
  written: T[];
  /** Single items Heap rejected on their own; `reason` is Heap's body text (or the error message). */
  rejected: { item: T; reason: string }[];
}

/**
 * Sends `items` through `send` in chunks of at most `maxBatchSize` (default 1000, heap-api.md §3) and
 * isolates poison records: when `send` throws a `HeapRejectedError` (non-retriable 4xx) for a chunk,
 * the chunk is halved recursively until each bad item is alone; those go to `rejected` and every
 * other item is written. One bad item in n costs about 1 + 2·log2(n) calls.
 *
 * Any other error (a `HeapRetriableError`, or anything unexpected) is rethrown at once. The caller
 * then retries everything with offsets uncommitted; items already written are sent again, which the
 * per-event idempotency_key makes harmless (first write wins at Heap).
 * @throws whatever `send` throws, except HeapRejectedError.
 */
export const writeWithIsolation = async <T>(
  items: readonly T[],
  send: (batch: T[]) => Promise<void>,
  options: { maxBatchSize?: number } = {},
): Promise<IsolationResult<T>> => {
  const maxBatchSize = options.maxBatchSize ?? HEAP_LIMITS.maxBatchSize;
  const result: IsolationResult<T> = { written: [], rejected: [] };
  for (let start = 0; start < items.length; start += maxBatchSize) {
    await sendIsolating(items.slice(start, start + maxBatchSize), send, result);
  }
  return result;
};

const sendIsolating = async <T>(
  batch: T[],
  send: (batch: T[]) => Promise<void>,
  result: IsolationResult<T>,
): Promise<void> => {
  try {
    await send(batch);
    result.written.push(...batch);
  } catch (error) {
    if (!(error instanceof HeapRejectedError)) throw error;
    if (batch.length === 1) {
      result.rejected.push({ item: batch[0] as T, reason: error.body || error.message });
      return;
    }
    const middle = Math.ceil(batch.length / 2);
    await sendIsolating(batch.slice(0, middle), send, result);
    await sendIsolating(batch.slice(middle), send, result);
  }
};

/**
 * Groups events by Heap `appId` (one Heap environment per request, heap-api.md §3) and cuts each
 * group into chunks of at most `maxBatchSize` (default 1000). Groups appear in order of first
 * occurrence; events keep their relative order. Pure.
 */
export const chunkByAppId = <T extends { appId: string }>(
  events: readonly T[],
  maxBatchSize: number = HEAP_LIMITS.maxBatchSize,
): { appId: string; events: T[] }[] => {
  const groups = new Map<string, T[]>();
  for (const event of events) {
    const group = groups.get(event.appId);
    if (group) group.push(event);
    else groups.set(event.appId, [event]);
  }
  const chunks: { appId: string; events: T[] }[] = [];
  for (const [appId, group] of groups) {
    for (let start = 0; start < group.length; start += maxBatchSize) {
      chunks.push({ appId, events: group.slice(start, start + maxBatchSize) });
    }
  }
  return chunks;
};
