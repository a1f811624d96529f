import {
  HubSpotAuthError,
  HubSpotRequestError,
  HubSpotRetriableError,
  hubSpotErrorFromResponse,
} from './hubspot.errors';
import { hubSpotRetryDelayMs } from './hubspot-retry.policy';

describe('hubSpotErrorFromResponse', () => {
  it.each([
    [401, HubSpotAuthError],
    [403, HubSpotAuthError],
    [400, HubSpotRequestError],
    [404, HubSpotRequestError],
    [409, HubSpotRequestError],
    [414, HubSpotRequestError],
    [408, HubSpotRetriableError],
    [423, HubSpotRetriableError],
    [429, HubSpotRetriableError],
    [477, HubSpotRetriableError],
    [500, HubSpotRetriableError],
    [524, HubSpotRetriableError],
  ])('%i → %p', (status, errorClass) => {
    const error = hubSpotErrorFromResponse(status, '{"status":"error","message":"m","correlationId":"c"}');
    expect(error).toBeInstanceOf(errorClass);
    expect(error.retriable).toBe(errorClass === HubSpotRetriableError);
    expect(error.body).toEqual({ status: 'error', message: 'm', correlationId: 'c' });
  });

  it('keeps a non-JSON body as text and reads policyName from 429 bodies', () => {
    expect(hubSpotErrorFromResponse(502, '<html>bad gateway</html>')).toMatchObject({
      body: '<html>bad gateway</html>',
      message: 'HubSpot answered HTTP 502',
    });
    expect(
      hubSpotErrorFromResponse(429, '{"policyName":"DAILY","message":"You have reached your daily limit."}'),
    ).toMatchObject({
      policyName: 'DAILY',
      message: 'HubSpot answered HTTP 429: You have reached your daily limit.',
    });
  });
});

describe('hubSpotRetryDelayMs', () => {
  const retriable = (status: number, body: unknown = {}, policyName?: string) =>
    new HubSpotRetriableError('x', { status, body, policyName });

  it.each([
    ['5xx, attempt 1', retriable(503), 1, 200],
    ['5xx, attempt 2', retriable(503), 2, 400],
    ['no response', retriable(0), 1, 200],
    ['TEN_SECONDLY_ROLLING', retriable(429, {}, 'TEN_SECONDLY_ROLLING'), 2, 20_000],
    ['secondly limit', retriable(429, { message: 'You have reached your secondly limit.' }), 1, 1_000],
    ['DAILY', retriable(429, {}, 'DAILY'), 1, undefined],
    ['423 locked', retriable(423), 1, undefined],
    ['last attempt', retriable(503), 3, undefined],
    ['not retriable', new HubSpotRequestError('x', { status: 400, body: {} }), 1, undefined],
    ['foreign error', new Error('x'), 1, undefined],
  ])('%s', (_name, error, attempt, expected) => {
    expect(hubSpotRetryDelayMs(error, attempt, 3)).toBe(expected);
  });
});
