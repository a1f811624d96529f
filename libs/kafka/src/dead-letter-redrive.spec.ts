import { toDeadLetterMessage, DLQ_HEADERS } from './dead-letter';
import { toDeadLetterRecord, type RawRecord } from './dead-letter-reader';
import {
  planRedrive,
  REDRIVEN_FROM_HEADER,
  toRedriveMessage,
  type RedriveMarker,
} from './dead-letter-redrive';

// A dead letter as the BatchConsumer writes it, read back as the broker returns it (header values as Buffers).
const deadLetter = (offset: string, key: string | null, timestamp = '1700000000000'): RawRecord => {
  const message = toDeadLetterMessage(
    {
      key: key === null ? null : Buffer.from(key),
      value: Buffer.from([0, 0, 0, 0, 1, 2]),
      headers: { 'x-trace': 't1' },
    },
    {
      topic: 'heap.track-events.v1',
      partition: 2,
      offset: '41',
      consumerGroup: 'heap-writer.track-events',
      reason: 'no tenant',
      errorClass: 'rejected',
      attempts: 3,
      failedAt: 1_700_000_000_500,
    },
  );
  const headers = Object.fromEntries(
    Object.entries(message.headers!).map(([k, v]) => [k, Buffer.from(String(v))]),
  );
  return {
    partition: 0,
    offset,
    key: message.key as Buffer | null,
    value: message.value as Buffer,
    headers,
    timestamp,
  };
};
const dlq = 'heap.track-events.v1.dlq';

describe('toDeadLetterRecord', () => {
  it('reads the origin from the x-dlq-* headers and keeps the other headers apart', () => {
    const record = toDeadLetterRecord(dlq, deadLetter('7', '42:a@example.com'));
    expect(record).toMatchObject({
      dlqTopic: dlq,
      partition: 0,
      offset: '7',
      key: '42:a@example.com',
      originTopic: 'heap.track-events.v1',
      originPartition: 2,
      originOffset: '41',
      reason: 'no tenant',
      errorClass: 'rejected',
      attempts: 3,
      failedAt: 1_700_000_000_500,
      consumerGroup: 'heap-writer.track-events',
      headers: { 'x-trace': 't1' },
    });
  });
});

describe('toRedriveMessage', () => {
  it('keeps key, value and original headers, drops x-dlq-*, adds x-redriven-from; the key picks the partition', () => {
    const raw = deadLetter('7', '42:a@example.com');
    const message = toRedriveMessage(toDeadLetterRecord(dlq, raw));
    expect(message.key).toBe(raw.key);
    expect(message.value).toBe(raw.value);
    expect(message.partition).toBeUndefined();
    expect(Object.keys(message.headers!).sort()).toEqual([REDRIVEN_FROM_HEADER, 'x-trace']);
    expect(message.headers![REDRIVEN_FROM_HEADER]).toBe(`${dlq}[0]@7`);
    expect(Object.keys(message.headers!).some((h) => Object.values(DLQ_HEADERS).includes(h as never))).toBe(
      false,
    );
  });

  it('sends an unkeyed record back to its origin partition', () => {
    expect(toRedriveMessage(toDeadLetterRecord(dlq, deadLetter('7', null))).partition).toBe(2);
  });
});

describe('planRedrive', () => {
  const records = ['0', '1', '2'].map((o) => toDeadLetterRecord(dlq, deadLetter(o, 'k')));
  const marker = (dlqTimestamp = '1700000000000'): RedriveMarker => ({
    redrivenAt: '2025-01-01T00:00:00.000Z',
    dlqTimestamp,
    originTopic: 't',
    originPartition: 2,
    originOffset: '41',
  });

  it.each([
    ['all, none redriven', { all: true } as const, new Map(), false, ['0:0', '0:1', '0:2'], [], []],
    [
      'all, one redriven',
      { all: true } as const,
      new Map([['0:1', marker()]]),
      false,
      ['0:0', '0:2'],
      ['0:1'],
      [],
    ],
    [
      'all, forced',
      { all: true } as const,
      new Map([['0:1', marker()]]),
      true,
      ['0:0', '0:1', '0:2'],
      [],
      [],
    ],
    [
      'chosen, partition defaulting to 0',
      { records: [{ offset: '2' }, { partition: 0, offset: '2' }] },
      new Map(),
      false,
      ['0:2'],
      [],
      [],
    ],
    [
      'chosen, one missing',
      { records: [{ offset: '1' }, { offset: '9' }] },
      new Map(),
      false,
      ['0:1'],
      [],
      ['0:9'],
    ],
    [
      'a marker of a recreated topic (other timestamp) does not count',
      { all: true } as const,
      new Map([['0:0', marker('1')]]),
      false,
      ['0:0', '0:1', '0:2'],
      [],
      [],
    ],
  ])('%s', (_name, selection, markers, force, toRedrive, already, missing) => {
    const plan = planRedrive(records, markers, selection, force);
    expect(plan.toRedrive.map((r) => `${r.partition}:${r.offset}`)).toEqual(toRedrive);
    expect(plan.alreadyRedriven.map((a) => `${a.record.partition}:${a.record.offset}`)).toEqual(already);
    expect(plan.missing).toEqual(missing);
  });
});
