import { Client } from '@hubspot/api-client';
import { HubSpotFake } from './hubspot.fake';

const PORTAL = 62515;
const TOKEN = 'test-token';
const EVENTS_PATH = '/email/public/v1/events';

describe('HubSpotFake transport, auth, rate limiting and faults', () => {
  let clock = 1_700_000_000_000;
  const fake = new HubSpotFake({ now: () => clock });
  let baseUrl: string;

  const call = async (token: string | null = TOKEN, path = EVENTS_PATH) => {
    const res = await fetch(
      `${baseUrl}${path}`,
      token ? { headers: { Authorization: `Bearer ${token}` } } : {},
    );
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  beforeAll(async () => {
    ({ baseUrl } = await fake.start());
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.setRateLimit({ enabled: false, max: 100, intervalMs: 10_000 });
    fake.addAccessToken(TOKEN, PORTAL);
  });

  it('answers 401 INVALID_AUTHENTICATION without a token, with the JSON content type', async () => {
    const res = await call(null);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body['status']).toBe('error');
    expect(body['category']).toBe('INVALID_AUTHENTICATION');
    expect(body['correlationId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 401 for an unknown token', async () => {
    expect((await call('nope')).status).toBe(401);
  });

  it('answers 404 OBJECT_NOT_FOUND on unknown routes', async () => {
    const res = await call(TOKEN, '/crm/v3/nothing');
    expect(res.status).toBe(404);
    expect((JSON.parse(res.text) as Record<string, unknown>)['category']).toBe('OBJECT_NOT_FOUND');
  });

  it('sends rate-limit headers, throttles a burst with TEN_SECONDLY_ROLLING and recovers after the window', async () => {
    fake.setRateLimit({ enabled: true, max: 3, intervalMs: 10_000 });
    const ok = [await call(), await call(), await call()];
    expect(ok.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ok.map((r) => r.headers.get('x-hubspot-ratelimit-remaining'))).toEqual(['2', '1', '0']);
    expect(ok[0]?.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(ok[0]?.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');

    clock += 9_999;
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: expect.any(String),
      policyName: 'TEN_SECONDLY_ROLLING',
      requestId: expect.any(String),
    });

    clock += 1;
    const recovered = await call();
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
  });

  it('injects queued faults, then answers normally; the request log shows every status', async () => {
    fake.failNext(1, { status: 429 });
    fake.failNext(2, { status: 503 });
    fake.failNext(1, { status: 477, headers: { 'Retry-After': '2' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call()).status);
    expect(statuses).toEqual([429, 503, 503, 477, 200]);
    expect(fake.requests().map((r) => r.status)).toEqual([429, 503, 503, 477, 200]);
  });

  it('sends a string fault body verbatim (malformed JSON)', async () => {
    fake.failNext(1, { status: 200, body: '{"events": [' });
    const res = await call();
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"events": [');
  });

  it('delays a slow response by delayMs', async () => {
    fake.failNext(1, { delayMs: 300 });
    const started = performance.now();
    const res = await call();
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('works as @hubspot/api-client basePath; apiRequest returns a 500 unretried (the SDK retries only thrown errors)', async () => {
    const hubspot = new Client({ accessToken: TOKEN, basePath: baseUrl, numberOfApiCallRetries: 2 });
    fake.seedEmailEvents(PORTAL, [{ id: 'a', created: 1, type: 'SENT', recipient: 'jane@example.com' }]);
    fake.failNext(1, { status: 500 });
    const failed = await hubspot.apiRequest({ method: 'GET', path: EVENTS_PATH, qs: { limit: 1000 } });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as Record<string, unknown>)['category']).toBe('INTERNAL_ERROR');
    const res = await hubspot.apiRequest({ method: 'GET', path: EVENTS_PATH, qs: { limit: 1000 } });
    const body = (await res.json()) as { events: unknown[]; hasMore: boolean };
    expect(body.events).toEqual([{ id: 'a', created: 1, type: 'SENT', recipient: 'jane@example.com' }]);
    expect(body.hasMore).toBe(false);
    expect(fake.requests().map((r) => [r.status, r.token, r.query['limit']])).toEqual([
      [500, TOKEN, '1000'],
      [200, TOKEN, '1000'],
    ]);
  });
});

describe('HubSpotFake /_fake/ routes', () => {
  it('answers /_fake/ paths with the fakeRoutes hook (no token needed), 404 when it has no answer', async () => {
    const fake = new HubSpotFake({
      fakeRoutes: (self, method, path) => {
        if (method !== 'POST' || path !== '/_fake/portals/7/seed') return undefined;
        self.seedEmailEvents(7, [{ id: 'e1', created: 1, type: 'SENT', recipient: 'a@x.io', portalId: 7 }]);
        return [200, { total: self.emailEventCount(7) }];
      },
    });
    const { baseUrl } = await fake.start();
    try {
      const seeded = await fetch(`${baseUrl}/_fake/portals/7/seed`, { method: 'POST' });
      expect(seeded.status).toBe(200);
      expect(await seeded.json()).toEqual({ total: 1 });
      expect((await fetch(`${baseUrl}/_fake/other`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${baseUrl}/_fake/portals/7/seed`)).status).toBe(404); // GET: no route
    } finally {
      await fake.stop();
    }
  });
});
