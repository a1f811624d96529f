import { Registry } from 'prom-client';
import { HubSpotRequestError, HubSpotRetriableError } from './hubspot.errors';
import { HubSpotRateBudget, type HubSpotRateBudgetOptions } from './rate-budget';
import { InMemoryRateBudgetStore } from './rate-budget.store';

const PORTAL = 62515;
const apiException = (code: number, body: unknown = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers: {} });
const rolling429 = () => apiException(429, { policyName: 'TEN_SECONDLY_ROLLING' });

/** A call that throws `failures` in order, then resolves `'ok'`; `times` records each invocation (ms). */
const scripted = (...failures: unknown[]) => {
  const times: number[] = [];
  const call = async (): Promise<string> => {
    times.push(Date.now());
    const next = failures.shift();
    if (next !== undefined) throw next;
    return 'ok';
  };
  return { call, times };
};

describe('HubSpotRateBudget (in-memory store)', () => {
  let registry: Registry;
  let budget: HubSpotRateBudget;
  const make = (options: HubSpotRateBudgetOptions = {}) => {
    budget = new HubSpotRateBudget(new InMemoryRateBudgetStore(), {
      windowMs: 200,
      safetyMarginRatio: 0,
      transientStartingDelayMs: 1,
      transientMaxDelayMs: 5,
      registry,
      ...options,
    });
    return budget;
  };
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;

  beforeEach(() => (registry = new Registry()));
  afterEach(() => budget.close());

  it('runs the call once and returns its result', async () => {
    const { call, times } = scripted();
    await expect(make().run(PORTAL, call)).resolves.toBe('ok');
    expect(times).toHaveLength(1);
  });

  it('holds calls beyond the limit until the window rolls (limit 2 per 200 ms)', async () => {
    make({ requestsPerWindow: 2 });
    const started: number[] = [];
    await Promise.all([1, 2, 3].map(() => budget.run(PORTAL, async () => started.push(Date.now()))));
    started.sort((a, b) => a - b);
    expect(started[2]! - started[0]!).toBeGreaterThanOrEqual(195);
  });

  it('uses the per-portal limit, less the safety margin', () => {
    make({ portalRequestsPerWindow: new Map([[PORTAL, 190]]), safetyMarginRatio: 0.1 });
    expect(budget.limitOf(PORTAL)).toEqual({ limit: 171, windowMs: 200 });
    expect(budget.limitOf(1)).toEqual({ limit: 90, windowMs: 200 });
  });

  it('a TEN_SECONDLY_ROLLING 429 waits one window, blocks the portal for other calls, then retries the same call', async () => {
    make();
    const { call, times } = scripted(rolling429());
    const first = budget.run(PORTAL, call);
    await new Promise((r) => setTimeout(r, 20));
    const otherAt = budget.run(PORTAL, async () => Date.now());
    await expect(first).resolves.toBe('ok');
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(195);
    expect((await otherAt) - times[0]!).toBeGreaterThanOrEqual(195);
    expect(await metric('hubspot_rate_limited_total')).toEqual([
      expect.objectContaining({
        labels: { portal_id: String(PORTAL), policy_name: 'TEN_SECONDLY_ROLLING' },
        value: 1,
      }),
    ]);
  });

  it('a burst of 429s only delays: the call succeeds once', async () => {
    const { call, times } = scripted(rolling429(), rolling429(), rolling429());
    await expect(make({ windowMs: 20 }).run(PORTAL, call)).resolves.toBe('ok');
    expect(times).toHaveLength(4);
  });

  it('5xx and no answer are retried with backoff, then the last HubSpotRetriableError is thrown', async () => {
    const { call, times } = scripted(apiException(502), new TypeError('fetch failed'), apiException(503));
    await expect(make({ transientAttempts: 3 }).run(PORTAL, call)).rejects.toMatchObject({
      name: 'HubSpotRetriableError',
      status: 503,
    });
    expect(times).toHaveLength(3);
  });

  it('a 5xx followed by success returns the result', async () => {
    const { call } = scripted(apiException(500));
    await expect(make().run(PORTAL, call)).resolves.toBe('ok');
  });

  it('other 4xx are thrown at once as the existing error types', async () => {
    const { call, times } = scripted(apiException(404, { category: 'OBJECT_NOT_FOUND' }));
    await expect(make().run(PORTAL, call)).rejects.toBeInstanceOf(HubSpotRequestError);
    expect(times).toHaveLength(1);
  });

  it("the caller's own error is rethrown unchanged, not retried", async () => {
    const own = new RangeError('overflow');
    const { call, times } = scripted(own);
    await expect(make().run(PORTAL, call)).rejects.toBe(own);
    expect(times).toHaveLength(1);
  });

  it('a DAILY block longer than maxWaitMs throws a retriable 429 instead of waiting', async () => {
    const { call, times } = scripted(apiException(429, { policyName: 'DAILY' }));
    const error = await make({ dailyWaitMs: 60_000, maxWaitMs: 1_000 })
      .run(PORTAL, call)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotRetriableError);
    expect(error).toMatchObject({ status: 429, policyName: 'DAILY' });
    expect(times).toHaveLength(1);
  });

  it('heartbeats while waiting and stops waiting on close()', async () => {
    const heartbeat = jest.fn(async () => undefined);
    const { call } = scripted(apiException(429, { policyName: 'DAILY' }));
    const running = make({ dailyWaitMs: 60_000 }).run(PORTAL, call, { heartbeat });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(heartbeat).toHaveBeenCalled();
    await budget.close();
    await expect(running).rejects.toThrow(/closed/);
  });
});
