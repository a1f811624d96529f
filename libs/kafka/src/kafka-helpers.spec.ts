import {
  DLQ_HEADERS,
  isRegistryUnavailable,
  backoffDelayMs,
  describeError,
  headersToStrings,
  isRetriable,
  toDeadLetterMessage,
  PRODUCTION_RETRY,
  TransientError,
  PermanentRecordError,
} from './index';

describe('backoffDelayMs (full jitter, capped)', () => {
  it.each([
    [1, 0, 250],
    [1, 0.999999, 500],
    [2, 0, 500],
    [5, 0, 4_000],
    [20, 0, 30_000],
    [20, 0.999999, 60_000],
  ])('attempt %i with random %f → %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(PRODUCTION_RETRY, attempt, () => random)).toBe(expected);
  });
});

describe('error classes', () => {
  it.each([
    [new TransientError('503'), true],
    [Object.assign(new Error('kafkajs'), { retriable: true }), true],
    [new PermanentRecordError('bad'), false],
    [new Error('plain'), false],
    ['a string', false],
    [null, false],
    // PostgreSQL and socket failures are the database's, not the record's: retried, never dead-lettered.
    [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      true,
    ],
    [Object.assign(new Error('could not serialize access'), { code: '40001' }), true],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), true],
    [new Error('Connection terminated unexpectedly'), true],
    [
      Object.assign(new Error('QueryFailedError'), {
        driverError: { code: '42P10', message: 'no unique or exclusion constraint matching' },
      }),
      true,
    ],
    [new Error('wrapper', { cause: Object.assign(new Error('x'), { code: '08006' }) }), true],
    // A record's own fault stays permanent: invalid input, a violated constraint.
    [Object.assign(new Error('invalid input syntax for type bigint'), { code: '22P02' }), false],
    [Object.assign(new Error('null value in column'), { code: '23502' }), false],
    [Object.assign(new Error('no Heap key'), { code: 'ECONNREFUSED', retriable: false }), false],
  ])('%p retriable → %p', (error, expected) => {
    expect(isRetriable(error)).toBe(expected);
  });

  it('describes errors in one line', () => {
    expect(describeError(new PermanentRecordError('identity rejected'))).toBe(
      'PermanentRecordError: identity rejected',
    );
    expect(describeError(42)).toBe('42');
  });
});

describe('toDeadLetterMessage', () => {
  it('keeps key, value and headers and adds the origin headers', () => {
    const value = Buffer.from([0, 0, 0, 0, 1, 2]);
    const message = toDeadLetterMessage(
      { key: Buffer.from('62515:a@b.c'), value, headers: { traceparent: 'x' } },
      {
        topic: 'heap.track-events.v1',
        partition: 2,
        offset: '17',
        consumerGroup: 'heap-writer.track-events',
        reason: 'r'.repeat(2000),
        errorClass: 'permanent',
        attempts: 3,
        failedAt: 1_700_000_000_000,
      },
    );
    expect(message.key?.toString()).toBe('62515:a@b.c');
    expect(message.value).toBe(value);
    expect(message.headers).toMatchObject({
      traceparent: 'x',
      [DLQ_HEADERS.originTopic]: 'heap.track-events.v1',
      [DLQ_HEADERS.originPartition]: '2',
      [DLQ_HEADERS.originOffset]: '17',
      [DLQ_HEADERS.errorClass]: 'permanent',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.failedAt]: '1700000000000',
      [DLQ_HEADERS.consumerGroup]: 'heap-writer.track-events',
    });
    expect((message.headers![DLQ_HEADERS.reason] as string).length).toBe(1024);
  });
});

describe('headersToStrings', () => {
  it('turns buffers and arrays into strings, keeping the last array value', () => {
    expect(
      headersToStrings({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), '2'], d: undefined }),
    ).toEqual({ a: 'x', b: 'y', c: '2' });
  });
});

describe('isRegistryUnavailable', () => {
  it.each([
    [Object.assign(new Error('Response Error, status 503'), { status: 503 }), true],
    [Object.assign(new Error('Schema 50312 not found'), { status: 404 }), false],
    [new Error('Unknown magic byte in 50312 frames'), false],
    [new Error('connect ECONNREFUSED 127.0.0.1:8081'), true],
    [new Error('invalid union index: 36'), false],
  ])('%p → %p', (error, expected) => {
    expect(isRegistryUnavailable(error)).toBe(expected);
  });
});
