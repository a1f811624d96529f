import type { Kafka } from 'kafkajs';
import type { TopicContract } from '@hubheap/schemas';
import type { AvroSerde } from './avro-serde';
import { CompactedTable, CompactedTableNotReadyError } from './compacted-table';

// The table's bookkeeping (latest value per key, tombstones, decode errors, catch-up, listeners) driven
// through a fake kafkajs consumer; the integration spec runs the same against a real broker.
interface FakeMessage {
  key: string;
  value: string | null;
  offset: string;
}
type EachBatch = (payload: {
  batch: { partition: number; messages: Array<{ key: Buffer; value: Buffer | null; offset: string }> };
  heartbeat: () => Promise<void>;
}) => Promise<void>;

const setUp = (highs: Array<{ partition: number; low: string; high: string }>) => {
  let eachBatch: EachBatch | undefined;
  let endBatch: ((e: { payload: { partition: number; lastOffset: string } }) => void) | undefined;
  const consumer = {
    events: { END_BATCH_PROCESS: 'end-batch' },
    on: (_event: string, listener: typeof endBatch) => (endBatch = listener),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (options: { eachBatch: EachBatch }) => void (eachBatch = options.eachBatch),
    disconnect: async () => undefined,
  };
  const warnings: string[] = [];
  const table = new CompactedTable<{ v: number }>({ name: 'settings' } as TopicContract<{ v: number }>, {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    admin: async () => ({ fetchTopicOffsets: async () => highs }) as never,
    serde: {
      decode: async (b: Buffer) => {
        const text = b.toString();
        if (text === 'garbage') throw new Error('unknown magic byte');
        return JSON.parse(text) as unknown;
      },
    } as unknown as AvroSerde,
    logger: { log: () => undefined, warn: (m) => warnings.push(m), error: () => undefined },
    clientId: 'test',
  });
  const deliver = async (partition: number, messages: FakeMessage[]) => {
    await eachBatch!({
      batch: {
        partition,
        messages: messages.map((m) => ({
          key: Buffer.from(m.key),
          value: m.value === null ? null : Buffer.from(m.value),
          offset: m.offset,
        })),
      },
      heartbeat: async () => undefined,
    });
    endBatch!({ payload: { partition, lastOffset: messages[messages.length - 1]!.offset } });
  };
  return { table, deliver, warnings };
};

describe('CompactedTable bookkeeping', () => {
  it('keeps the last good value per key, drops tombstoned keys, ready only at the start-time ends', async () => {
    const { table, deliver, warnings } = setUp([
      { partition: 0, low: '0', high: '4' },
      { partition: 1, low: '0', high: '0' },
    ]);
    await table.start();
    await deliver(0, [
      { key: 'a', value: '{"v":1}', offset: '0' },
      { key: 'b', value: '{"v":1}', offset: '1' },
    ]);
    await expect(table.ready(5)).rejects.toThrow(CompactedTableNotReadyError);
    await deliver(0, [
      { key: 'a', value: 'garbage', offset: '2' },
      { key: 'b', value: null, offset: '3' },
    ]);
    await table.ready(5);
    expect(table.get('a')).toEqual({ v: 1 });
    expect(table.get('b')).toBeUndefined();
    expect(table.values()).toEqual([{ v: 1 }]);
    expect(table.decodeErrors).toBe(1);
    expect(warnings[0]).toMatch(/skipped 0@2 \(key a\), keeping the last good value/);
  });

  it('fires listeners only after the catch-up, and only for real changes', async () => {
    const { table, deliver } = setUp([{ partition: 0, low: '0', high: '1' }]);
    const changes: unknown[] = [];
    table.onChange((key, value, previous) => changes.push([key, value, previous]));
    await table.start();
    await deliver(0, [{ key: 'a', value: '{"v":1}', offset: '0' }]);
    await table.ready(5);
    expect(changes).toEqual([]);
    await deliver(0, [
      { key: 'a', value: '{"v":1}', offset: '1' },
      { key: 'a', value: '{"v":2}', offset: '2' },
      { key: 'a', value: null, offset: '3' },
    ]);
    expect(changes).toEqual([
      ['a', { v: 2 }, { v: 1 }],
      ['a', undefined, { v: 2 }],
    ]);
  });

  it('ready() before start() is a programming error', async () => {
    const { table } = setUp([]);
    await expect(table.ready()).rejects.toThrow('ready() before start()');
  });
});
