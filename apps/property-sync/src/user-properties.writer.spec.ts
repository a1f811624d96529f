import { HeapRejectedError, HeapRetriableError } from '@hubheap/heap';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotContactChange } from '@hubheap/schemas';
import type { ContactRead } from './contact-changes.planner';
import {
  buildUserWrites,
  type HeapUserWrite,
  portalProperties,
  writeUserProperties,
} from './user-properties.writer';

const record = (n: number): ConsumedRecord<HubSpotContactChange> =>
  ({ offset: String(n), value: { contactId: String(n) } }) as ConsumedRecord<HubSpotContactChange>;

const read = (contactId: string, changed: ContactRead['changedProperties'] = 'all'): ContactRead => ({
  portalId: 1,
  contactId,
  appId: '11',
  identity: `c${contactId}@example.com`,
  changedProperties: changed,
  records: [record(Number(contactId))],
});

const portal = portalProperties([
  { name: 'email', label: 'Email', type: 'string', fieldType: 'text' },
  { name: 'firstname', label: 'First Name', type: 'string', fieldType: 'text' },
  { name: 'score', label: 'Score', type: 'number', fieldType: 'number' },
]);

describe('buildUserWrites', () => {
  it('maps found contacts, and sorts out missing and empty ones', () => {
    const contacts = new Map([
      ['1', { id: '1', properties: { email: ' A@Example.com', firstname: 'Ann', score: '7' } }],
      ['3', { id: '3', properties: { firstname: null, score: '' } }],
    ]);
    const plan = buildUserWrites([read('1'), read('2'), read('3')], contacts, portal);
    expect(plan.writes.map(({ record: _r, ...w }) => w)).toEqual([
      {
        appId: '11',
        identity: 'c1@example.com',
        properties: { email: 'a@example.com', 'First Name': 'Ann', Score: 7 },
      },
    ]);
    expect(plan.notFound.map((r) => r.contactId)).toEqual(['2']);
    expect(plan.empty.map((r) => r.contactId)).toEqual(['3']);
  });

  it('clears (sends "") the empty properties the change named', () => {
    const contacts = new Map([['1', { id: '1', properties: { firstname: null, score: '1' } }]]);
    const plan = buildUserWrites([read('1', new Set(['firstname']))], contacts, portal);
    expect(plan.writes[0]!.properties).toEqual({ 'First Name': '', Score: 1 });
  });
});

describe('writeUserProperties', () => {
  const write = (n: number, appId = '11'): HeapUserWrite => ({
    appId,
    identity: `u${n}`,
    properties: { n },
    record: record(n),
  });

  it('sends one request per app_id, ≤ 1000 users each', async () => {
    const calls: Array<[string, number]> = [];
    const writes = [...Array.from({ length: 1500 }, (_, i) => write(i)), write(9999, '22')];
    const out = await writeUserProperties(writes, async (appId, users) => {
      calls.push([appId, users.length]);
    });
    expect(calls).toEqual([
      ['11', 1000],
      ['11', 500],
      ['22', 1],
    ]);
    expect(out).toEqual({ written: 1501, deadLetters: [] });
  });

  it('isolates the one user Heap refuses and dead-letters its change with the body', async () => {
    const writes = Array.from({ length: 40 }, (_, i) => write(i));
    const out = await writeUserProperties(writes, async (_appId, users) => {
      if (users.some((u) => u.identity === 'u17'))
        throw new HeapRejectedError(400, 'postBody.users[0].identity bad');
    });
    expect(out.written).toBe(39);
    expect(out.deadLetters).toEqual([
      { record: writes[17]!.record, reason: 'postBody.users[0].identity bad' },
    ]);
  });

  it('propagates a retriable error so the batch is retried uncommitted', async () => {
    const failure = new HeapRetriableError('Heap answered HTTP 429', { kind: 'http', status: 429 });
    await expect(
      writeUserProperties([write(1)], async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
