import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '@hubheap/testing';
import { parseWebhookBatch } from './webhook-events.mapper';

const RECEIVED_AT = 1_764_000_000_000;
const deliveries = readFileSync(join(fixturesDir(), 'webhooks.jsonl'), 'utf8').trimEnd().split('\n');

const ok = (body: string) => {
  const result = parseWebhookBatch(body, RECEIVED_AT);
  if (!result.ok) throw new Error(`expected success, got: ${result.reason}`);
  return result.events;
};

const event = (overrides: Record<string, unknown> = {}) => ({
  eventId: 100,
  subscriptionId: 2001,
  portalId: 62515,
  appId: 54321,
  occurredAt: 1700000000000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 5101,
  ...overrides,
});

describe('parseWebhookBatch — real deliveries (fixtures/webhooks.jsonl)', () => {
  it('has the 18 deliveries the fixture README lists', () => {
    expect(deliveries).toHaveLength(18);
  });

  it.each(deliveries.map((line, i) => [i + 1, line] as const))(
    'line %i parses, one record per event',
    (_line, body) => {
      const events = ok(body);
      const raw = JSON.parse(body) as Record<string, unknown>[];
      expect(events).toHaveLength(raw.length);
      events.forEach((e, i) => {
        expect(e.rawJson).toBe(JSON.stringify(raw[i]));
        expect(e.receivedAt).toBe(RECEIVED_AT);
        expect(e.subscriptionType).toMatch(/^(contact|deal|object)\.[a-zA-Z]+$/);
        expect(e.eventId).toMatch(/^\d+$/);
        expect(e.objectId).toMatch(/^\d+$/);
      });
    },
  );

  it('line 1: ids above 2^31 become exact decimal strings', () => {
    expect(ok(deliveries[0] as string)).toEqual([
      {
        portalId: 48807704,
        appId: 16111050,
        eventId: '531833541',
        subscriptionId: '3923621',
        subscriptionType: 'contact.creation',
        occurredAt: 1752613920733,
        attemptNumber: 0,
        objectId: '138017612137',
        objectTypeId: null,
        propertyName: null,
        propertyValue: null,
        changeSource: 'CRM_UI',
        sourceId: 'userId:76023669',
        changeFlag: 'CREATED',
        primaryObjectId: null,
        mergedObjectIds: [],
        newObjectId: null,
        receivedAt: RECEIVED_AT,
        rawJson: (deliveries[0] as string).slice(1, -1),
      },
    ]);
  });

  it('line 2: the legacy eventType becomes subscriptionType', () => {
    const [change, creation] = ok(deliveries[1] as string);
    expect(change).toMatchObject({
      subscriptionType: 'contact.propertyChange',
      propertyName: 'lifecyclestage',
      propertyValue: 'subscriber',
      portalId: 33,
    });
    expect(creation).toMatchObject({
      subscriptionType: 'contact.creation',
      eventId: '3816279480',
      objectId: '1246978',
    });
  });

  it('line 8: numbers sent as strings are accepted', () => {
    expect(ok(deliveries[7] as string)[0]).toMatchObject({
      eventId: '1',
      subscriptionId: '3275',
      portalId: 2845818,
      occurredAt: 1493224084569,
      attemptNumber: 0,
      objectId: '123',
      appId: 39543,
    });
  });

  it('line 11 keeps attemptNumber 7; line 14 keeps objectTypeId', () => {
    expect(ok(deliveries[10] as string)[0]).toMatchObject({
      attemptNumber: 7,
      sourceId: '9318066',
      objectId: '106500991877',
    });
    expect(ok(deliveries[13] as string)[0]).toMatchObject({
      objectTypeId: '0-1',
      subscriptionType: 'object.propertyChange',
    });
  });
});

describe('parseWebhookBatch — ids and merge fields', () => {
  it('keeps integers above 2^53 exact, in the id and in rawJson', () => {
    const body =
      '[{"eventId":1,"portalId":62515,"occurredAt":1700000000000,"subscriptionType":"contact.merge","objectId":12345678901234567891,"mergedObjectIds":[9007199254740993,5103],"primaryObjectId":"0042"}]';
    const [e] = ok(body);
    expect(e).toMatchObject({
      objectId: '12345678901234567891',
      mergedObjectIds: ['9007199254740993', '5103'],
      primaryObjectId: '42',
    });
    expect(e?.rawJson).toBe(body.slice(1, -1));
  });

  it('fills optional fields with null and attemptNumber with 0', () => {
    const [e] = ok(
      JSON.stringify([
        { portalId: 1, eventId: 2, objectId: 3, occurredAt: 4, subscriptionType: 'contact.deletion' },
      ]),
    );
    expect(e).toMatchObject({
      appId: null,
      subscriptionId: null,
      attemptNumber: 0,
      mergedObjectIds: [],
      changeSource: null,
    });
  });
});

describe('parseWebhookBatch — rejections', () => {
  const reasonOf = (body: string, maxEvents?: number): string => {
    const result = parseWebhookBatch(body, RECEIVED_AT, maxEvents === undefined ? {} : { maxEvents });
    if (result.ok) throw new Error('expected a rejection');
    return result.reason;
  };

  it('non-JSON and non-array bodies', () => {
    expect(reasonOf('not json')).toMatch(/^body is not valid JSON/);
    expect(reasonOf(JSON.stringify(event()))).toBe('body must be a JSON array of events');
    expect(reasonOf('null')).toBe('body must be a JSON array of events');
  });

  it('empty batch, and more than maxEvents (default 100)', () => {
    expect(reasonOf('[]')).toBe('batch is empty');
    const many = JSON.stringify(Array.from({ length: 101 }, (_, i) => event({ eventId: i })));
    expect(reasonOf(many)).toBe('batch has 101 events; at most 100 allowed');
    expect(
      parseWebhookBatch(JSON.stringify(Array.from({ length: 100 }, () => event())), RECEIVED_AT).ok,
    ).toBe(true);
    expect(reasonOf(JSON.stringify([event(), event()]), 1)).toBe('batch has 2 events; at most 1 allowed');
  });

  it('missing portalId names the field and the index', () => {
    const { portalId: _dropped, ...withoutPortal } = event();
    expect(reasonOf(JSON.stringify([event(), withoutPortal]))).toBe('events[1].portalId: Required');
  });

  it('missing subscriptionType and eventType', () => {
    const { subscriptionType: _dropped, ...untyped } = event();
    expect(reasonOf(JSON.stringify([untyped]))).toBe(
      'events[0].subscriptionType: Required (legacy eventType also absent)',
    );
  });

  it('non-numeric ids, fractional or negative numbers, non-object events', () => {
    expect(reasonOf(JSON.stringify([event({ objectId: 'abc' })]))).toBe(
      'events[0].objectId: must be a non-negative integer or a numeric string',
    );
    expect(reasonOf(JSON.stringify([event({ eventId: 1.5 })]))).toMatch(/^events\[0\]\.eventId: /);
    expect(reasonOf(JSON.stringify([event({ occurredAt: -1 })]))).toMatch(/^events\[0\]\.occurredAt: /);
    expect(reasonOf(JSON.stringify([event({ mergedObjectIds: [1, 'x'] })]))).toMatch(
      /^events\[0\]\.mergedObjectIds\[1\]: /,
    );
    expect(reasonOf('[42]')).toBe('events[0]: must be a JSON object');
  });

  it('a portalId beyond 2^53 cannot be a long in JS and is refused', () => {
    expect(reasonOf(JSON.stringify([event()]).replace('62515', '12345678901234567891'))).toMatch(
      /^events\[0\]\.portalId: /,
    );
  });
});
