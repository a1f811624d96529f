/**
 * Error classes of the Heap client (reference heap-api.md §1 "Error responses" and §11 "Retries").
 * The consumer runner in libs/kafka acts on `retriable`: true → retry with backoff, offsets
 * uncommitted; false → isolate the bad record and dead-letter it.
 */

/** How a retriable failure happened: an HTTP status, no response at all, or our own deadline. */
export type HeapFailureKind = 'http' | 'network' | 'timeout';

/**
 * A transient Heap failure: HTTP 429, 408 or 5xx, a network error (connection refused or reset, DNS,
 * redirect refused), or no answer within the client's timeout. Retry the same request later; the
 * idempotency_key of each event makes a repeat harmless.
 */
export class HeapRetriableError extends Error {
  readonly retriable = true;
  /** HTTP status, or `undefined` when no response arrived (`kind` is then network or timeout). */
  readonly status: number | undefined;
  readonly kind: HeapFailureKind;
  /** Heap's plain-text body ('' when none). */
  readonly body: string;

  constructor(
    message: string,
    details: { kind: HeapFailureKind; status?: number; body?: string; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'HeapRetriableError';
    this.kind = details.kind;
    this.status = details.status;
    this.body = details.body ?? '';
  }
}

/**
 * Heap refused the request for good: any 4xx other than 408 and 429 (typically 400 with a
 * plain-text body such as `postBody.events[0].properties should be object`). Sending the same
 * payload again will fail again; split the batch to find the bad record.
 */
export class HeapRejectedError extends Error {
  readonly retriable = false;
  readonly status: number;
  /** Heap's plain-text body, as received ('' when empty). */
  readonly body: string;

  constructor(status: number, body: string) {
    super(`Heap rejected the request with HTTP ${status}${body ? `: ${body.slice(0, 500)}` : ''}`);
    this.name = 'HeapRejectedError';
    this.status = status;
    this.body = body;
  }
}

/**
 * Classifies a non-2xx Heap answer (heap-api.md §11): 408, 429 and 5xx are retriable, other 4xx
 * are rejections. Statuses outside 4xx/5xx (1xx/3xx reaching here) count as retriable, so an
 * unexpected answer never dead-letters data. Pure.
 */
export const heapErrorFromResponse = (
  status: number,
  body: string,
): HeapRetriableError | HeapRejectedError => {
  const rejected = status >= 400 && status < 500 && status !== 408 && status !== 429;
  if (rejected) return new HeapRejectedError(status, body);
  return new HeapRetriableError(`Heap answered HTTP ${status}`, { kind: 'http', status, body });
};
