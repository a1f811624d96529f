import { DEFAULT_HEAP_RATE_LIMITS } from './heap-rate-limiter';
import { HeapFake } from './heap.fake';

const APP = '1234567890';

describe('HeapFake', () => {
  let clock = 1_700_000_000_000;
  const fake = new HeapFake({ appIds: [APP], now: () => clock });
  let baseUrl: string;

  const post = async (path: string, body: unknown, contentType = 'application/json') => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      text: await res.text(),
      headers: res.headers,
    };
  };
  const track = (fields: Record<string, unknown> = {}) =>
    post('/api/track', { app_id: APP, identity: 'jane@example.com', event: 'Opened Email', ...fields });

  beforeAll(async () => {
    ({ baseUrl } = await fake.start());
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.setRateLimits(DEFAULT_HEAP_RATE_LIMITS);
    fake.setSuccessBody('OK');
    clock = 1_700_000_000_000;
  });

  it('stores a single track event and answers 200 with the plain text OK', async () => {
    const res = await track({ timestamp: '2024-05-02T09:15:30.120Z', properties: { campaign_id: 123456 } });
    expect(res).toMatchObject({ status: 200, text: 'OK', type: 'text/plain; charset=utf-8' });
    expect(fake.events(APP)).toEqual([
      {
        appId: APP,
        identity: 'jane@example.com',
        event: 'Opened Email',
        timestamp: '2024-05-02T09:15:30.120Z',
        properties: { campaign_id: 123456 },
        receivedAt: clock,
      },
    ]);
    expect(fake.users(APP)).toEqual([{ appId: APP, identity: 'jane@example.com', properties: {} }]);
  });

  it('stores bulk events with the receive time as default timestamp and logs the count', async () => {
    const events = [
      { identity: 'a@example.com', event: 'Delivered Email' },
      { user_id: '1847839267195673', event: 'Delivered Email' },
      { identity: 'b@example.com', event: 'Bounced Email' },
    ];
    expect((await post('/api/track', { app_id: APP, events })).status).toBe(200);
    expect(fake.events().map((e) => [e.event, e.identity ?? e.userId, e.timestamp])).toEqual([
      ['Delivered Email', 'a@example.com', '2023-11-14T22:13:20.000Z'],
      ['Delivered Email', '1847839267195673', '2023-11-14T22:13:20.000Z'],
      ['Bounced Email', 'b@example.com', '2023-11-14T22:13:20.000Z'],
    ]);
    expect(fake.requests()).toEqual([
      expect.objectContaining({
        path: '/api/track',
        status: 200,
        appId: APP,
        eventCount: 3,
        stored: 3,
        duplicates: 0,
      }),
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'both identity and user_id',
      { user_id: '42' },
      'postBody.events[0] should have exactly one of identity, user_id',
    ],
    ['properties array', { properties: ['a', 'b'] }, 'postBody.events[0].properties should be object'],
    [
      'identity longer than 255',
      { identity: 'x'.repeat(256) },
      'postBody.events[0].identity should NOT be longer than 255 characters',
    ],
    ['unknown app_id', { app_id: '999' }, 'postBody.app_id 999 is not a known environment id'],
  ])('rejects %s with a plain-text 400 and stores nothing', async (_name, fields, message) => {
    const res = await track(fields);
    expect(res).toMatchObject({ status: 400, text: message, type: 'text/plain; charset=utf-8' });
    expect(fake.events()).toEqual([]);
  });

  it('rejects more than 1000 bulk events', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ({ identity: `u${i}@example.com`, event: 'e' }));
    const res = await post('/api/track', { app_id: APP, events });
    expect(res).toMatchObject({ status: 400, text: 'postBody.events should NOT have more than 1000 items' });
    expect(fake.requests()[0]?.eventCount).toBe(1001);
    expect(fake.events()).toHaveLength(0);
  });

  it('rejects a non-JSON content type and malformed JSON', async () => {
    expect(await post('/api/track', 'x', 'text/plain')).toMatchObject({
      status: 400,
      text: 'Content-Type should be application/json',
    });
    expect(await post('/api/track', '{"app_id":', 'application/json')).toMatchObject({
      status: 400,
      text: 'postBody should be valid JSON',
    });
  });

  it('accepts a repeated idempotency_key, stores nothing for it and keeps the first write', async () => {
    expect((await track({ idempotency_key: 'hubspot-abc-open', properties: { v: 1 } })).status).toBe(200);
    expect((await track({ idempotency_key: 'hubspot-abc-open', properties: { v: 2 } })).status).toBe(200);
    await post('/api/track', {
      app_id: APP,
      events: [
        { identity: 'x', event: 'e', idempotency_key: 'k2-k2-k2' },
        { identity: 'x', event: 'e', idempotency_key: 'k2-k2-k2' },
      ],
    });
    expect(fake.events().map((e) => [e.idempotencyKey, e.properties])).toEqual([
      ['hubspot-abc-open', { v: 1 }],
      ['k2-k2-k2', {}],
    ]);
    expect(fake.duplicatesRejected).toBe(2);
    expect(fake.summary()[APP]).toEqual({
      events: 2,
      users: 2,
      eventsByName: { 'Opened Email': 1, e: 1 },
      uniqueIdempotencyKeys: 2,
      duplicatesRejected: 2,
    });
  });

  it('throttles the 31st single call per identity in 30 s with a plain-text 429 that stores nothing', async () => {
    for (let i = 0; i < 30; i += 1) expect((await track({ properties: { i } })).status).toBe(200);
    const limited = await track({ properties: { i: 30 } });
    expect(limited.status).toBe(429);
    expect(limited.type).toBe('text/plain; charset=utf-8');
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(fake.events()).toHaveLength(30);
    expect((await track({ identity: 'other@example.com' })).status).toBe(200);
    clock += 30_000;
    expect((await track({ properties: { i: 31 } })).status).toBe(200);
    expect(fake.events().map((e) => e.properties['i'])).not.toContain(30);
  });

  it('throttles bulk track above 15,000 events per minute per app_id, optionally with Retry-After', async () => {
    fake.setRateLimits({ bulkEventsPerApp: { max: 4, windowMs: 60_000 }, retryAfter: true });
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ identity: `u${i}`, event: 'e' }));
    expect((await post('/api/track', { app_id: APP, events: batch(3) })).status).toBe(200);
    const limited = await post('/api/track', { app_id: APP, events: batch(2) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(fake.events()).toHaveLength(3);
  });

  it('injects faults: 503 and 429 store nothing, dropBody answers OK but stores nothing', async () => {
    fake.failNext(1, { status: 503 });
    fake.failNext(1, { status: 429 });
    fake.failNext(1, { dropBody: true });
    const statuses = [(await track()).status, (await track()).status, (await track()).status];
    expect(statuses).toEqual([503, 429, 200]);
    expect(fake.events()).toHaveLength(0);
    expect((await track()).status).toBe(200);
    expect(fake.events()).toHaveLength(1);
    expect(fake.requests().map((r) => [r.status, r.dropped])).toEqual([
      [503, false],
      [429, false],
      [200, true],
      [200, false],
    ]);
  });

  it('limits a fault to one path', async () => {
    fake.failNext(1, { status: 500, path: '/api/add_user_properties' });
    expect((await track()).status).toBe(200);
    expect(
      (await post('/api/add_user_properties', { app_id: APP, identity: 'a', properties: {} })).status,
    ).toBe(500);
  });

  it('adds user properties: last write wins, lowercase email is the built-in field', async () => {
    await post('/api/add_user_properties', {
      app_id: APP,
      identity: 'jane@example.com',
      properties: { plan: 'free', email: 'jane@example.com' },
    });
    await post('/api/add_user_properties', {
      app_id: APP,
      users: [{ identity: 'jane@example.com', properties: { plan: 'pro', Email: 'X' } }],
    });
    expect(fake.users(APP)).toEqual([
      {
        appId: APP,
        identity: 'jane@example.com',
        email: 'jane@example.com',
        properties: { plan: 'pro', Email: 'X' },
      },
    ]);
    expect(fake.requests().map((r) => r.userCount)).toEqual([1, 1]);
  });

  it('answers with a configurable success body', async () => {
    fake.setSuccessBody('{}');
    expect(await track()).toMatchObject({ status: 200, text: '{}', type: 'application/json' });
  });

  it('exposes events, summary and reset over HTTP', async () => {
    await track({ idempotency_key: 'key-12345' });
    const events = (await (await fetch(`${baseUrl}/_fake/events?app_id=${APP}`)).json()) as unknown[];
    expect(events).toHaveLength(1);
    const summary = (await (await fetch(`${baseUrl}/_fake/summary`)).json()) as Record<string, unknown>;
    expect(summary).toEqual({
      apps: {
        [APP]: {
          events: 1,
          users: 1,
          eventsByName: { 'Opened Email': 1 },
          uniqueIdempotencyKeys: 1,
          duplicatesRejected: 0,
        },
      },
      duplicatesRejected: 0,
      requests: 1,
    });
    expect((await fetch(`${baseUrl}/_fake/reset`, { method: 'POST' })).status).toBe(200);
    expect(fake.events()).toEqual([]);
  });

  it('answers 404 on unknown routes', async () => {
    expect((await post('/api/identify', {})).status).toBe(404);
  });
});
