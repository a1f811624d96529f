import type { IncomingMessage } from 'node:http';
import { FakeHttpServer } from '@hubheap/testing';
import { HubSpotContactPageSource } from './contact-page.source';

// The --since path (search with GTE/GT) against a scripted HTTP server: the HubSpot fake has no range operators.

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

interface Seen {
  method: string;
  url: string;
  body: unknown;
}

const contact = (id: number) => ({
  id: String(id),
  properties: { email: `u${id}@example.com`, hs_object_id: String(id) },
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-02-01T00:00:00.000Z',
  archived: false,
});

describe('HubSpotContactPageSource', () => {
  const seen: Seen[] = [];
  let reply: (body: Record<string, unknown>) => unknown = () => ({});
  const server = new FakeHttpServer(async (req, res) => {
    const text = (await readBody(req)).toString('utf8');
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    seen.push({ method: req.method ?? '', url: req.url ?? '', body });
    res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(reply(body ?? {})));
  });
  const calls: number[] = [];
  const gate = {
    run: <T>(portalId: number, call: () => Promise<T>) => {
      calls.push(portalId);
      return call();
    },
  };
  let baseUrl = '';

  beforeAll(async () => {
    baseUrl = (await server.start()).baseUrl;
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    seen.length = 0;
    calls.length = 0;
  });

  it('with sinceMs searches lastmodifieddate GTE since by hs_object_id, keyset-paged by the last id', async () => {
    const source = new HubSpotContactPageSource({
      portalId: 7,
      accessToken: 't',
      basePath: baseUrl,
      gate,
      sinceMs: 1_700_000_000_000,
      numberOfApiCallRetries: 0,
    });
    reply = (body) =>
      body['limit'] === 1
        ? { total: 150, results: [contact(1)] }
        : body['filterGroups'] && JSON.stringify(body).includes('"GT"')
          ? { total: 50, results: Array.from({ length: 50 }, (_, i) => contact(101 + i)) }
          : {
              total: 150,
              results: Array.from({ length: 100 }, (_, i) => contact(1 + i)),
              paging: { next: { after: '100' } },
            };
    expect(await source.total()).toBe(150);
    const first = await source.fetchPage(undefined);
    expect(first.contacts).toHaveLength(100);
    expect(first.nextCursor).toBe('100');
    const second = await source.fetchPage(first.nextCursor);
    expect(second.nextCursor).toBeUndefined();
    expect(second.contacts[0]).toEqual(contact(101));

    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(
      Array(3).fill('POST /crm/v3/objects/contacts/search'),
    );
    const since = { propertyName: 'lastmodifieddate', operator: 'GTE', value: '1700000000000' };
    expect(seen[1]!.body).toEqual({
      filterGroups: [{ filters: [since] }],
      sorts: ['hs_object_id'],
      properties: ['email'],
      limit: 100,
    });
    expect(seen[2]!.body).toMatchObject({
      filterGroups: [{ filters: [since, { propertyName: 'hs_object_id', operator: 'GT', value: '100' }] }],
      limit: 100,
    });
    expect(calls).toEqual([7, 7, 7]);
  });

  it('without sinceMs lists 100 per page with properties=email and follows paging.next.after', async () => {
    const source = new HubSpotContactPageSource({ portalId: 8, accessToken: 't', basePath: baseUrl, gate });
    reply = () => ({ results: [contact(5)], paging: { next: { after: '6', link: '?after=6' } } });
    const page = await source.fetchPage('5');
    expect(page).toEqual({ contacts: [contact(5)], nextCursor: '6' });
    expect(seen[0]!.url).toMatch(/^\/crm\/v3\/objects\/contacts\?/);
    const query = new URL(seen[0]!.url, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toMatchObject({ limit: '100', after: '5', properties: 'email' });
  });
});
