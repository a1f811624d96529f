import {
  HubSpotAuthError,
  HubSpotRequestError,
  HubSpotRetriableError,
  hubSpotErrorFromResponse,
} from './hubspot.errors';

/** A failed HubSpot call as the rate budget sees it. */
export interface HubSpotFailure {
  /** The classed error to act on and, if given up, to throw (hubspot.errors.ts); any other error unchanged. */
  error: unknown;
  /** `Retry-After` of the answer in ms (seconds or HTTP date, RFC 9110 §10.2.3), when HubSpot sent one. */
  retryAfterMs: number | undefined;
}

const NETWORK_CODE = /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/;
const SECONDLY_LIMIT_MESSAGE = 'You have reached your secondly limit.';

/**
 * Classifies what a HubSpot call threw (pure): libs/hubspot's own errors stay as they are; an SDK
 * `ApiException` (`code` = HTTP status, `body`, `headers`, hubspot-api.md §7) becomes
 * HubSpotRetriableError / HubSpotAuthError / HubSpotRequestError via {@link hubSpotErrorFromResponse};
 * a network failure (fetch `TypeError: fetch failed`, node-fetch `FetchError`, `ECONNRESET`, undici
 * codes, timeouts) becomes HubSpotRetriableError with status 0. Anything else (a bug, a caller's own
 * error thrown from inside the call) is returned unchanged, so the gate rethrows it without retrying.
 */
export const classifyHubSpotFailure = (raw: unknown, nowMs: number = Date.now()): HubSpotFailure => {
  if (
    raw instanceof HubSpotRetriableError ||
    raw instanceof HubSpotAuthError ||
    raw instanceof HubSpotRequestError
  ) {
    return { error: raw, retryAfterMs: undefined };
  }
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const code = fields['code'];
  if (typeof code === 'number' && code >= 400) {
    const body = fields['body'];
    const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
    return {
      error: hubSpotErrorFromResponse(code, text),
      retryAfterMs: retryAfterMs(headerOf(fields['headers'], 'retry-after'), nowMs),
    };
  }
  if (isNetworkError(raw, fields)) {
    return {
      error: new HubSpotRetriableError(`HubSpot unreachable: ${String(raw)}`, {
        status: 0,
        body: undefined,
        cause: raw,
      }),
      retryAfterMs: undefined,
    };
  }
  return { error: raw, retryAfterMs: undefined };
};

const isNetworkError = (raw: unknown, fields: Record<string, unknown>): boolean => {
  if (raw instanceof TypeError && raw.message === 'fetch failed') return true;
  const name = fields['name'];
  if (name === 'FetchError' || name === 'AbortError' || name === 'TimeoutError') return true;
  return typeof fields['code'] === 'string' && NETWORK_CODE.test(fields['code']);
};

const headerOf = (headers: unknown, name: string): string | undefined => {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
};

/** `Retry-After` as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. Pure. */
export const retryAfterMs = (value: string | undefined, nowMs: number): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
};

/** Which HubSpot limit a 429 hit (hubspot-api.md §6). `UNKNOWN`: a 429 without a known policyName. */
export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY' | 'UNKNOWN';

/** How long the whole portal backs off after a 429 (ms). */
export interface RateLimitWaits {
  /** `TEN_SECONDLY_ROLLING` (and unknown 429s): until HubSpot's rolling window frees, i.e. the window length. */
  windowMs: number;
  /** Search `secondly limit` (5 requests/s per account). Default 1 000. */
  secondlyMs: number;
  /** `DAILY`: the quota resets at midnight in the portal's time zone, which we do not know. Default 1 h. */
  dailyMs: number;
}

/** Backoff after one 429: the policy it hit and how long every replica of every app should wait (ms). */
export interface RateLimitBackoff {
  policy: RateLimitPolicy;
  waitMs: number;
}

/**
 * The portal-wide backoff after `failure`, or undefined when it is not a 429 (pure). The 429 body's
 * `policyName` decides (hubspot-api.md §6): `TEN_SECONDLY_ROLLING` → `windowMs`; `SECONDLY` or the
 * message `You have reached your secondly limit.` → `secondlyMs`; `DAILY` → `dailyMs`; other → `windowMs`.
 * A `Retry-After` header, when present, wins over these defaults.
 */
export const rateLimitBackoff = (
  failure: HubSpotFailure,
  waits: RateLimitWaits,
): RateLimitBackoff | undefined => {
  const { error } = failure;
  if (!(error instanceof HubSpotRetriableError) || error.status !== 429) return undefined;
  const policy = policyOf(error);
  const byPolicy =
    policy === 'SECONDLY' ? waits.secondlyMs : policy === 'DAILY' ? waits.dailyMs : waits.windowMs;
  return { policy, waitMs: failure.retryAfterMs ?? byPolicy };
};

const policyOf = (error: HubSpotRetriableError): RateLimitPolicy => {
  const name = error.policyName;
  if (name === 'TEN_SECONDLY_ROLLING' || name === 'SECONDLY' || name === 'DAILY') return name;
  const message = (error.body as { message?: unknown } | undefined)?.message;
  return message === SECONDLY_LIMIT_MESSAGE ? 'SECONDLY' : 'UNKNOWN';
};

/**
 * True for failures worth repeating with exponential backoff (pure): HubSpotRetriableError other than
 * 429 (5xx, 408, 423, 477, no answer). 429s are handled by the budget itself, never by this backoff.
 */
export const isTransientFailure = (error: unknown): error is HubSpotRetriableError =>
  error instanceof HubSpotRetriableError && error.status !== 429;
