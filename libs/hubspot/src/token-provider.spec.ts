import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlApiTokenProvider, HubSpotTokenUnavailableError } from './token-provider';

const KEY = 'internal-key-123';

/** A tiny control-api: answers `reply(portalId)` and records each request. */
const startControlApi = async (reply: (portalId: string) => { status: number; body: unknown }) => {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    const match = /^\/internal\/portals\/([^/]+)\/hubspot-token$/.exec(req.url ?? '');
    const { status, body } =
      req.headers.authorization !== `Bearer ${KEY}`
        ? { status: 401, body: { error: 'unauthorized' } }
        : match
          ? reply(match[1]!)
          : { status: 404, body: {} };
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

describe('ControlApiTokenProvider', () => {
  let api: Awaited<ReturnType<typeof startControlApi>>;
  let now: number;
  let issued: number;
  const T0 = Date.UTC(2026, 10, 29, 12);

  beforeEach(async () => {
    now = T0;
    issued = 0;
    api = await startControlApi((portalId) => {
      if (portalId === '404') return { status: 404, body: { error: 'not connected' } };
      if (portalId === '500') return { status: 500, body: {} };
      if (portalId === '7') return { status: 200, body: { accessToken: 'pat-static', expiresAt: null } };
      if (portalId === '8') return { status: 200, body: { expiresAt: null } };
      issued += 1;
      return {
        status: 200,
        body: {
          accessToken: `oauth-${portalId}-${issued}`,
          expiresAt: new Date(T0 + 1_800_000).toISOString(),
        },
      };
    });
  });
  afterEach(() => api.close());

  const provider = (key = KEY) =>
    new ControlApiTokenProvider({ controlApiUrl: api.url, internalApiKey: key, now: () => now });

  it('GETs /internal/portals/:portalId/hubspot-token with the internal key and returns accessToken', async () => {
    await expect(provider().accessToken(62515)).resolves.toBe('oauth-62515-1');
    expect(api.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/internal/portals/62515/hubspot-token', `Bearer ${KEY}`],
    ]);
  });

  it('caches until 60 s before expiresAt, then fetches again', async () => {
    const p = provider();
    await p.accessToken(62515);
    now = T0 + 1_800_000 - 60_001;
    await expect(p.accessToken(62515)).resolves.toBe('oauth-62515-1');
    now = T0 + 1_800_000 - 60_000;
    await expect(p.accessToken(62515)).resolves.toBe('oauth-62515-2');
    expect(api.requests).toHaveLength(2);
  });

  it('caches a token without expiry (expiresAt null) for good; invalidate() forgets it', async () => {
    const p = provider();
    await p.accessToken(7);
    now = T0 + 365 * 86_400_000;
    await expect(p.accessToken(7)).resolves.toBe('pat-static');
    expect(api.requests).toHaveLength(1);
    p.invalidate(7);
    await p.accessToken(7);
    expect(api.requests).toHaveLength(2);
  });

  it('concurrent callers of one portal share one request', async () => {
    const p = provider();
    const tokens = await Promise.all([p.accessToken(1), p.accessToken(1), p.accessToken(1)]);
    expect(new Set(tokens).size).toBe(1);
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    ['401 (wrong internal key)', 'wrong-key', 62515, 401, false, /refused INTERNAL_API_KEY/],
    ['404 (portal not connected)', KEY, 404, 404, false, /no HubSpot connection/],
    ['500', KEY, 500, 500, true, /HTTP 500/],
    ['a body without accessToken', KEY, 8, 200, true, /not \{"accessToken"/],
  ])('%s → clear HubSpotTokenUnavailableError', async (_name, key, portalId, status, retriable, message) => {
    const error = await provider(key)
      .accessToken(portalId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotTokenUnavailableError);
    expect(error).toMatchObject({ status, retriable });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`portal ${portalId}`);
  });

  it('control-api down → retriable error naming the URL', async () => {
    await api.close();
    const error = await provider()
      .accessToken(1)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HubSpotTokenUnavailableError', status: 0, retriable: true });
    expect((error as Error).message).toMatch(/control-api unreachable/);
    api = await startControlApi(() => ({ status: 200, body: {} }));
  });
});
