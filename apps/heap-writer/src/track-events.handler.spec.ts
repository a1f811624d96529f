import { HeapRejectedError, HeapRetriableError } from '@hubheap/heap';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapTrackEvent } from '@hubheap/schemas';
import { planTrackRequests, writeTrackEvents } from './track-events.handler';

const record = (
  offset: number,
  appId: string,
  identity = `user${offset}@example.com`,
): ConsumedRecord<HeapTrackEvent> => ({
  topic: 'heap.track-events.v1',
  partition: 0,
  offset: String(offset),
  key: `${appId}:${identity}`,
  headers: {},
  timestamp: 1_700_000_000_000,
  value: {
    appId,
    portalId: 62515,
    identity,
    event: 'Opened Email',
    timestamp: '2023-11-14T22:13:20.000Z',
    idempotencyKey: `hs:62515:e${offset}`,
    properties: {},
    sourceEventId: `e${offset}`,
  },
});

/** A Heap stand-in: records calls, rejects (400) any request holding a poison identity. */
const heap = (poison: (e: HeapTrackEvent) => boolean = () => false) => {
  const calls: Array<{ appId: string; keys: string[] }> = [];
  const send = async (appId: string, events: HeapTrackEvent[]): Promise<void> => {
    calls.push({ appId, keys: events.map((e) => e.idempotencyKey) });
    if (events.some(poison))
      throw new HeapRejectedError(400, 'postBody.events[0].identity should be shorter than 256');
  };
  return { calls, send };
};

describe('planTrackRequests', () => {
  it.each([
    ['no records', [], []],
    ['one app', [record(0, 'A'), record(1, 'A')], [['A', ['0', '1']]]],
    [
      'two apps interleaved, order kept per app',
      [record(0, 'A'), record(1, 'B'), record(2, 'A')],
      [
        ['A', ['0', '2']],
        ['B', ['1']],
      ],
    ],
  ])('%s', (_name, records, expected) => {
    expect(planTrackRequests(records).map((p) => [p.appId, p.records.map((r) => r.offset)])).toEqual(
      expected,
    );
  });

  it('cuts an app_id into requests of at most 1000 events', () => {
    const records = Array.from({ length: 2500 }, (_, i) => record(i, 'A'));
    expect(planTrackRequests(records).map((p) => p.records.length)).toEqual([1000, 1000, 500]);
  });
});

describe('writeTrackEvents', () => {
  it('sends one request per app_id and dead-letters nothing when Heap accepts', async () => {
    const fake = heap();
    const out = await writeTrackEvents([record(0, 'A'), record(1, 'B'), record(2, 'A')], fake.send);
    expect(out).toEqual({ written: 3, deadLetters: [] });
    expect(fake.calls).toEqual([
      { appId: 'A', keys: ['hs:62515:e0', 'hs:62515:e2'] },
      { appId: 'B', keys: ['hs:62515:e1'] },
    ]);
  });

  it("isolates the one event Heap rejects and returns it with Heap's body as the reason", async () => {
    const records = Array.from({ length: 50 }, (_, i) =>
      record(i, 'A', i === 17 ? 'x'.repeat(300) : undefined),
    );
    const fake = heap((e) => e.identity.length > 255);
    const out = await writeTrackEvents(records, fake.send);
    expect(out.written).toBe(49);
    expect(out.deadLetters).toEqual([
      { record: records[17], reason: 'postBody.events[0].identity should be shorter than 256' },
    ]);
    expect(fake.calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(50)));
  });

  it('keeps other apps written when one app has a rejected event', async () => {
    const bad = record(1, 'B', 'y'.repeat(256));
    const out = await writeTrackEvents([record(0, 'A'), bad], heap((e) => e.identity.length > 255).send);
    expect(out).toEqual({ written: 1, deadLetters: [{ record: bad, reason: expect.any(String) }] });
  });

  it.each([
    ['503', new HeapRetriableError('Heap answered HTTP 503', { kind: 'http', status: 503 })],
    ['429', new HeapRetriableError('Heap answered HTTP 429', { kind: 'http', status: 429 })],
    ['timeout', new HeapRetriableError('no answer from Heap within 10 ms', { kind: 'timeout' })],
  ])('propagates a retriable %s so the runner retries uncommitted', async (_name, failure) => {
    const send = async (): Promise<void> => {
      throw failure;
    };
    await expect(writeTrackEvents([record(0, 'A')], send)).rejects.toBe(failure);
  });
});
