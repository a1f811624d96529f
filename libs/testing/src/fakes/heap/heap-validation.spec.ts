import { DEFAULT_HEAP_VALIDATION, HeapValidationError, type HeapValidationOptions } from './heap-properties';
import { validateTrackBody, validateUserPropertiesBody, type HeapValidationContext } from './heap-validation';

const ctx = (options: Partial<HeapValidationOptions> = {}): HeapValidationContext => ({
  options: { ...DEFAULT_HEAP_VALIDATION, ...options },
  isKnownAppId: (id) => id === '11',
  unknownAppIdStatus: 400,
});
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof HeapValidationError) return `${err.status} ${err.message}`;
    throw err;
  }
  return 'no error';
};
const track = { app_id: '11', identity: 'jane@example.com', event: 'Opened Email' };

describe('validateTrackBody (heap-api.md §2, §3, §12 items 5-8)', () => {
  it.each<[string, unknown, string]>([
    ['not an object', [], '400 postBody should be object'],
    ['missing app_id', { identity: 'a', event: 'e' }, '400 postBody.app_id should be string'],
    ['unknown app_id', { ...track, app_id: '12' }, '400 postBody.app_id 12 is not a known environment id'],
    [
      'both identity and user_id',
      { ...track, user_id: '42' },
      '400 postBody.events[0] should have exactly one of identity, user_id',
    ],
    [
      'neither identity nor user_id',
      { app_id: '11', event: 'e' },
      '400 postBody.events[0] should have exactly one of identity, user_id',
    ],
    [
      'properties array',
      { ...track, properties: ['a'] },
      '400 postBody.events[0].properties should be object',
    ],
    [
      'identity of 256 chars',
      { ...track, identity: 'x'.repeat(256) },
      '400 postBody.events[0].identity should NOT be longer than 255 characters',
    ],
    [
      'empty event',
      { ...track, event: '' },
      '400 postBody.events[0].event should NOT be shorter than 1 characters',
    ],
    [
      'event of 1025 chars',
      { ...track, event: 'e'.repeat(1025) },
      '400 postBody.events[0].event should NOT be longer than 1024 characters',
    ],
    [
      'user_id not decimal',
      { app_id: '11', user_id: 'abc', event: 'e' },
      '400 postBody.events[0].user_id should match pattern "^[0-9]+$"',
    ],
    [
      'user_id above 2^53-1',
      { app_id: '11', user_id: '9007199254740992', event: 'e' },
      '400 postBody.events[0].user_id should be <= 9007199254740991',
    ],
    [
      'nested object value',
      { ...track, properties: { a: { b: 1 } } },
      '400 postBody.events[0].properties.a should be string,number',
    ],
    [
      'boolean value (strict)',
      { ...track, properties: { a: true } },
      '400 postBody.events[0].properties.a should be string,number',
    ],
    [
      'null value (strict)',
      { ...track, properties: { a: null } },
      '400 postBody.events[0].properties.a should be string,number',
    ],
    [
      'string of 1024 chars',
      { ...track, properties: { a: 'v'.repeat(1024) } },
      '400 postBody.events[0].properties.a should NOT be longer than 1023 characters',
    ],
    [
      'epoch timestamp (strict)',
      { ...track, timestamp: 1700000000000 },
      '400 postBody.events[0].timestamp should match format "date-time"',
    ],
    [
      'bad ISO timestamp',
      { ...track, timestamp: '2024-13-45' },
      '400 postBody.events[0].timestamp should match format "date-time"',
    ],
    ['events not array', { app_id: '11', events: {} }, '400 postBody.events should be array'],
    ['empty events', { app_id: '11', events: [] }, '400 postBody.events should NOT have fewer than 1 items'],
    [
      'invalid 2nd bulk element',
      { app_id: '11', events: [track, { identity: 'a' }] },
      '400 postBody.events[1].event should be string',
    ],
  ])('rejects %s', (_name, body, expected) => {
    expect(messageOf(() => validateTrackBody(body, ctx()))).toBe(expected);
  });

  it('rejects more than 1000 bulk events', () => {
    const events = Array.from({ length: 1001 }, () => ({ identity: 'a', event: 'e' }));
    expect(messageOf(() => validateTrackBody({ app_id: '11', events }, ctx()))).toBe(
      '400 postBody.events should NOT have more than 1000 items',
    );
  });

  it('normalises a valid single event: arrays joined with ||, timestamp to ISO UTC', () => {
    const parsed = validateTrackBody(
      {
        ...track,
        timestamp: '2024-05-02T11:15:30.120+02:00',
        idempotency_key: 'hubspot-1-open',
        properties: { n: 1, tags: ['promo', 'launch'] },
      },
      ctx(),
    );
    expect(parsed).toEqual({
      appId: '11',
      form: 'single',
      events: [
        {
          identity: 'jane@example.com',
          event: 'Opened Email',
          timestamp: '2024-05-02T09:15:30.120Z',
          idempotencyKey: 'hubspot-1-open',
          properties: { n: 1, tags: 'promo||launch' },
        },
      ],
    });
  });

  it('lenient mode accepts epoch ms, truncates long strings and stringifies objects', () => {
    const parsed = validateTrackBody(
      { ...track, timestamp: 1700000000000, properties: { s: 'v'.repeat(2000), o: { a: 1 } } },
      ctx({ mode: 'lenient' }),
    );
    expect(parsed.events[0]?.timestamp).toBe('2023-11-14T22:13:20.000Z');
    expect(parsed.events[0]?.properties['s']).toHaveLength(1023);
    expect(parsed.events[0]?.properties['o']).toBe('{"a":1}');
  });

  it('enforces a minimum idempotency_key length when configured', () => {
    expect(
      messageOf(() =>
        validateTrackBody({ ...track, idempotency_key: 'short' }, ctx({ minIdempotencyKeyLength: 8 })),
      ),
    ).toBe('400 postBody.events[0].idempotency_key should NOT be shorter than 8 characters');
  });
});

describe('validateUserPropertiesBody (heap-api.md §4, §12 item 9)', () => {
  it('rejects a long identity, a reserved id key and > 1000 users', () => {
    expect(
      messageOf(() =>
        validateUserPropertiesBody({ app_id: '11', identity: 'x'.repeat(256), properties: {} }, ctx()),
      ),
    ).toBe('400 postBody.identity should NOT be longer than 255 characters');
    expect(
      messageOf(() =>
        validateUserPropertiesBody({ app_id: '11', identity: 'a', properties: { ID: '1' } }, ctx()),
      ),
    ).toBe('400 postBody.properties.ID is a reserved property name');
    const users = Array.from({ length: 1001 }, () => ({ identity: 'a', properties: {} }));
    expect(messageOf(() => validateUserPropertiesBody({ app_id: '11', users }, ctx()))).toBe(
      '400 postBody.users should NOT have more than 1000 items',
    );
  });

  it('ignores reserved id keys when configured', () => {
    const parsed = validateUserPropertiesBody(
      { app_id: '11', users: [{ identity: 'a', properties: { id: '1', plan: 'pro' } }] },
      ctx({ reservedIdKeys: 'ignore' }),
    );
    expect(parsed).toEqual({
      appId: '11',
      form: 'bulk',
      users: [{ identity: 'a', properties: { plan: 'pro' } }],
    });
  });
});
