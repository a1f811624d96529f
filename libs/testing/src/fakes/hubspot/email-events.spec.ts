import { loadEmailEventFixtures } from '../../fixtures';
import { HubSpotFake } from './hubspot.fake';

const PORTAL = 62515;
const TOKEN = 'test-token';

/** 25 synthetic events: created 1_700_000_000_000 + i*1000, ids e00..e24; two share a timestamp. */
function syntheticEvents(): Record<string, unknown>[] {
  return Array.from({ length: 25 }, (_, i) => ({
    id: `e${String(i).padStart(2, '0')}`,
    created: 1_700_000_000_000 + (i === 24 ? 23 : i) * 1000,
    type: i % 3 === 0 ? 'OPEN' : 'DELIVERED',
    recipient: i % 2 === 0 ? 'jane@example.com' : 'joe@example.com',
    portalId: PORTAL,
    appId: i < 20 ? 113 : 20053,
    emailCampaignId: i < 10 ? 190001 : 190002,
    filteredEvent: i === 3,
  }));
}

describe('HubSpotFake GET /email/public/v1/events', () => {
  const fake = new HubSpotFake();
  let baseUrl: string;

  const get = async (query: Record<string, string | number | boolean>, token = TOKEN) => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${baseUrl}/email/public/v1/events?${qs}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        events: Array<Record<string, unknown>>;
        hasMore: boolean;
        offset: string;
      } & Record<string, unknown>,
    };
  };
  const ids = (events: Array<Record<string, unknown>>) => events.map((e) => e['id']);

  beforeAll(async () => {
    ({ baseUrl } = await fake.start());
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.addAccessToken(TOKEN, PORTAL);
    fake.seedEmailEvents(PORTAL, syntheticEvents());
  });

  it('pages across 3 pages newest first, following offset while hasMore', async () => {
    const p1 = await get({ limit: 10 });
    const p2 = await get({ limit: 10, offset: p1.body.offset });
    const p3 = await get({ limit: 10, offset: p2.body.offset });

    expect([p1.status, p2.status, p3.status]).toEqual([200, 200, 200]);
    expect([p1.body.hasMore, p2.body.hasMore, p3.body.hasMore]).toEqual([true, true, false]);
    // e24 and e23 share `created`; ties are broken by id descending.
    expect(ids(p1.body.events)).toEqual([
      'e24',
      'e23',
      'e22',
      'e21',
      'e20',
      'e19',
      'e18',
      'e17',
      'e16',
      'e15',
    ]);
    expect(ids(p2.body.events)).toEqual([
      'e14',
      'e13',
      'e12',
      'e11',
      'e10',
      'e09',
      'e08',
      'e07',
      'e06',
      'e05',
    ]);
    expect(ids(p3.body.events)).toEqual(['e04', 'e03', 'e02', 'e01', 'e00']);
    expect(typeof p3.body.offset).toBe('string');
    expect(fake.requests().map((r) => [r.path, r.query['limit'], r.status])).toEqual([
      ['/email/public/v1/events', '10', 200],
      ['/email/public/v1/events', '10', 200],
      ['/email/public/v1/events', '10', 200],
    ]);
  });

  it('defaults limit to 10 and returns events in reverse-chronological order', async () => {
    const { body } = await get({});
    expect(body.events).toHaveLength(10);
    const created = body.events.map((e) => e['created'] as number);
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('rejects limit above 1000 with a 400 VALIDATION_ERROR body', async () => {
    const { status, body } = await get({ limit: 1001 });
    expect(status).toBe(400);
    expect(body).toEqual({
      status: 'error',
      message: 'limit must be between 1 and 1000, got 1001',
      correlationId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      category: 'VALIDATION_ERROR',
    });
  });

  it('accepts limit 1000', async () => {
    const { status, body } = await get({ limit: 1000 });
    expect(status).toBe(200);
    expect(body.events).toHaveLength(25);
    expect(body.hasMore).toBe(false);
  });

  it('rejects an offset used with different query parameters', async () => {
    const p1 = await get({ limit: 5, eventType: 'OPEN' });
    const other = await get({ limit: 5, eventType: 'DELIVERED', offset: p1.body.offset });
    expect(other.status).toBe(400);
    expect(other.body['category']).toBe('VALIDATION_ERROR');
    // A different limit keeps the offset valid (§2.2: only offset and limit may change).
    const next = await get({ limit: 7, eventType: 'OPEN', offset: p1.body.offset });
    expect(next.status).toBe(200);
    expect(ids(next.body.events)).toEqual(['e09', 'e06', 'e03', 'e00']);
  });

  it('filters by eventType case-sensitively', async () => {
    expect(ids((await get({ eventType: 'OPEN', limit: 100 })).body.events)).toEqual([
      'e24',
      'e21',
      'e18',
      'e15',
      'e12',
      'e09',
      'e06',
      'e03',
      'e00',
    ]);
    expect((await get({ eventType: 'open', limit: 100 })).body.events).toEqual([]);
  });

  it('filters by recipient, campaignId and appId', async () => {
    const joe = await get({ recipient: 'joe@example.com', limit: 100 });
    expect(joe.body.events).toHaveLength(12);
    expect(joe.body.events.every((e) => e['recipient'] === 'joe@example.com')).toBe(true);
    expect((await get({ campaignId: 190001, limit: 100 })).body.events).toHaveLength(10);
    expect(ids((await get({ appId: 20053, limit: 100 })).body.events)).toEqual([
      'e24',
      'e23',
      'e22',
      'e21',
      'e20',
    ]);
  });

  it('applies startTimestamp/endTimestamp inclusively', async () => {
    const { body } = await get({
      startTimestamp: 1_700_000_005_000,
      endTimestamp: 1_700_000_007_000,
      limit: 100,
    });
    expect(ids(body.events)).toEqual(['e07', 'e06', 'e05']);
  });

  it('drops filteredEvent: true with excludeFilteredEvents=true', async () => {
    expect((await get({ limit: 100 })).body.events).toHaveLength(25);
    const { body } = await get({ excludeFilteredEvents: true, limit: 100 });
    expect(body.events).toHaveLength(24);
    expect(ids(body.events)).not.toContain('e03');
  });

  it('serves the real fixtures with their counts (README: 23 OPEN, 11 filtered)', async () => {
    fake.reset();
    fake.seedEmailEvents(PORTAL, loadEmailEventFixtures());
    expect((await get({ limit: 1000 })).body.events).toHaveLength(52);
    expect((await get({ limit: 1000, eventType: 'OPEN' })).body.events).toHaveLength(23);
    expect((await get({ limit: 1000, excludeFilteredEvents: true })).body.events).toHaveLength(41);
  });

  it('keeps portals apart: a token only sees its own portal', async () => {
    fake.addAccessToken('other-token', 99);
    fake.seedEmailEvents(99, [{ id: 'x1', created: 1, type: 'SENT', recipient: 'a@example.com' }]);
    expect(ids((await get({}, 'other-token')).body.events)).toEqual(['x1']);
  });

  it('returns one event by created and id', async () => {
    const res = await fetch(`${baseUrl}/email/public/v1/events/1700000005000/e05`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, unknown>)['id']).toBe('e05');
  });
});
