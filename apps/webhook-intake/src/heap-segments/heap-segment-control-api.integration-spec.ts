import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS, type HeapSegmentDelta } from '@hubheap/schemas';
import { heapHash, testPlatform } from '@hubheap/testing';
import { randomPortalId, startIntakeApp, type IntakeApp } from '../../test/intake-app.harness';
import { producedSince, topicEnds } from '../../test/topic-probe';

// Real Kafka + registry; control-api replaced by a tiny HTTP server answering
// GET /internal/portals/:portalId/heap-segments-secret (HEAP_CREDENTIALS_SOURCE=control-api).
const INTERNAL_KEY = 'internal-key-it';
const SECRET_A = `heap-secret-a-${Math.random().toString(36).slice(2)}`;
const SECRET_B = `heap-secret-b-${Math.random().toString(36).slice(2)}`;

/** control-api stand-in: `secrets` per portalId (absent → 404), `down` → 503; records each path. */
const startControlApi = async () => {
  const state = { down: false, secrets: new Map<number, string>(), requests: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    const match = /^\/internal\/portals\/(\d+)\/heap-segments-secret$/.exec(req.url ?? '');
    const secret = match ? state.secrets.get(Number(match[1])) : undefined;
    const [status, body] =
      req.headers.authorization !== `Bearer ${INTERNAL_KEY}`
        ? [401, { error: 'unauthorized' }]
        : state.down
          ? [503, { error: 'database unavailable' }]
          : secret
            ? [200, { secret }]
            : [404, { error: `no Segments Sync secret for portal ${match?.[1] ?? '?'}` }];
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const syncBody = (segmentId: number, email: string) =>
  JSON.stringify({
    action_type: 'segment.users.sync',
    data: {
      segment: { id: segmentId, name: 'Trial users' },
      sync_info: { page_number: 1, total_pages: 1, sync_task_id: `task-${segmentId}` },
      add: [{ id: email }],
      remove: [],
    },
  });

describe('POST /webhooks/heap/segments with HEAP_CREDENTIALS_SOURCE=control-api (real Kafka + registry)', () => {
  const portalA = randomPortalId();
  const portalB = portalA + 1;
  let controlApi: Awaited<ReturnType<typeof startControlApi>>;
  let platform: KafkaPlatform;
  let intake: IntakeApp;

  beforeAll(async () => {
    controlApi = await startControlApi();
    controlApi.state.secrets.set(portalA, SECRET_A);
    platform = testPlatform('webhook-intake-heap-control-api-it');
    intake = await startIntakeApp({
      config: {
        // SETTINGS_SOURCE=env: the tenants are these portals; the poller waits a day before its first poll
        hubspotPortals: [
          { portalId: portalA, accessToken: 'pat-unused' },
          { portalId: portalB, accessToken: 'pat-unused' },
        ],
        hubspotBaseUrl: 'http://127.0.0.1:9',
        pollIntervalMs: 86_400_000,
        heapSegmentWebhooks: [],
        heapCredentialsSource: 'control-api',
        controlApiUrl: controlApi.url,
        internalApiKey: INTERNAL_KEY,
      },
    });
  });

  afterAll(async () => {
    await intake?.close();
    await platform?.close();
    await controlApi?.close();
  });

  const post = async (body: string, secret: string) => {
    const res = await fetch(`${intake.baseUrl}/webhooks/heap/segments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Heap-Hash': heapHash(secret, Date.now(), body) },
      body,
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  it('control-api down → 503 so Heap retries; back up → the page of the matching portal is produced', async () => {
    const before = await topicEnds(platform, HEAP_SEGMENT_DELTAS.name);
    controlApi.state.down = true;
    const down = await post(syncBody(71, 'a@x.io'), SECRET_A);
    expect(down).toMatchObject({ status: 503, retryAfter: '10', body: { error: 'control_api_unavailable' } });
    expect(JSON.stringify(down.body)).not.toContain(SECRET_A);

    controlApi.state.down = false;
    expect(await post(syncBody(71, 'a@x.io'), SECRET_A)).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    const records = await producedSince<HeapSegmentDelta>(
      platform,
      HEAP_SEGMENT_DELTAS,
      before,
      (v) => v.portalId === portalA || v.portalId === portalB,
    );
    expect(records.map((r) => [r.portalId, r.segmentId, r.add])).toEqual([[portalA, '71', ['a@x.io']]]);
    expect(controlApi.state.requests).toContain(`/internal/portals/${portalB}/heap-segments-secret`);
  });

  it('a portal control-api has no secret for → 403 like an unknown tenant, nothing produced; secrets never logged', async () => {
    const before = await topicEnds(platform, HEAP_SEGMENT_DELTAS.name);
    expect(await post(syncBody(72, 'b@x.io'), SECRET_B)).toEqual({
      status: 403,
      retryAfter: null,
      body: { error: 'invalid_signature', reason: 'bad-signature' },
    });
    expect(
      await producedSince<HeapSegmentDelta>(
        platform,
        HEAP_SEGMENT_DELTAS,
        before,
        (v) => v.portalId === portalB,
      ),
    ).toEqual([]);
    expect(intake.logger.lines.join('\n')).not.toMatch(new RegExp(`${SECRET_A}|${SECRET_B}`));
  });
});
