import { HubSpotRetriableError } from './hubspot.errors';

/** Base delays of the in-client retry, multiplied by the attempt number (the SDK's own values, §7). */
export interface RetryDelaysMs {
  /** 5xx or no response. Default 200. */
  serverError: number;
  /** 429 with `policyName: TEN_SECONDLY_ROLLING`. Default 10 000. */
  tenSecondlyRolling: number;
  /** 429 with message `You have reached your secondly limit.`. Default 1 000. */
  secondly: number;
}

export const DEFAULT_RETRY_DELAYS_MS: RetryDelaysMs = {
  serverError: 200,
  tenSecondlyRolling: 10_000,
  secondly: 1_000,
};

const SECONDLY_LIMIT_MESSAGE = 'You have reached your secondly limit.';

/**
 * In-client retry for callers without a `HubSpotCallGate` (EmailEventsClient without `gate`,
 * ops-cli's import). Calls that go through HubSpotRateBudget (rate-budget.ts) must not use it too: the
 * budget already waits per 429 policyName (portal-wide, shared in Postgres) and backs off on 5xx.
 *
 * How long to wait before attempt `attempt + 1` after `error`, in ms, or `undefined` to give up and
 * rethrow. Mirrors the RetryDecorator of @hubspot/api-client (hubspot-api.md §6, §7): 5xx and "no
 * response" (status 0) wait `serverError × attempt`; 429 `TEN_SECONDLY_ROLLING` waits
 * `tenSecondlyRolling × attempt`; 429 "secondly limit" waits `secondly × attempt`; everything else
 * (429 `DAILY`, 408/423/477, non-retriable errors) and the last of `maxAttempts` attempts give up. Pure.
 */
export const hubSpotRetryDelayMs = (
  error: unknown,
  attempt: number,
  maxAttempts: number,
  delays: RetryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
): number | undefined => {
  if (!(error instanceof HubSpotRetriableError) || attempt >= maxAttempts) return undefined;
  if (error.status === 0 || error.status >= 500) return delays.serverError * attempt;
  if (error.status !== 429) return undefined;
  if (error.policyName === 'TEN_SECONDLY_ROLLING') return delays.tenSecondlyRolling * attempt;
  const message = (error.body as { message?: unknown } | undefined)?.message;
  return message === SECONDLY_LIMIT_MESSAGE ? delays.secondly * attempt : undefined;
};
