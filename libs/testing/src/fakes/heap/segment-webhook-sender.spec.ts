import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { heapHash, sendSegmentDrain, sendSegmentSync } from './segment-webhook-sender';

const SECRET = 'heap-webhook-secret';
const SEGMENT = { id: 4242, name: 'Trial users, active last 7 days' };

interface Received {
  header: string;
  raw: string;
  body: {
    action_type: string;
    id_token: string;
    data: {
      segment: { id: number; name: string };
      sync_info?: { page_number: number; total_pages: number; sync_task_id: string };
      add?: Array<{ id: string }>;
      remove?: Array<{ id: string }>;
    };
  };
}

/** Independent verifier (heap-api.md §8.1): split on `,` then `:`, HMAC-SHA256(secret, ts + raw body), hex. */
function verify(header: string, raw: string, secret = SECRET): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split(':', 2) as [string, string]));
  const ts = parts['ts'];
  const hmac = parts['hmac'];
  if (!ts || !hmac) return false;
  const expected = createHmac('sha256', secret)
    .update(ts + raw)
    .digest();
  const given = Buffer.from(hmac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('Heap segment webhook sender', () => {
  let server: Server;
  let url: string;
  let received: Received[] = [];
  let answers: number[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          header: String(req.headers['heap-hash']),
          raw,
          body: JSON.parse(raw) as Received['body'],
        });
        res.writeHead(answers.shift() ?? 200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/heap/segments`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received = [];
    answers = [];
  });

  it('heapHash matches an independent HMAC over ts + body', () => {
    const body = '{"a":1}';
    const hex = createHmac('sha256', 's').update('1700000000000{"a":1}').digest('hex');
    expect(heapHash('s', 1_700_000_000_000, body)).toBe(`ts:1700000000000,hmac:${hex}`);
  });

  it('splits add/remove into signed pages sharing one sync_task_id', async () => {
    const add = ['a@example.com', 'b@example.com', 'c@example.com'];
    const remove = ['x@example.com', 'y@example.com'];
    const result = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      add,
      remove,
      pageSize: 2,
      syncTaskId: 'task-1',
      idToken: 'tok',
    });
    expect(result.delivered).toBe(true);
    expect(result.totalPages).toBe(3);
    expect(result.attempts.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(received.every((r) => verify(r.header, r.raw))).toBe(true);
    expect(received.map((r) => r.body.data.sync_info)).toEqual([
      { page_number: 1, total_pages: 3, sync_task_id: 'task-1' },
      { page_number: 2, total_pages: 3, sync_task_id: 'task-1' },
      { page_number: 3, total_pages: 3, sync_task_id: 'task-1' },
    ]);
    expect(
      received.map((r) => [r.body.data.add?.map((u) => u.id), r.body.data.remove?.map((u) => u.id)]),
    ).toEqual([
      [['a@example.com', 'b@example.com'], []],
      [['c@example.com'], ['x@example.com']],
      [[], ['y@example.com']],
    ]);
    expect(received[0]?.body).toMatchObject({
      action_type: 'segment.users.sync',
      id_token: 'tok',
      data: { segment: SEGMENT },
    });
  });

  it('sends an empty sync as one page', async () => {
    const result = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      add: [],
      remove: [],
    });
    expect(result.totalPages).toBe(1);
    expect(received[0]?.body.data).toMatchObject({
      add: [],
      remove: [],
      sync_info: { page_number: 1, total_pages: 1 },
    });
  });

  it('retries non-200 answers with a fresh ts and reports every attempt', async () => {
    answers = [429, 500];
    let clock = 1_000;
    const result = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      add: ['a@example.com'],
      remove: [],
      retries: { count: 3, delayMs: 0 },
      now: () => (clock += 1),
    });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => [a.status, a.attempt])).toEqual([
      [429, 0],
      [500, 1],
      [200, 2],
    ]);
    expect(new Set(result.attempts.map((a) => a.ts)).size).toBe(3);
    expect(received.every((r) => verify(r.header, r.raw))).toBe(true);
  });

  it('gives up after the retries and reports delivered=false', async () => {
    answers = [503, 503];
    const result = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      add: ['a'],
      remove: [],
      retries: { count: 1, delayMs: 0 },
    });
    expect(result.delivered).toBe(false);
    expect(result.attempts.map((a) => a.status)).toEqual([503, 503]);
  });

  it('delivers duplicates and out-of-order pages on demand', async () => {
    const add = Array.from({ length: 8 }, (_, i) => `u${i}@example.com`);
    const result = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      add,
      remove: [],
      pageSize: 2,
      shuffle: true,
      duplicatePages: [2],
    });
    const order = received.map((r) => r.body.data.sync_info?.page_number);
    expect(order).toHaveLength(5);
    expect([...new Set(order)].sort()).toEqual([1, 2, 3, 4]);
    expect(order.filter((p) => p === 2)).toHaveLength(2);
    expect([...new Set(order)]).not.toEqual([1, 2, 3, 4]);
    const twice = received.filter((r) => r.body.data.sync_info?.page_number === 2);
    expect(twice[0]?.raw).toBe(twice[1]?.raw);
    expect(result.attempts.filter((a) => a.duplicate).map((a) => a.pageNumber)).toEqual([2]);
  });

  it('signs with a wrong secret, or a fixed stale ts, on request', async () => {
    await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      add: ['a'],
      remove: [],
      badSignature: true,
      ts: 42,
    });
    expect(verify(received[0]?.header ?? '', received[0]?.raw ?? '')).toBe(false);
    expect(received[0]?.header.startsWith('ts:42,hmac:')).toBe(true);
  });

  it('sends segment.users.drain with data.segment only', async () => {
    const result = await sendSegmentDrain({
      targetUrl: url,
      secret: SECRET,
      segment: SEGMENT,
      idToken: 'tok',
    });
    expect(result.delivered).toBe(true);
    expect(received[0]?.body).toEqual({
      id_token: 'tok',
      action_type: 'segment.users.drain',
      customer_config: { fields: [] },
      data: { segment: SEGMENT },
    });
    expect(verify(received[0]?.header ?? '', received[0]?.raw ?? '')).toBe(true);
  });
});
