import {
  DEFAULT_RETRY_DELAYS_MS,
  HubSpotRetriableError,
  hubSpotErrorFromResponse,
  hubSpotRetryDelayMs,
  type RetryDelaysMs,
} from '@hubheap/hubspot';

/** Our own retry around SDK calls (after the SDK's `numberOfApiCallRetries`, hubspot-api.md §6–§7). */
export interface HubSpotCallRetry {
  /** Total attempts per call, ≥ 1. */
  maxAttempts: number;
  /** Base waits in ms, multiplied by the attempt number. */
  delaysMs: RetryDelaysMs;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_CALL_RETRY: HubSpotCallRetry = { maxAttempts: 4, delaysMs: DEFAULT_RETRY_DELAYS_MS };

/**
 * The SDK's `ApiException` (`code` = HTTP status, `body` = parsed JSON) or a network error, as one of
 * libs/hubspot's classed errors (`retriable` set): 429/5xx/no answer → HubSpotRetriableError.
 */
export const toHubSpotError = (error: unknown): Error => {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && code >= 400) {
    const body = (error as { body?: unknown }).body;
    return hubSpotErrorFromResponse(code, typeof body === 'string' ? body : JSON.stringify(body ?? null));
  }
  return new HubSpotRetriableError(`HubSpot unreachable: ${String(error)}`, {
    status: 0,
    body: undefined,
    cause: error,
  });
};

/**
 * Runs one SDK call, retrying what the SDK's own retry does not cover or gave up on (429 TEN_SECONDLY_ROLLING
 * and the search secondly limit, 5xx, no response) with the libs/hubspot policy; DAILY 429s and 4xx are
 * thrown at once. @throws the classed error of the last attempt.
 */
export const callHubSpot = async <T>(fn: () => Promise<T>, retry: HubSpotCallRetry): Promise<T> => {
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (raw) {
      const error = toHubSpotError(raw);
      const delay = hubSpotRetryDelayMs(error, attempt, retry.maxAttempts, retry.delaysMs);
      if (delay === undefined) throw error;
      await sleep(delay);
    }
  }
};

/** True for a HubSpot 404 (as thrown by {@link callHubSpot}). */
export const isNotFound = (error: unknown): boolean => (error as { status?: unknown }).status === 404;
