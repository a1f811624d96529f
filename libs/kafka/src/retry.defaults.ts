/**
 * Every retry number of libs/kafka lives here, with faster values for tests (`RETRY_PROFILE=test`).
 * Delays are in milliseconds.
 */
export interface RetryPolicy {
  /** First backoff delay (ms). */
  initialDelayMs: number;
  /** Backoff cap (ms). */
  maxDelayMs: number;
  /** Multiplier between attempts. */
  factor: number;
  /**
   * Attempts for a retriable failure of a consumer batch before the consumer gives the batch up
   * for this poll (offsets stay uncommitted, the batch is fetched again). `Infinity` keeps retrying
   * in place while the consumer is running.
   */
  maxAttempts: number;
}

export const PRODUCTION_RETRY: RetryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 60_000,
  factor: 2,
  maxAttempts: Number.POSITIVE_INFINITY,
};

export const TEST_RETRY: RetryPolicy = {
  initialDelayMs: 20,
  maxDelayMs: 500,
  factor: 2,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** The policy for this process: TEST_RETRY when `RETRY_PROFILE=test`, else PRODUCTION_RETRY. */
export const defaultRetryPolicy = (): RetryPolicy =>
  process.env['RETRY_PROFILE'] === 'test' ? TEST_RETRY : PRODUCTION_RETRY;

/** Full-jitter exponential backoff delay for attempt `n` (1-based), in ms. */
export const backoffDelayMs = (
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};
