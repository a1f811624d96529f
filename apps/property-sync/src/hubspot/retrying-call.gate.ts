import type { HubSpotCallGate } from '@hubheap/hubspot';
import { HubSpotRetriableError } from '@hubheap/hubspot';

/** Waits of {@link RetryingCallGate}, in ms, multiplied by the attempt number. */
export interface RetryingCallGateOptions {
  /** Attempts per call, ≥ 1. */
  maxAttempts: number;
  /** After a 429 `TEN_SECONDLY_ROLLING` (hubspot-api.md §6). */
  rateLimitWaitMs: number;
  /** After a 5xx, no answer, or another 429 (secondly, DAILY, unknown policy). */
  serverErrorWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Interim, process-local {@link HubSpotCallGate} until the shared Postgres-backed `HubSpotRateBudget`
 * (libs/hubspot) is wired in: runs the call, and on a HubSpotRetriableError (429, 5xx, no answer)
 * waits and tries again up to `maxAttempts`; then rethrows the retriable error, so the consumer
 * retries the whole batch with offsets uncommitted — a 429 delays work, it never drops it.
 * Non-retriable errors are thrown at once.
 */
export class RetryingCallGate implements HubSpotCallGate {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RetryingCallGateOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }

  async run<T>(_portalId: number, call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof HubSpotRetriableError) || attempt >= this.options.maxAttempts) throw error;
        const base =
          error.status === 429 && error.policyName === 'TEN_SECONDLY_ROLLING'
            ? this.options.rateLimitWaitMs
            : this.options.serverErrorWaitMs;
        await this.sleep(base * attempt);
      }
    }
  }
}
