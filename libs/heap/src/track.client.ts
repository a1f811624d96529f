import type { HeapTrackEvent } from '@hubheap/schemas';
import { HeapRetriableError, heapErrorFromResponse } from './heap.errors';
import { HEAP_LIMITS } from './heap.limits';
import type { HeapProperties } from './properties.mapper';

export interface HeapClientOptions {
  /** US `https://heapanalytics.com` (default) or EU `https://c.eu.heap-api.com` (heap-api.md §1). No trailing path. */
  baseUrl?: string;
  /** Deadline for one request, headers and body included, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Fetch implementation; defaults to the global `fetch` (Node ≥ 18). */
  fetch?: typeof fetch;
}

/** One user for bulk add_user_properties: Heap identity plus flat properties (heap-api.md §4). */
export interface HeapUserProperties {
  identity: string;
  properties: HeapProperties;
}

/**
 * Thin client for Heap's server-side ingestion endpoints (heap-api.md §1–§4, §11).
 * - Any 2xx is success; the body is never parsed (Heap answers `OK`, `{}` or nothing).
 * - 408, 429, 5xx, network errors, refused redirects and timeouts throw {@link HeapRetriableError};
 *   other 4xx throw `HeapRejectedError` carrying the status and Heap's plain-text body.
 * - Redirects are not followed: a redirected POST would silently turn into a GET.
 */
export class HeapClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  /** @throws TypeError when `baseUrl` is not an absolute URL. */
  constructor(options: HeapClientOptions = {}) {
    this.baseUrl = new URL(options.baseUrl ?? 'https://heapanalytics.com').origin;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /**
   * Bulk track: `POST /api/track` with `{app_id, events:[{identity, event, timestamp, idempotency_key,
   * properties}]}` (heap-api.md §3). `timestamp` is sent as given (ISO 8601 UTC with ms). An empty
   * list sends nothing.
   * @throws RangeError above 1000 events, or when an event's `appId` is not `appId` (tenant guard).
   * @throws HeapRetriableError | HeapRejectedError as described on the class.
   */
  async bulkTrack(appId: string, events: readonly HeapTrackEvent[]): Promise<void> {
    assertBatchSize(events.length, 'events');
    const foreign = events.find((e) => e.appId !== appId);
    if (foreign)
      throw new RangeError(
        `event ${foreign.idempotencyKey} belongs to app_id ${foreign.appId}, not ${appId}`,
      );
    if (events.length === 0) return;
    await this.post('/api/track', {
      app_id: appId,
      events: events.map((e) => ({
        identity: e.identity,
        event: e.event,
        timestamp: e.timestamp,
        idempotency_key: e.idempotencyKey,
        properties: e.properties,
      })),
    });
  }

  /**
   * Bulk add user properties: `POST /api/add_user_properties` with `{app_id, users:[{identity,
   * properties}]}` (heap-api.md §4). Last write wins at Heap. An empty list sends nothing.
   * @throws RangeError above 1000 users.
   * @throws HeapRetriableError | HeapRejectedError as described on the class.
   */
  async addUserProperties(appId: string, users: readonly HeapUserProperties[]): Promise<void> {
    assertBatchSize(users.length, 'users');
    if (users.length === 0) return;
    await this.post('/api/add_user_properties', {
      app_id: appId,
      users: users.map((u) => ({ identity: u.identity, properties: u.properties })),
    });
  }

  private async post(path: string, body: unknown): Promise<void> {
    const response = await this.send(path, JSON.stringify(body));
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined); // free the connection, never parse
      return;
    }
    const text = await response.text().catch(() => '');
    throw heapErrorFromResponse(response.status, text);
  }

  private async send(path: string, body: string): Promise<Response> {
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      // Duck-typed: the DOMException raised by AbortSignal.timeout may come from another realm.
      const timedOut = (cause as { name?: unknown } | null)?.name === 'TimeoutError';
      const message = timedOut
        ? `no answer from Heap within ${this.timeoutMs} ms`
        : `Heap unreachable: ${String(cause)}`;
      throw new HeapRetriableError(message, { kind: timedOut ? 'timeout' : 'network', cause });
    }
  }
}

const assertBatchSize = (size: number, what: string): void => {
  if (size > HEAP_LIMITS.maxBatchSize) {
    throw new RangeError(`${size} ${what} in one request; Heap accepts at most ${HEAP_LIMITS.maxBatchSize}`);
  }
};
