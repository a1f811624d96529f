import { toDeadLetterMessage, toDeadLetterRecord, type RawRecord } from '@hubheap/kafka';
import { formatDeadLetterTable, formatInspect, inspectView, parseDlqOffset } from '../src/dlq/dlq.format';

const record = (offset: string, reason: string, value: Buffer = Buffer.from('poison')) => {
  const message = toDeadLetterMessage(
    { key: Buffer.from('42:a@example.com'), value, headers: {} },
    {
      topic: 't',
      partition: 1,
      offset: '9',
      consumerGroup: 'g',
      reason,
      errorClass: 'decode',
      attempts: 1,
      failedAt: Date.UTC(2025, 0, 2),
    },
  );
  const raw: RawRecord = {
    partition: 0,
    offset,
    key: message.key as Buffer,
    value,
    headers: message.headers!,
    timestamp: '5',
  };
  return toDeadLetterRecord('t.dlq', raw);
};

describe('dlq formatting', () => {
  it.each([
    ['12', { partition: 0, offset: '12' }],
    ['1:12', { partition: 1, offset: '12' }],
  ])('parses %s', (text, expected) => expect(parseDlqOffset(text)).toEqual(expected));

  it('rejects a bad offset', () => expect(() => parseDlqOffset('x')).toThrow(/not a dead-letter offset/));

  it('prints one padded row per dead letter, reason cut, redrive time when marked', () => {
    const lines = formatDeadLetterTable(
      [record('3', 'decode failed: ' + 'x'.repeat(100)), record('4', 'short')],
      new Map([
        [
          '0:4',
          {
            redrivenAt: '2025-01-03T00:00:00.000Z',
            dlqTimestamp: '5',
            originTopic: 't',
            originPartition: 1,
            originOffset: '9',
          },
        ],
      ]),
    );
    expect(lines[0]).toMatch(/^DLQ OFFSET {2}ORIGIN {2}ERROR CLASS {2}REASON\s+FAILED AT\s+REDRIVEN AT$/);
    expect(lines[1]).toMatch(
      /^3\s+t\[1\]@9 {2}decode\s+decode failed: x+… {2}2025-01-02T00:00:00.000Z {2}-$/,
    );
    expect(lines[2]).toMatch(/^4 .*short\s+2025-01-02T00:00:00.000Z {2}2025-01-03T00:00:00.000Z$/);
  });

  it('shows undecodable bytes as base64 with the decode error', () => {
    const r = { ...record('3', 'r'), decodeError: 'Error: Message encoded with magic byte 112, expected 0' };
    const json = JSON.parse(formatInspect(inspectView(r, undefined)));
    expect(json).toMatchObject({
      deadLetter: 't.dlq[0]@3',
      origin: { topic: 't', partition: 1, offset: '9' },
      valueBase64: Buffer.from('poison').toString('base64'),
      redriven: null,
    });
    expect(json.dlqHeaders['x-dlq-origin-offset']).toBe('9');
  });

  it('shows decoded values, bytes fields as base64', () => {
    const r = { ...record('3', 'r'), decoded: { id: 1n, blob: Buffer.from('hi') } };
    expect(JSON.parse(formatInspect(inspectView(r, undefined))).value).toEqual({
      id: '1',
      blob: Buffer.from('hi').toString('base64'),
    });
  });
});
