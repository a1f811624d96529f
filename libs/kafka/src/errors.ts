/**
 * Error classes as the consumer runner sees them. Any error with `retriable === true` (kafkajs errors,
 * HubSpot and Heap client errors) is transient: retried with backoff, offsets left uncommitted.
 * Everything else is permanent for the record(s) it concerns: isolated and dead-lettered.
 */
export class PermanentRecordError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentRecordError';
  }
}

/** A transient failure raised by application code (e.g. a dependency answered 503). */
export class TransientError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** True when `error` says it is worth retrying (`error.retriable === true`). */
export const isRetriable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;

/** A one-line description of any thrown value, for dead-letter reasons and logs. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
};
