import { HubSpotFake } from './hubspot.fake';

const PORTAL = 62515;
const OTHER_PORTAL = 99;
const TOKEN = 'crm-token';
const OTHER_TOKEN = 'other-token';

type Json = Record<string, unknown>;

describe('HubSpotFake CRM contacts and lists', () => {
  let clock = 1_770_000_000_000;
  const fake = new HubSpotFake({ now: () => clock });
  let baseUrl: string;

  const call = async (method: string, path: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      json: (text === '' ? undefined : JSON.parse(text)) as Json,
    };
  };

  const seedPeople = (n: number) =>
    fake.seedContacts(
      PORTAL,
      Array.from({ length: n }, (_, i) => ({
        id: String(5101 + i),
        properties: { email: `user${i + 1}@example.com`, firstname: `Test${i + 1}`, lifecyclestage: 'lead' },
      })),
    );

  beforeAll(async () => {
    ({ baseUrl } = await fake.start());
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.reset();
    fake.setRateLimit({ enabled: false, max: 100, intervalMs: 10_000, searchPerSecond: 5 });
    fake.addAccessToken(TOKEN, PORTAL);
    fake.addAccessToken(OTHER_TOKEN, OTHER_PORTAL);
  });

  describe('contacts', () => {
    it('seeds with auto ids, fills hs_object_id and rejects a case-insensitive email clash', () => {
      const [a, b] = fake.seedContacts(PORTAL, [
        { properties: { email: 'Jane@Example.com' } },
        { id: '7', properties: { email: null } },
      ]);
      expect(a?.id).toBe('1001');
      expect(a?.properties['hs_object_id']).toBe('1001');
      expect(b?.id).toBe('7');
      expect(fake.seedContacts(PORTAL, [{ properties: {} }])[0]?.id).toBe('1002');
      expect(() => fake.seedContacts(PORTAL, [{ properties: { email: 'jane@example.COM' } }])).toThrow(
        /already/,
      );
      expect(fake.contacts(PORTAL).map((c) => c.id)).toEqual(['7', '1001', '1002']);
      expect(fake.contacts(OTHER_PORTAL)).toEqual([]);
    });

    it('reads one contact by id or by email (idProperty), 404 OBJECT_NOT_FOUND otherwise', async () => {
      seedPeople(2);
      const byId = await call('GET', '/crm/v3/objects/contacts/5101?properties=email&properties=nothing');
      expect(byId.status).toBe(200);
      expect(byId.headers.get('content-type')).toBe('application/json;charset=utf-8');
      expect(byId.json).toEqual({
        id: '5101',
        properties: {
          email: 'user1@example.com',
          nothing: null,
          hs_object_id: '5101',
          createdate: new Date(clock).toISOString(),
          lastmodifieddate: new Date(clock).toISOString(),
        },
        createdAt: new Date(clock).toISOString(),
        updatedAt: new Date(clock).toISOString(),
        archived: false,
      });
      const byEmail = await call(
        'GET',
        '/crm/v3/objects/contacts/USER2%40example.com?idProperty=email&properties=firstname',
      );
      expect(byEmail.json['id']).toBe('5102');
      const missing = await call('GET', '/crm/v3/objects/contacts/999');
      expect(missing.status).toBe(404);
      expect(missing.json['category']).toBe('OBJECT_NOT_FOUND');
      expect((await call('GET', '/crm/v3/objects/contacts/5101', undefined, OTHER_TOKEN)).status).toBe(404);
    });

    it('batch read: 200 when all found, 207 with OBJECT_NOT_FOUND context.ids, 400 above 100 inputs', async () => {
      seedPeople(3);
      const all = await call('POST', '/crm/v3/objects/contacts/batch/read', {
        idProperty: 'email',
        inputs: [{ id: 'USER1@example.com' }, { id: 'user3@example.com' }],
        properties: ['email', 'firstname'],
        propertiesWithHistory: [],
      });
      expect(all.status).toBe(200);
      expect(all.json['status']).toBe('COMPLETE');
      expect((all.json['results'] as Json[]).map((r) => r['id'])).toEqual(['5101', '5103']);

      const some = await call('POST', '/crm/v3/objects/contacts/batch/read', {
        inputs: [{ id: '5102' }, { id: '404040' }],
        properties: ['email'],
        propertiesWithHistory: [],
      });
      expect(some.status).toBe(207);
      expect(some.json).toMatchObject({
        status: 'COMPLETE',
        numErrors: 1,
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['404040'] } }],
      });
      expect((some.json['results'] as Json[]).map((r) => r['id'])).toEqual(['5102']);
      expect(typeof (some.json['errors'] as Json[])[0]?.['message']).toBe('string');
      expect(Date.parse(some.json['startedAt'] as string)).toBe(clock);
      expect(Date.parse(some.json['completedAt'] as string)).toBe(clock);

      const tooMany = await call('POST', '/crm/v3/objects/contacts/batch/read', {
        inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })),
        properties: [],
        propertiesWithHistory: [],
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.json['category']).toBe('VALIDATION_ERROR');
    });

    it('search: EQ on email is case-insensitive; paging with total and paging.next.after only when more', async () => {
      seedPeople(5);
      const eq = await call('POST', '/crm/v3/objects/contacts/search', {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'USER4@EXAMPLE.COM' }] }],
        properties: ['email'],
        limit: 10,
      });
      expect(eq.status).toBe(200);
      expect(eq.json['total']).toBe(1);
      expect((eq.json['results'] as Json[])[0]?.['id']).toBe('5104');
      expect(eq.json['paging']).toBeUndefined();
      expect(eq.headers.get('x-hubspot-ratelimit-max')).toBeNull();

      const ids: string[] = [];
      const afters: Array<string | undefined> = [];
      let after: string | undefined = '0';
      do {
        const page = await call('POST', '/crm/v3/objects/contacts/search', {
          filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'IN', values: ['LEAD'] }] }],
          limit: 2,
          after,
        });
        expect(page.json['total']).toBe(5);
        ids.push(...(page.json['results'] as Json[]).map((r) => r['id'] as string));
        after = (page.json['paging'] as { next?: { after: string } } | undefined)?.next?.after;
        afters.push(after);
      } while (after !== undefined);
      expect(ids).toEqual(['5101', '5102', '5103', '5104', '5105']);
      expect(afters).toEqual(['2', '4', undefined]);

      const has = await call('POST', '/crm/v3/objects/contacts/search', {
        filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'HAS_PROPERTY' }] }],
      });
      expect(has.json['total']).toBe(0);
      expect((await call('POST', '/crm/v3/objects/contacts/search', { limit: 201 })).status).toBe(400);
      expect((await call('POST', '/crm/v3/objects/contacts/search', { after: '10000' })).status).toBe(400);
    });

    it('search: GTE/GT/LT/LTE/BETWEEN compare ms-epoch filter values with ISO or ms dates and ids as numbers', async () => {
      const t = Date.UTC(2025, 0, 1);
      fake.seedContacts(PORTAL, [
        { id: '9', properties: { lastmodifieddate: new Date(t - 1).toISOString() } },
        { id: '10', properties: { lastmodifieddate: new Date(t).toISOString() } },
        { id: '11', properties: { lastmodifieddate: String(t + 5000) } },
      ]);
      const ids = async (...filters: Json[]) => {
        const reply = await call('POST', '/crm/v3/objects/contacts/search', {
          filterGroups: [{ filters }],
          sorts: ['hs_object_id'],
        });
        expect(reply.status).toBe(200);
        return (reply.json['results'] as Json[]).map((r) => r['id']);
      };
      const since = { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(t) };
      expect(await ids(since)).toEqual(['10', '11']);
      expect(await ids(since, { propertyName: 'hs_object_id', operator: 'GT', value: '10' })).toEqual(['11']);
      expect(await ids({ propertyName: 'lastmodifieddate', operator: 'LT', value: String(t) })).toEqual([
        '9',
      ]);
      expect(await ids({ propertyName: 'hs_object_id', operator: 'LTE', value: '10' })).toEqual(['9', '10']);
      expect(
        await ids({
          propertyName: 'lastmodifieddate',
          operator: 'BETWEEN',
          value: String(t),
          highValue: String(t + 1),
        }),
      ).toEqual(['10']);
      const bad = await call('POST', '/crm/v3/objects/contacts/search', {
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: 'soon' }] }],
      });
      expect(bad.status).toBe(400);
      expect(bad.json['category']).toBe('VALIDATION_ERROR');
    });

    it('search has its own 5/s limit with the secondly-limit message when rate limiting is enabled', async () => {
      fake.setRateLimit({ enabled: true, max: 100 });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1)
        statuses.push((await call('POST', '/crm/v3/objects/contacts/search', {})).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await call('POST', '/crm/v3/objects/contacts/search', {});
      expect(limited.json['message']).toBe('You have reached your secondly limit.');
      expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
      clock += 1000;
      expect((await call('POST', '/crm/v3/objects/contacts/search', {})).status).toBe(200);
    });

    it('serves seeded property definitions (default empty)', async () => {
      expect((await call('GET', '/crm/v3/properties/contacts')).json).toEqual({ results: [] });
      fake.seedContactProperties(PORTAL, [{ name: 'lifecyclestage', type: 'enumeration', options: [] }]);
      const res = await call('GET', '/crm/v3/properties/contacts');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ results: [{ name: 'lifecyclestage', type: 'enumeration', options: [] }] });
      expect((await call('GET', '/crm/v3/properties/contacts/lifecyclestage')).status).toBe(200);
      expect((await call('GET', '/crm/v3/properties/contacts/nope')).status).toBe(404);
    });
  });

  describe('lists', () => {
    const create = (name: string, processingType = 'MANUAL') =>
      call('POST', '/crm/v3/lists', { name, objectTypeId: '0-1', processingType });

    it('creates a list (200 {list}), rejects a duplicate name case-insensitively and finds it by name', async () => {
      const created = await create('Heap segment: Power users');
      expect(created.status).toBe(200);
      expect(created.json['list']).toMatchObject({
        listId: '1',
        listVersion: 1,
        name: 'Heap segment: Power users',
        objectTypeId: '0-1',
        processingType: 'MANUAL',
        processingStatus: 'COMPLETE',
        createdAt: new Date(clock).toISOString(),
        updatedAt: new Date(clock).toISOString(),
      });
      const dup = await create('HEAP SEGMENT: power USERS');
      expect(dup.status).toBe(400);
      expect(dup.json['category']).toBe('VALIDATION_ERROR');
      expect(dup.json['message']).toContain('Heap segment: Power users');

      const byName = await call(
        'GET',
        `/crm/v3/lists/object-type-id/0-1/name/${encodeURIComponent('heap segment: power users')}`,
      );
      expect(byName.status).toBe(200);
      expect((byName.json['list'] as Json)['listId']).toBe('1');
      const unknown = await call('GET', '/crm/v3/lists/object-type-id/0-1/name/nope');
      expect(unknown.status).toBe(404);
      expect(unknown.json['category']).toBe('OBJECT_NOT_FOUND');
      expect((await call('GET', '/crm/v3/lists/1')).status).toBe(200);
      expect((await call('GET', '/crm/v3/lists/77')).status).toBe(404);
      expect(fake.lists(PORTAL).map((l) => l.name)).toEqual(['Heap segment: Power users']);
    });

    it('renames, deletes (204, then 404) and searches with hs_list_size as a string', async () => {
      seedPeople(2);
      const a = fake.createList(PORTAL, {
        name: 'Heap segment: A',
        processingType: 'MANUAL',
        members: ['5101', '5102'],
      });
      fake.createList(PORTAL, { name: 'Other', processingType: 'DYNAMIC' });
      const renamed = await call(
        'PUT',
        `/crm/v3/lists/${a.listId}/update-list-name?listName=${encodeURIComponent('Heap segment: A2')}`,
      );
      expect(renamed.status).toBe(200);
      expect((renamed.json['updatedList'] as Json)['name']).toBe('Heap segment: A2');
      expect((await call('PUT', `/crm/v3/lists/${a.listId}/update-list-name?listName=other`)).status).toBe(
        400,
      );

      const search = await call('POST', '/crm/v3/lists/search', {
        query: 'heap',
        processingTypes: ['MANUAL'],
        offset: 0,
        count: 10,
      });
      expect(search.status).toBe(200);
      expect(search.json).toMatchObject({ total: 1, offset: 1, hasMore: false });
      expect((search.json['lists'] as Json[])[0]?.['additionalProperties']).toMatchObject({
        hs_list_size: '2',
      });
      const all = await call('POST', '/crm/v3/lists/search', { count: 1 });
      expect(all.json).toMatchObject({ total: 2, offset: 1, hasMore: true });
      expect((await call('POST', '/crm/v3/lists/search', { count: 501 })).status).toBe(400);

      const deleted = await call('DELETE', `/crm/v3/lists/${a.listId}`);
      expect(deleted.status).toBe(204);
      expect(deleted.headers.get('content-type')).toBe('application/json;charset=utf-8');
      expect((await call('GET', `/crm/v3/lists/${a.listId}`)).status).toBe(404);
      expect(fake.lists(PORTAL).map((l) => l.name)).toEqual(['Other']);
    });

    it('adds and removes members with recordsIdsAdded / recordIdsRemoved / recordIdsMissing', async () => {
      seedPeople(3);
      const { listId } = fake.createList(PORTAL, { name: 'L', processingType: 'MANUAL' });
      const add = await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, ['5101', '5102', '999999']);
      expect(add.status).toBe(200);
      expect(add.json).toEqual({
        recordIdsMissing: ['999999'],
        recordIdsRemoved: [],
        recordsIdsAdded: ['5101', '5102'],
      });
      const again = await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, ['5102', '5103']);
      expect(again.json).toEqual({ recordIdsMissing: [], recordIdsRemoved: [], recordsIdsAdded: ['5103'] });
      const remove = await call('PUT', `/crm/v3/lists/${listId}/memberships/remove`, [
        '5101',
        '5101',
        '424242',
      ]);
      expect(remove.json).toEqual({
        recordIdsMissing: ['424242'],
        recordIdsRemoved: ['5101'],
        recordsIdsAdded: [],
      });
      const both = await call('PUT', `/crm/v3/lists/${listId}/memberships/add-and-remove`, {
        recordIdsToAdd: ['5101'],
        recordIdsToRemove: ['5103'],
      });
      expect(both.json).toEqual({
        recordIdsMissing: [],
        recordIdsRemoved: ['5103'],
        recordsIdsAdded: ['5101'],
      });
      expect(fake.listMembers(PORTAL, listId)).toEqual(['5101', '5102']);
      expect((await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, { ids: [] })).status).toBe(400);
      expect((await call('PUT', '/crm/v3/lists/999/memberships/add', ['5101'])).status).toBe(404);
    });

    it('rejects membership changes on DYNAMIC lists with 400', async () => {
      seedPeople(1);
      const { listId } = fake.createList(PORTAL, { name: 'Dyn', processingType: 'DYNAMIC' });
      const res = await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, ['5101']);
      expect(res.status).toBe(400);
      expect(res.json['category']).toBe('VALIDATION_ERROR');
      expect(fake.listMembers(PORTAL, listId)).toEqual([]);
    });

    it('pages memberships by numeric record id across 3 pages with limit 2; limit 251 → 400', async () => {
      fake.seedContacts(
        PORTAL,
        ['9', '10', '100', '11', '2'].map((id) => ({ id, properties: {} })),
      );
      const { listId } = fake.createList(PORTAL, { name: 'Paged', processingType: 'SNAPSHOT' });
      await call('PUT', `/crm/v3/lists/${listId}/memberships/add`, ['9', '10', '100', '11', '2']);
      const pages: string[][] = [];
      let after: string | undefined;
      do {
        const res = await call(
          'GET',
          `/crm/v3/lists/${listId}/memberships?limit=2${after ? `&after=${after}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.json['total']).toBe(5);
        const results = res.json['results'] as Array<{ recordId: string; membershipTimestamp: string }>;
        expect(results.every((r) => r.membershipTimestamp === new Date(clock).toISOString())).toBe(true);
        pages.push(results.map((r) => r.recordId));
        after = (res.json['paging'] as { next?: { after: string } } | undefined)?.next?.after;
        if (after !== undefined) expect(after).not.toMatch(/^\d+$/);
      } while (after !== undefined);
      expect(pages).toEqual([['2', '9'], ['10', '11'], ['100']]);
      const tooBig = await call('GET', `/crm/v3/lists/${listId}/memberships?limit=251`);
      expect(tooBig.status).toBe(400);
      expect((await call('GET', `/crm/v3/lists/${listId}/memberships?limit=250`)).status).toBe(200);
    });

    it('applies the TEN_SECONDLY_ROLLING burst limit and failNext faults to list routes', async () => {
      fake.setRateLimit({ enabled: true, max: 2, intervalMs: 10_000 });
      expect((await create('a')).status).toBe(200);
      expect((await call('GET', '/crm/v3/lists/1')).headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      const limited = await call('POST', '/crm/v3/lists/search', {});
      expect(limited.status).toBe(429);
      expect(limited.json['policyName']).toBe('TEN_SECONDLY_ROLLING');
      expect(limited.headers.get('content-type')).toBe('application/json;charset=utf-8');
      clock += 10_000;
      fake.failNext(1, { status: 503, path: '/crm/v3/lists/1' });
      expect((await call('GET', '/crm/v3/lists/1')).status).toBe(503);
      expect((await call('GET', '/crm/v3/lists/1')).status).toBe(200);
    });

    it('logs parsed request bodies and rejects malformed JSON with 400', async () => {
      const res = await fetch(`${baseUrl}/crm/v3/lists`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: '{"name": ',
      });
      expect(res.status).toBe(400);
      await create('logged');
      expect(fake.requests().at(-1)?.body).toEqual({
        name: 'logged',
        objectTypeId: '0-1',
        processingType: 'MANUAL',
      });
    });
  });
});
