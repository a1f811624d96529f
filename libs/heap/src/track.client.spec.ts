import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeapTrackEvent } from '@hubheap/schemas';
import { HeapRejectedError, HeapRetriableError } from './heap.errors';
import { HeapClient } from './track.client';

interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: unknown;
}

type Reply = (res: ServerResponse) => void;

/** A tiny local Heap stand-in: records requests and answers with the next scripted reply. */
const startFakeHeap = async () => {
  const received: Received[] = [];
  let reply: Reply = (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(text),
      });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    setReply: (r: Reply) => (reply = r),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const trackEvent = (n: number, appId = '11'): HeapTrackEvent => ({
  appId,
  portalId: 62515,
  identity: `user${n}@example.com`,
  event: 'Opened Email',
  timestamp: '2024-05-02T09:15:30.120Z',
  idempotencyKey: `hs:62515:1714641330120:evt-${n}`,
  properties: { hubspot_event_id: `evt-${n}`, duration_ms: 1229 },
  sourceEventId: `evt-${n}`,
});

describe('HeapClient', () => {
  let heap: Awaited<ReturnType<typeof startFakeHeap>>;
  let client: HeapClient;

  beforeAll(async () => {
    heap = await startFakeHeap();
    client = new HeapClient({ baseUrl: heap.baseUrl, timeoutMs: 500 });
  });
  afterAll(() => heap.close());
  beforeEach(() => {
    heap.received.length = 0;
    heap.setReply((res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
  });

  it('bulkTrack posts the bulk form to /api/track and treats a non-JSON 200 as success', async () => {
    await client.bulkTrack('11', [trackEvent(1), trackEvent(2)]);
    expect(heap.received).toEqual([
      {
        method: 'POST',
        url: '/api/track',
        contentType: 'application/json',
        body: {
          app_id: '11',
          events: [1, 2].map((n) => ({
            identity: `user${n}@example.com`,
            event: 'Opened Email',
            timestamp: '2024-05-02T09:15:30.120Z',
            idempotency_key: `hs:62515:1714641330120:evt-${n}`,
            properties: { hubspot_event_id: `evt-${n}`, duration_ms: 1229 },
          })),
        },
      },
    ]);
  });

  it('accepts any 2xx, including 204 without a body', async () => {
    heap.setReply((res) => res.writeHead(204).end());
    await expect(client.bulkTrack('11', [trackEvent(1)])).resolves.toBeUndefined();
  });

  it('addUserProperties posts the bulk users form', async () => {
    await client.addUserProperties('11', [{ identity: 'jane@example.com', properties: { plan: 'pro' } }]);
    expect(heap.received[0]).toMatchObject({
      url: '/api/add_user_properties',
      body: { app_id: '11', users: [{ identity: 'jane@example.com', properties: { plan: 'pro' } }] },
    });
  });

  it('refuses more than 1000 events or users before sending', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => trackEvent(i));
    await expect(client.bulkTrack('11', events)).rejects.toBeInstanceOf(RangeError);
    const users = Array.from({ length: 1001 }, (_, i) => ({ identity: `u${i}`, properties: {} }));
    await expect(client.addUserProperties('11', users)).rejects.toBeInstanceOf(RangeError);
    expect(heap.received).toHaveLength(0);
  });

  it('refuses events of another app_id (tenant guard) and sends nothing for an empty list', async () => {
    await expect(client.bulkTrack('11', [trackEvent(1, '12')])).rejects.toBeInstanceOf(RangeError);
    await client.bulkTrack('11', []);
    expect(heap.received).toHaveLength(0);
  });

  it('400 → HeapRejectedError with status and plain-text body', async () => {
    const body = 'postBody.events[0].properties should be object';
    heap.setReply((res) => res.writeHead(400, { 'content-type': 'text/plain' }).end(body));
    const error = await client.bulkTrack('11', [trackEvent(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeapRejectedError);
    expect(error).toMatchObject({ status: 400, body, retriable: false });
  });

  it.each([408, 429, 500, 502, 503, 504])('%i → HeapRetriableError', async (status) => {
    heap.setReply((res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('slow down'));
    const error = await client.bulkTrack('11', [trackEvent(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeapRetriableError);
    expect(error).toMatchObject({ status, kind: 'http', body: 'slow down', retriable: true });
  });

  it('a redirect is not followed and counts as retriable', async () => {
    heap.setReply((res) => res.writeHead(301, { location: 'https://example.com/api/track' }).end());
    const error = await client.bulkTrack('11', [trackEvent(1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ retriable: true, kind: 'network' });
  });

  it('no answer within timeoutMs → HeapRetriableError of kind timeout', async () => {
    heap.setReply(() => undefined); // never answers
    const fast = new HeapClient({ baseUrl: heap.baseUrl, timeoutMs: 50 });
    const error = await fast.bulkTrack('11', [trackEvent(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeapRetriableError);
    expect(error).toMatchObject({ kind: 'timeout', status: undefined });
  });

  it('connection refused → HeapRetriableError of kind network', async () => {
    const closed = await startFakeHeap();
    await closed.close();
    const error = await new HeapClient({ baseUrl: closed.baseUrl })
      .bulkTrack('11', [trackEvent(1)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeapRetriableError);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('rejects a base URL that is not absolute', () => {
    expect(() => new HeapClient({ baseUrl: 'heapanalytics.com' })).toThrow('Invalid URL');
  });
});
