import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmailEventsClient, type EmailEventsClientOptions, type RawEmailEvent } from './email-events.client';
import { HubSpotAuthError, HubSpotRequestError, HubSpotRetriableError } from './hubspot.errors';

interface SeenRequest {
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

type Handler = (query: Record<string, string>, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** A tiny local HubSpot stand-in (plain node:http, no mocking library). */
const startFakeHubSpot = async () => {
  const seen: SeenRequest[] = [];
  let handler: Handler = (_q, res) => json(res, 200, { events: [], hasMore: false });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    seen.push({ path: url.pathname, query, authorization: req.headers.authorization });
    handler(query, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    basePath: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    handle: (h: Handler) => (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const events = (from: number, count: number): RawEmailEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `e${from + i}`,
    created: 1700000000000 - from - i,
    type: 'OPEN',
  }));

/** Three pages: offsets "p2" and "p3", 2 + 2 + 1 events. */
const pagedHandler: Handler = (query, res) => {
  if (query['offset'] === undefined)
    return json(res, 200, { events: events(0, 2), hasMore: true, offset: 'p2' });
  if (query['offset'] === 'p2') return json(res, 200, { events: events(2, 2), hasMore: true, offset: 'p3' });
  return json(res, 200, { events: events(4, 1), hasMore: false, offset: 'p4' });
};

describe('EmailEventsClient', () => {
  let hubspot: Awaited<ReturnType<typeof startFakeHubSpot>>;
  let delays: number[];
  const clientWith = (options: Partial<EmailEventsClientOptions> = {}) =>
    new EmailEventsClient({
      accessToken: 'pat-test',
      basePath: hubspot.basePath,
      numberOfApiCallRetries: 3,
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...options,
    });
  const window = { startTimestamp: 1699990000000, endTimestamp: 1700000000000 };

  beforeAll(async () => {
    hubspot = await startFakeHubSpot();
  });
  afterAll(() => hubspot.close());
  beforeEach(() => {
    hubspot.seen.length = 0;
    delays = [];
  });

  it('follows offset while hasMore and returns every event', async () => {
    hubspot.handle(pagedHandler);
    const result = await clientWith().fetchWindow({ ...window, limit: 2, excludeFilteredEvents: true });
    expect(result.events.map((e) => e['id'])).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(result).toMatchObject({ pageCount: 3, eventCount: 5 });
    const base = {
      startTimestamp: '1699990000000',
      endTimestamp: '1700000000000',
      limit: '2',
      excludeFilteredEvents: 'true',
    };
    expect(hubspot.seen).toEqual([
      { path: '/email/public/v1/events', query: base, authorization: 'Bearer pat-test' },
      { path: '/email/public/v1/events', query: { ...base, offset: 'p2' }, authorization: 'Bearer pat-test' },
      { path: '/email/public/v1/events', query: { ...base, offset: 'p3' }, authorization: 'Bearer pat-test' },
    ]);
  });

  it('defaults limit to 1000 and omits excludeFilteredEvents when unset', async () => {
    await clientWith().fetchWindow(window);
    expect(hubspot.seen[0]?.query).toEqual({
      startTimestamp: '1699990000000',
      endTimestamp: '1700000000000',
      limit: '1000',
    });
  });

  it('streams pages to onPage instead of accumulating them', async () => {
    hubspot.handle(pagedHandler);
    const pages: [string[], number][] = [];
    const result = await clientWith().fetchWindow({
      ...window,
      onPage: async (page, pageNo) => {
        pages.push([page.map((e) => String(e['id'])), pageNo]);
      },
    });
    expect(pages).toEqual([
      [['e0', 'e1'], 1],
      [['e2', 'e3'], 2],
      [['e4'], 3],
    ]);
    expect(result).toEqual({ events: [], pageCount: 3, eventCount: 5 });
  });

  it('retries 5xx like the SDK (200 ms × attempt) and resumes with the same offset', async () => {
    let failures = 2;
    hubspot.handle((query, res) => {
      if (query['offset'] === 'p2' && failures-- > 0)
        return json(res, 502, { status: 'error', message: 'Bad gateway' });
      return pagedHandler(query, res);
    });
    const result = await clientWith().fetchWindow(window);
    expect(result.eventCount).toBe(5);
    expect(delays).toEqual([200, 400]);
    expect(hubspot.seen.map((s) => s.query['offset'])).toEqual([undefined, 'p2', 'p2', 'p2', 'p3']);
  });

  it('429 TEN_SECONDLY_ROLLING: retried 10 s × attempt, then HubSpotRetriableError with policyName and body', async () => {
    const body = {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    };
    hubspot.handle((_q, res) => json(res, 429, body));
    const error = await clientWith()
      .fetchWindow(window)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotRetriableError);
    expect(error).toMatchObject({ status: 429, policyName: 'TEN_SECONDLY_ROLLING', body, retriable: true });
    expect(hubspot.seen).toHaveLength(3);
    expect(delays).toEqual([10_000, 20_000]);
  });

  it('429 DAILY: retriable for the caller but not retried in the client', async () => {
    hubspot.handle((_q, res) =>
      json(res, 429, { status: 'error', message: 'You have reached your daily limit.', policyName: 'DAILY' }),
    );
    const error = await clientWith()
      .fetchWindow(window)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'HubSpotRetriableError',
      status: 429,
      policyName: 'DAILY',
      retriable: true,
    });
    expect(hubspot.seen).toHaveLength(1);
  });

  it('5xx after the last attempt → HubSpotRetriableError; numberOfApiCallRetries 0 means a single try', async () => {
    hubspot.handle((_q, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream down'));
    const error = await clientWith({ numberOfApiCallRetries: 0 })
      .fetchWindow(window)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotRetriableError);
    expect(error).toMatchObject({ status: 503, body: 'upstream down', policyName: undefined });
    expect(hubspot.seen).toHaveLength(1);
  });

  it.each([401, 403])('%i → HubSpotAuthError, not retried', async (status) => {
    const body = {
      status: 'error',
      message: 'The OAuth token used to make this call expired 75 second(s) ago.',
      category: 'EXPIRED_AUTHENTICATION',
    };
    hubspot.handle((_q, res) => json(res, status, body));
    const error = await clientWith()
      .fetchWindow(window)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotAuthError);
    expect(error).toMatchObject({ status, body, retriable: false });
    expect(hubspot.seen).toHaveLength(1);
  });

  it('other 4xx → HubSpotRequestError, not retried', async () => {
    hubspot.handle((_q, res) =>
      json(res, 400, { status: 'error', message: 'invalid offset', category: 'VALIDATION_ERROR' }),
    );
    const error = await clientWith()
      .fetchWindow(window)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotRequestError);
    expect(error).toMatchObject({
      status: 400,
      retriable: false,
      message: 'HubSpot answered HTTP 400: invalid offset',
    });
    expect(hubspot.seen).toHaveLength(1);
  });

  it('a 200 with an unexpected body → HubSpotRequestError', async () => {
    hubspot.handle((_q, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'),
    );
    await expect(clientWith().fetchWindow(window)).rejects.toBeInstanceOf(HubSpotRequestError);
  });

  it('hasMore without a new offset → HubSpotRequestError instead of looping', async () => {
    hubspot.handle((_q, res) => json(res, 200, { events: events(0, 1), hasMore: true, offset: 'same' }));
    await expect(clientWith().fetchWindow(window)).rejects.toThrow('hasMore without a new offset');
    expect(hubspot.seen).toHaveLength(2);
  });

  it('no server → HubSpotRetriableError with status 0 after retries', async () => {
    const gone = await startFakeHubSpot();
    await gone.close();
    const error = await clientWith({ basePath: gone.basePath })
      .fetchWindow(window)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotRetriableError);
    expect(error).toMatchObject({ status: 0 });
    expect(delays).toEqual([200, 400]);
  });

  it('refuses invalid windows and limits before any request', async () => {
    const client = clientWith();
    await expect(client.fetchWindow({ startTimestamp: 2, endTimestamp: 1 })).rejects.toThrow(RangeError);
    await expect(client.fetchWindow({ ...window, limit: 1001 })).rejects.toThrow(RangeError);
    await expect(client.fetchWindow({ ...window, limit: 0 })).rejects.toThrow(RangeError);
    expect(hubspot.seen).toHaveLength(0);
    expect(() => clientWith({ numberOfApiCallRetries: 7 })).toThrow(RangeError);
  });
});
