import {
  HubSpotAuthError,
  HubSpotRequestError,
  HubSpotRetriableError,
  hubSpotErrorFromResponse,
} from './hubspot.errors';
import {
  classifyHubSpotFailure,
  isTransientFailure,
  rateLimitBackoff,
  retryAfterMs,
} from './rate-budget.policy';

const WAITS = { windowMs: 10_000, secondlyMs: 1_000, dailyMs: 3_600_000 };
const NOW = Date.UTC(2026, 0, 1);

/** What @hubspot/api-client throws for a non-2xx answer (hubspot-api.md §7). */
const apiException = (code: number, body: unknown, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers });

const limited = (policyName: string | undefined, message = 'You have reached your limit.') =>
  apiException(429, {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    ...(policyName ? { policyName } : {}),
  });

describe('rateLimitBackoff (429 policy, hubspot-api.md §6)', () => {
  it.each([
    [
      'TEN_SECONDLY_ROLLING waits one window',
      limited('TEN_SECONDLY_ROLLING'),
      'TEN_SECONDLY_ROLLING',
      10_000,
    ],
    ['SECONDLY waits 1 s', limited('SECONDLY'), 'SECONDLY', 1_000],
    [
      'the search secondly message without policyName waits 1 s',
      limited(undefined, 'You have reached your secondly limit.'),
      'SECONDLY',
      1_000,
    ],
    ['DAILY waits long', limited('DAILY', 'You have reached your daily limit.'), 'DAILY', 3_600_000],
    ['a 429 without policyName waits one window', limited(undefined), 'UNKNOWN', 10_000],
    [
      'Retry-After (seconds) wins',
      apiException(429, { policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '3' }),
      'TEN_SECONDLY_ROLLING',
      3_000,
    ],
  ])('%s', (_name, raw, policy, waitMs) => {
    expect(rateLimitBackoff(classifyHubSpotFailure(raw, NOW), WAITS)).toEqual({ policy, waitMs });
  });

  it('a HubSpotRetriableError 429 from EmailEventsClient is read the same way', () => {
    const error = hubSpotErrorFromResponse(429, JSON.stringify({ policyName: 'DAILY' }));
    expect(rateLimitBackoff(classifyHubSpotFailure(error), WAITS)).toEqual({
      policy: 'DAILY',
      waitMs: 3_600_000,
    });
  });

  it.each([500, 503, 400, 404, 401])('HTTP %i is not a rate limit', (status) => {
    expect(rateLimitBackoff(classifyHubSpotFailure(apiException(status, {})), WAITS)).toBeUndefined();
  });
});

describe('classifyHubSpotFailure', () => {
  it('SDK ApiException → classed errors, body kept', () => {
    expect(classifyHubSpotFailure(apiException(503, { message: 'down' })).error).toBeInstanceOf(
      HubSpotRetriableError,
    );
    expect(classifyHubSpotFailure(apiException(401, {})).error).toBeInstanceOf(HubSpotAuthError);
    const notFound = classifyHubSpotFailure(apiException(404, { category: 'OBJECT_NOT_FOUND' })).error;
    expect(notFound).toBeInstanceOf(HubSpotRequestError);
    expect(notFound).toMatchObject({ status: 404, body: { category: 'OBJECT_NOT_FOUND' } });
  });

  it.each([
    ['fetch failed', new TypeError('fetch failed')],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['undici timeout', Object.assign(new Error('headers timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' })],
    ['AbortSignal.timeout', new DOMException('timed out', 'TimeoutError')],
  ])('network failure (%s) → HubSpotRetriableError status 0', (_name, raw) => {
    const { error } = classifyHubSpotFailure(raw);
    expect(error).toBeInstanceOf(HubSpotRetriableError);
    expect(error).toMatchObject({ status: 0 });
    expect(isTransientFailure(error)).toBe(true);
  });

  it("the caller's own errors pass unchanged (not retried)", () => {
    const own = new RangeError('window overflow');
    expect(classifyHubSpotFailure(own).error).toBe(own);
    expect(isTransientFailure(own)).toBe(false);
  });

  it('429 is not transient (the budget handles it), 5xx and 423 are', () => {
    expect(isTransientFailure(hubSpotErrorFromResponse(429, '{}'))).toBe(false);
    expect(isTransientFailure(hubSpotErrorFromResponse(502, '{}'))).toBe(true);
    expect(isTransientFailure(hubSpotErrorFromResponse(423, '{}'))).toBe(true);
  });
});

describe('retryAfterMs', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['2', 2_000],
    [new Date(NOW + 5_000).toUTCString(), 5_000],
    ['soon', undefined],
  ])('%j → %j', (value, ms) => {
    expect(retryAfterMs(value, NOW)).toBe(ms);
  });
});
