import { HubSpotRequestError, HubSpotRetriableError } from '@hubheap/hubspot';
import { RetryingCallGate } from './retrying-call.gate';

const rateLimited = () =>
  new HubSpotRetriableError('HubSpot answered HTTP 429', {
    status: 429,
    body: {},
    policyName: 'TEN_SECONDLY_ROLLING',
  });

describe('RetryingCallGate', () => {
  const waits: number[] = [];
  const gate = new RetryingCallGate({
    maxAttempts: 3,
    rateLimitWaitMs: 100,
    serverErrorWaitMs: 10,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  beforeEach(() => waits.splice(0));

  it('waits after 429s (× attempt) and returns the answer', async () => {
    let calls = 0;
    const out = await gate.run(1, async () => {
      calls += 1;
      if (calls < 3) throw rateLimited();
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(waits).toEqual([100, 200]);
  });

  it('rethrows the retriable error after maxAttempts (the consumer retries uncommitted)', async () => {
    await expect(gate.run(1, async () => Promise.reject(rateLimited()))).rejects.toBeInstanceOf(
      HubSpotRetriableError,
    );
    expect(waits).toEqual([100, 200]);
  });

  it('throws a 4xx at once', async () => {
    const error = new HubSpotRequestError('HubSpot answered HTTP 400', { status: 400, body: {} });
    await expect(gate.run(1, async () => Promise.reject(error))).rejects.toBe(error);
    expect(waits).toEqual([]);
  });
});
