import { heapHashHex, parseHeapHash } from '@hubheap/heap';
import { decideHeapSegmentDelivery, type HeapSegmentDelivery } from './heap-segment-request.planner';

const NOW = 1_760_000_000_000;
const WINDOW = { maxAgeMs: 300_000, futureSkewMs: 5_000 };
const TENANTS = [
  { secret: 'secret-a', portalId: 111, heapAppId: 'app-a' },
  { secret: 'secret-b', portalId: 222 },
];

const syncBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id_token: '7a36ae58-0000-4000-8000-0242ac130003',
    action_type: 'segment.users.sync',
    customer_config: { fields: [] },
    data: {
      segment: { id: 4242, name: 'Trial users' },
      sync_info: { page_number: 2, total_pages: 3, sync_task_id: 'task-1' },
      add: [{ id: 'Jane@Example.com' }],
      remove: [{ id: 'omar@example.com' }],
      ...extra,
    },
  });

const delivery = (
  body: string,
  secret = 'secret-b',
  ts: number | string = NOW - 1_000,
): HeapSegmentDelivery => ({
  heapHash: `ts:${ts},hmac:${heapHashHex(secret, ts, body)}`,
  rawBody: Buffer.from(body),
  receivedAt: NOW,
});

const decide = (d: HeapSegmentDelivery) => decideHeapSegmentDelivery(d, TENANTS, WINDOW);

describe('decideHeapSegmentDelivery (heap-api.md §8.1)', () => {
  it('a signed sync page becomes one delta of the tenant whose secret matched', () => {
    const verdict = decide(delivery(syncBody()));
    expect(verdict).toEqual({
      kind: 'produce',
      delta: {
        portalId: 222,
        heapAppId: null,
        idToken: '7a36ae58-0000-4000-8000-0242ac130003',
        action: 'sync',
        segmentId: '4242',
        segmentName: 'Trial users',
        syncTaskId: 'task-1',
        pageNumber: 2,
        totalPages: 3,
        add: ['Jane@Example.com'],
        remove: ['omar@example.com'],
        receivedAt: NOW,
        source: 'webhook',
      },
    });
    expect(decide(delivery(syncBody(), 'secret-a'))).toMatchObject({
      delta: { portalId: 111, heapAppId: 'app-a' },
    });
  });

  it('a drain carries the segment only', () => {
    const body = JSON.stringify({ action_type: 'segment.users.drain', data: { segment: { id: 4242 } } });
    expect(decide(delivery(body))).toMatchObject({
      kind: 'produce',
      delta: { action: 'drain', segmentId: '4242', syncTaskId: null, pageNumber: null, add: [], remove: [] },
    });
  });

  it('keeps int64 segment ids above 2^53 exact', () => {
    const body = syncBody().replace('"id":4242', '"id":9223372036854775807');
    expect(decide(delivery(body))).toMatchObject({ delta: { segmentId: '9223372036854775807' } });
  });

  it.each([
    ['missing header', { heapHash: undefined }, 'missing-signature'],
    ['garbage header', { heapHash: 'sha256=abc' }, 'malformed-signature'],
    ['wrong secret', delivery(syncBody(), 'other'), 'bad-signature'],
    ['stale ts (301 s)', delivery(syncBody(), 'secret-a', NOW - 301_000), 'stale-timestamp'],
    ['ts 6 s ahead', delivery(syncBody(), 'secret-a', NOW + 6_000), 'future-timestamp'],
  ])('%s → 403', (_name, override, reason) => {
    const d = { ...delivery(syncBody()), ...override };
    expect(decide(d)).toEqual({ kind: 'refuse', status: 403, error: 'invalid_signature', reason });
  });

  it('a body changed after signing → 403 (the HMAC covers the raw bytes)', () => {
    const d = delivery(syncBody());
    expect(decide({ ...d, rawBody: Buffer.from(syncBody().replace('Jane', 'Jan')) })).toMatchObject({
      status: 403,
    });
  });

  it('signs the exact ts text (leading zeros stay significant)', () => {
    expect(parseHeapHash(`ts:0${NOW},hmac:${'a'.repeat(64)}`)?.tsText).toBe(`0${NOW}`);
    expect(decide(delivery(syncBody(), 'secret-a', `0${NOW}`))).toMatchObject({ kind: 'produce' });
  });

  it.each([
    ['not JSON', '{"action_type":', /not valid JSON/],
    ['unknown action', JSON.stringify({ action_type: 'segment.users.other', data: {} }), /action_type/],
    ['no sync_info', syncBody({ sync_info: undefined }), /sync_info/],
    ['page 0', syncBody({ sync_info: { page_number: 0, total_pages: 1, sync_task_id: 't' } }), /page_number/],
    ['add of strings', syncBody({ add: ['jane@example.com'] }), /add\.0/],
  ])('signed but malformed (%s) → 400', (_name, body, reason) => {
    const verdict = decide(delivery(body));
    expect(verdict).toMatchObject({ kind: 'refuse', status: 400, error: 'invalid_payload' });
    expect(verdict.kind === 'refuse' && verdict.reason).toMatch(reason);
  });

  it('no tenant configured → 503 before anything else', () => {
    expect(decideHeapSegmentDelivery(delivery(syncBody()), [], WINDOW)).toMatchObject({
      status: 503,
      error: 'not_configured',
    });
  });

  describe('HEAP_CREDENTIALS_SOURCE=control-api', () => {
    const fromControlApi = (d: HeapSegmentDelivery, unavailable: string[] = [], tenants = TENANTS) =>
      decideHeapSegmentDelivery(d, tenants, WINDOW, { source: 'control-api', unavailable });

    it('the tenant whose control-api secret matched gets the page', () => {
      expect(fromControlApi(delivery(syncBody(), 'secret-a'))).toMatchObject({
        kind: 'produce',
        delta: { portalId: 111, heapAppId: 'app-a' },
      });
    });

    it('no known portal has a secret → 403 like an unknown tenant (not 503 not_configured)', () => {
      expect(fromControlApi(delivery(syncBody()), [], [])).toEqual({
        kind: 'refuse',
        status: 403,
        error: 'invalid_signature',
        reason: 'bad-signature',
      });
    });

    it('no match while some secrets could not be read → 503 control_api_unavailable (Heap retries)', () => {
      const verdict = fromControlApi(delivery(syncBody(), 'secret-c'), [
        'portal 333: control-api answered HTTP 503',
      ]);
      expect(verdict).toMatchObject({ kind: 'refuse', status: 503, error: 'control_api_unavailable' });
      expect(verdict.kind === 'refuse' && verdict.reason).toContain('portal 333');
      // a readable secret that matches still wins; a stale header stays 403
      expect(fromControlApi(delivery(syncBody(), 'secret-a'), ['x'])).toMatchObject({ kind: 'produce' });
      expect(fromControlApi(delivery(syncBody(), 'secret-a', NOW - 301_000), ['x'])).toMatchObject({
        status: 403,
        reason: 'stale-timestamp',
      });
    });
  });
});
