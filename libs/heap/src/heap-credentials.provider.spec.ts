import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@hubheap/service';
import {
  ConfigHeapCredentialsProvider,
  ControlApiHeapCredentialsProvider,
  HeapCredentialsUnavailableError,
  heapCredentialsProviderFromConfig,
} from './heap-credentials.provider';

const KEY = 'internal-key-123';

/** A tiny control-api: answers `reply(path)` for /internal/* and records each request. */
const startControlApi = async (reply: (path: string) => { status: number; body: unknown }) => {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    const { status, body } =
      req.headers.authorization !== `Bearer ${KEY}`
        ? { status: 401, body: { error: 'unauthorized' } }
        : reply(req.url ?? '');
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

describe('ControlApiHeapCredentialsProvider', () => {
  let api: Awaited<ReturnType<typeof startControlApi>>;
  let now: number;
  let version: number;

  beforeEach(async () => {
    now = 0;
    version = 1;
    api = await startControlApi((path) => {
      if (path === '/internal/apps/11/heap-credentials')
        return { status: 200, body: { apiKey: `key-${version}` } };
      if (path === '/internal/portals/62515/heap-segments-secret') {
        return { status: 200, body: { secret: `whsec-${version}` } };
      }
      if (path.includes('/500/') || path.includes('/app-500/')) return { status: 500, body: {} };
      if (path.includes('/bad/')) return { status: 200, body: { key: 'x' } };
      return { status: 404, body: { error: 'no Heap API key' } };
    });
  });
  afterEach(() => api.close());

  const provider = (key = KEY, controlApiUrl = api.url) =>
    new ControlApiHeapCredentialsProvider({ controlApiUrl, internalApiKey: key, now: () => now });

  it('GETs heap-credentials and heap-segments-secret with the internal key', async () => {
    const p = provider();
    await expect(p.apiKey('11')).resolves.toBe('key-1');
    await expect(p.segmentsSecret(62515)).resolves.toBe('whsec-1');
    expect(api.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/internal/apps/11/heap-credentials', `Bearer ${KEY}`],
      ['GET', '/internal/portals/62515/heap-segments-secret', `Bearer ${KEY}`],
    ]);
  });

  it('caches an answer for 60 s, then asks again (a rotated secret takes effect)', async () => {
    const p = provider();
    await p.segmentsSecret(62515);
    version = 2;
    now = 59_999;
    await expect(p.segmentsSecret(62515)).resolves.toBe('whsec-1');
    now = 60_000;
    await expect(p.segmentsSecret(62515)).resolves.toBe('whsec-2');
    expect(api.requests).toHaveLength(2);
  });

  it('concurrent callers of one record share one request', async () => {
    const p = provider();
    await expect(Promise.all([p.apiKey('11'), p.apiKey('11'), p.apiKey('11')])).resolves.toEqual([
      'key-1',
      'key-1',
      'key-1',
    ]);
    expect(api.requests).toHaveLength(1);
  });

  it('404 → permanent, missing, "no Heap API key for app_id X in control-api"; cached like an answer', async () => {
    const p = provider();
    const error = await p.apiKey('77').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeapCredentialsUnavailableError);
    expect(error).toMatchObject({
      message: 'no Heap API key for app_id 77 in control-api',
      status: 404,
      retriable: false,
      missing: true,
    });
    await expect(p.segmentsSecret(9)).rejects.toThrow('no Segments Sync secret for portal 9 in control-api');
    await expect(p.apiKey('77')).rejects.toThrow('no Heap API key for app_id 77');
    expect(api.requests).toHaveLength(2);
    now = 60_000;
    await expect(p.apiKey('77')).rejects.toMatchObject({ missing: true });
    expect(api.requests).toHaveLength(3);
  });

  it('5xx and unreadable answers are retriable and not cached', async () => {
    const p = provider();
    await expect(p.apiKey('app-500')).rejects.toMatchObject({ status: 500, retriable: true, missing: false });
    await expect(p.segmentsSecret(500)).rejects.toMatchObject({ status: 500, retriable: true });
    await expect(p.apiKey('bad')).rejects.toMatchObject({
      message: expect.stringContaining('not {"apiKey": string}'),
      retriable: true,
    });
    await expect(p.apiKey('app-500')).rejects.toMatchObject({ retriable: true });
    expect(api.requests).toHaveLength(4);
  });

  it('control-api unreachable → retriable with status 0', async () => {
    const url = api.url;
    await api.close();
    await expect(provider(KEY, url).apiKey('11')).rejects.toMatchObject({
      status: 0,
      retriable: true,
      message: expect.stringContaining('control-api unreachable'),
    });
    api = await startControlApi(() => ({ status: 404, body: {} }));
  });

  it('401 (wrong INTERNAL_API_KEY) is not retriable and never echoes a key', async () => {
    const error = await provider('wrong-key')
      .segmentsSecret(62515)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, retriable: false, missing: false });
    expect(String((error as Error).message)).not.toMatch(/wrong-key|whsec/);
  });
});

describe('ConfigHeapCredentialsProvider', () => {
  it('answers from the maps; anything else is missing and names the variable', async () => {
    const p = new ConfigHeapCredentialsProvider(new Map([['11', 'k']]), new Map([[62515, 's']]));
    await expect(p.apiKey('11')).resolves.toBe('k');
    await expect(p.segmentsSecret(62515)).resolves.toBe('s');
    await expect(p.apiKey('12')).rejects.toMatchObject({
      message: 'no Heap API key for app_id 12 (HEAP_PRIVACY_KEYS)',
      retriable: false,
      missing: true,
    });
    await expect(p.segmentsSecret(1)).rejects.toThrow(
      'no Segments Sync secret for portal 1 (HEAP_SEGMENT_WEBHOOKS)',
    );
  });
});

describe('heapCredentialsProviderFromConfig', () => {
  it('config → the app’s own provider; control-api → ControlApiHeapCredentialsProvider', () => {
    const own = new ConfigHeapCredentialsProvider(new Map(), new Map());
    expect(heapCredentialsProviderFromConfig({ heapCredentialsSource: 'config' }, { config: own })).toBe(own);
    expect(
      heapCredentialsProviderFromConfig({
        heapCredentialsSource: 'control-api',
        controlApiUrl: 'http://127.0.0.1:3006',
        internalApiKey: 'k',
      }),
    ).toBeInstanceOf(ControlApiHeapCredentialsProvider);
  });

  it('control-api without CONTROL_API_URL / INTERNAL_API_KEY → ConfigError naming both', () => {
    const attempt = () => heapCredentialsProviderFromConfig({ heapCredentialsSource: 'control-api' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/CONTROL_API_URL[\s\S]*INTERNAL_API_KEY/);
  });
});
