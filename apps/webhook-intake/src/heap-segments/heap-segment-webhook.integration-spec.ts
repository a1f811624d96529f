import type { KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS, type HeapSegmentDelta } from '@hubheap/schemas';
import { heapHash, sendSegmentDrain, sendSegmentSync, testPlatform } from '@hubheap/testing';
import { randomPortalId, startIntakeApp, type IntakeApp } from '../../test/intake-app.harness';
import { producedSince, topicEnds, type Offsets } from '../../test/topic-probe';

const SECRET = `heap-it-${Math.random().toString(36).slice(2)}`;

describe('POST /webhooks/heap/segments (real Kafka + registry)', () => {
  const portalId = randomPortalId();
  const segment = { id: 4242, name: 'Trial users' };
  let platform: KafkaPlatform;
  let intake: IntakeApp;
  let url: string;
  let before: Offsets;

  beforeAll(async () => {
    platform = testPlatform('webhook-intake-heap-it');
    intake = await startIntakeApp({
      config: { heapSegmentWebhooks: [{ secret: SECRET, portalId, heapAppId: 'app-1' }], hubspotPortals: [] },
    });
    url = `${intake.baseUrl}/webhooks/heap/segments`;
    before = await topicEnds(platform, HEAP_SEGMENT_DELTAS.name);
  });

  afterAll(async () => {
    await intake?.close();
    await platform?.close();
  });

  const post = async (body: string, header: string | undefined) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(header ? { 'Heap-Hash': header } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers 200 per page only once it is on heap.segment-deltas.v1 (duplicates produced again), drain too', async () => {
    const sync = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment,
      add: ['a@x.io', 'b@x.io', 'c@x.io'],
      remove: ['d@x.io'],
      pageSize: 2,
      duplicatePages: [2],
      retries: { count: 0 },
    });
    expect(sync.attempts.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(
      (await sendSegmentDrain({ targetUrl: url, secret: SECRET, segment, retries: { count: 0 } })).delivered,
    ).toBe(true);
    const records = await producedSince<HeapSegmentDelta>(
      platform,
      HEAP_SEGMENT_DELTAS,
      before,
      (v) => v.portalId === portalId,
    );
    expect(records.map((r) => [r.action, r.pageNumber, r.add, r.remove])).toEqual([
      ['sync', 1, ['a@x.io', 'b@x.io'], []],
      ['sync', 2, ['c@x.io'], ['d@x.io']],
      ['sync', 2, ['c@x.io'], ['d@x.io']],
      ['drain', null, [], []],
    ]);
    expect(records[0]).toMatchObject({
      segmentId: '4242',
      heapAppId: 'app-1',
      syncTaskId: sync.syncTaskId,
      totalPages: 2,
    });
  });

  it('bad, stale or missing signature → 403 {error}; malformed body → 400; nothing produced', async () => {
    const from = await topicEnds(platform, HEAP_SEGMENT_DELTAS.name);
    const bad = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment,
      add: ['x@x.io'],
      remove: [],
      badSignature: true,
      retries: { count: 0 },
    });
    expect(bad.attempts[0]?.status).toBe(403);
    const stale = await sendSegmentSync({
      targetUrl: url,
      secret: SECRET,
      segment,
      add: ['x@x.io'],
      remove: [],
      ts: Date.now() - 301_000,
      retries: { count: 0 },
    });
    expect(stale.attempts[0]?.status).toBe(403);
    expect(await post('{}', undefined)).toEqual({
      status: 403,
      body: { error: 'invalid_signature', reason: 'missing-signature' },
    });
    const body = '{"action_type":"segment.users.sync","data":{}}';
    const malformed = await post(body, heapHash(SECRET, Date.now(), body));
    expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_payload' } });
    expect(
      await producedSince<HeapSegmentDelta>(
        platform,
        HEAP_SEGMENT_DELTAS,
        from,
        (v) => v.portalId === portalId,
      ),
    ).toEqual([]);
  });
});

describe('POST /webhooks/heap/segments without HEAP_SEGMENT_WEBHOOKS', () => {
  let intake: IntakeApp;

  beforeAll(async () => {
    intake = await startIntakeApp({ config: { heapSegmentWebhooks: [], hubspotPortals: [] } });
  });

  afterAll(async () => {
    await intake?.close();
  });

  it('answers 503 not_configured', async () => {
    const res = await fetch(`${intake.baseUrl}/webhooks/heap/segments`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'not_configured' });
  });
});
