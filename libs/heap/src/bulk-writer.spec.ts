import { chunkByAppId, writeWithIsolation } from './bulk-writer';
import { HeapRejectedError, HeapRetriableError } from './heap.errors';

const POISON_BODY = 'postBody.events[0].properties should be object';

/** A fake Heap: rejects (HTTP 400) any batch containing a poison item, like a whole-request validator. */
const fakeSend = (poison: Set<number>) => {
  const calls: number[][] = [];
  const send = async (batch: number[]): Promise<void> => {
    calls.push(batch);
    if (batch.some((n) => poison.has(n))) throw new HeapRejectedError(400, POISON_BODY);
  };
  return { send, calls };
};

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('writeWithIsolation', () => {
  it('writes everything in one call when Heap accepts the chunk', async () => {
    const { send, calls } = fakeSend(new Set());
    const out = await writeWithIsolation(range(1000), send);
    expect(out.written).toHaveLength(1000);
    expect(out.rejected).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('isolates 1 bad event in 1000 with O(log n) calls', async () => {
    const { send, calls } = fakeSend(new Set([637]));
    const out = await writeWithIsolation(range(1000), send);
    expect(out.written).toHaveLength(999);
    expect(out.written).not.toContain(637);
    expect(out.rejected).toEqual([{ item: 637, reason: POISON_BODY }]);
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(1000)));
  });

  it('isolates several bad events and keeps input order of the written ones', async () => {
    const { send } = fakeSend(new Set([0, 7, 8]));
    const out = await writeWithIsolation(range(10), send);
    expect(out.written).toEqual([1, 2, 3, 4, 5, 6, 9]);
    expect(out.rejected.map((r) => r.item)).toEqual([0, 7, 8]);
  });

  it('sends chunks of at most 1000', async () => {
    const { send, calls } = fakeSend(new Set());
    await writeWithIsolation(range(2500), send);
    expect(calls.map((c) => c.length)).toEqual([1000, 1000, 500]);
  });

  it('uses the error message when Heap sent no body', async () => {
    const out = await writeWithIsolation([1], async () => {
      throw new HeapRejectedError(413, '');
    });
    expect(out.rejected).toEqual([{ item: 1, reason: 'Heap rejected the request with HTTP 413' }]);
  });

  it('rethrows a retriable error immediately, without splitting', async () => {
    let calls = 0;
    const failure = new HeapRetriableError('Heap answered HTTP 503', { kind: 'http', status: 503 });
    const send = async (): Promise<void> => {
      calls += 1;
      throw failure;
    };
    await expect(writeWithIsolation(range(1000), send)).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('rethrows a retriable error met while isolating', async () => {
    let calls = 0;
    const send = async (batch: number[]): Promise<void> => {
      calls += 1;
      if (calls === 1) throw new HeapRejectedError(400, 'bad');
      if (batch.length < 1000) throw new HeapRetriableError('timeout', { kind: 'timeout' });
    };
    await expect(writeWithIsolation(range(1000), send)).rejects.toBeInstanceOf(HeapRetriableError);
    expect(calls).toBe(2);
  });

  it('does nothing for an empty input', async () => {
    const { send, calls } = fakeSend(new Set());
    expect(await writeWithIsolation([], send)).toEqual({ written: [], rejected: [] });
    expect(calls).toHaveLength(0);
  });
});

describe('chunkByAppId', () => {
  it('groups by appId in first-seen order and keeps event order', () => {
    const events = [
      { appId: 'a', n: 1 },
      { appId: 'b', n: 2 },
      { appId: 'a', n: 3 },
    ];
    expect(chunkByAppId(events)).toEqual([
      { appId: 'a', events: [events[0], events[2]] },
      { appId: 'b', events: [events[1]] },
    ]);
  });

  it('cuts each group to maxBatchSize', () => {
    const events = range(5).map((n) => ({ appId: 'a', n }));
    expect(chunkByAppId(events, 2).map((c) => c.events.map((e) => e.n))).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunkByAppId([])).toEqual([]);
  });
});
