import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotContactChange } from '@hubheap/schemas';
import { planContactChanges, readsByPortal } from './contact-changes.planner';

let offset = 0;
const change = (
  contactId: string,
  over: Partial<HubSpotContactChange> = {},
): ConsumedRecord<HubSpotContactChange> => {
  offset += 1;
  const value: HubSpotContactChange = {
    portalId: 62515,
    contactId,
    appId: '11',
    identity: `c${contactId}@example.com`,
    email: `c${contactId}@example.com`,
    previousEmail: null,
    change: 'property-changed',
    changedProperties: [],
    mergedContactIds: [],
    occurredAt: 1_000 + offset,
    sourceEventId: `e${offset}`,
    ...over,
  };
  return {
    topic: 'hubspot.contact-changes.v1',
    partition: 0,
    offset: String(offset),
    key: `${value.portalId}:${contactId}`,
    headers: {},
    timestamp: 0,
    value,
  };
};

const PORTALS = new Set([62515, 7]);
const summary = (records: ConsumedRecord<HubSpotContactChange>[]) => {
  const plan = planContactChanges(records, PORTALS);
  return {
    reads: plan.reads.map((r) => ({
      contact: r.contactId,
      identity: r.identity,
      changed: r.changedProperties === 'all' ? 'all' : [...r.changedProperties].sort(),
      offsets: r.records.map((x) => x.offset),
    })),
    deletions: plan.deletions.map((d) => `${d.contactId}:${d.identity}`),
    deadLetters: plan.deadLetters.map((d) => d.record.offset),
    skipped: plan.skipped.map((s) => `${s.record.offset}:${s.reason}`),
  };
};

describe('planContactChanges', () => {
  beforeEach(() => {
    offset = 0;
  });

  it('coalesces every change of a contact into one read; latest identity wins; changed properties united', () => {
    const out = summary([
      change('1', { changedProperties: ['firstname'] }),
      change('2'),
      change('1', { changedProperties: ['lastname'], identity: 'new@example.com', change: 'email-changed' }),
    ]);
    expect(out.reads).toEqual([
      { contact: '1', identity: 'new@example.com', changed: ['firstname', 'lastname'], offsets: ['1', '3'] },
      { contact: '2', identity: 'c2@example.com', changed: 'all', offsets: ['2'] },
    ]);
  });

  it('an empty changedProperties makes the read cover every property', () => {
    const out = summary([change('1', { changedProperties: ['a'] }), change('1', { change: 'backfill' })]);
    expect(out.reads[0]!.changed).toBe('all');
  });

  it('keeps the same contact id of two portals apart', () => {
    const out = summary([change('1'), change('1', { portalId: 7 })]);
    expect(out.reads).toHaveLength(2);
    expect([
      ...readsByPortal(planContactChanges([change('1'), change('1', { portalId: 7 })], PORTALS).reads).keys(),
    ]).toEqual([62515, 7]);
  });

  it('deleted drops the pending read, and later stale changes do not resurrect the contact', () => {
    const out = summary([
      change('1', { occurredAt: 10 }),
      change('1', { change: 'deleted', occurredAt: 20 }),
      change('1', { occurredAt: 15 }),
    ]);
    expect(out.reads).toEqual([]);
    expect(out.skipped).toEqual(['1:superseded-by-deletion', '2:contact-deleted', '3:stale-after-deletion']);
  });

  it('a change newer than the deletion is read (HubSpot decides whether the contact exists)', () => {
    const out = summary([
      change('1', { change: 'deleted', occurredAt: 20 }),
      change('1', { occurredAt: 30 }),
    ]);
    expect(out.reads.map((r) => r.offsets)).toEqual([['2']]);
  });

  it('restored lifts the tombstone', () => {
    const out = summary([
      change('1', { change: 'deleted', occurredAt: 20 }),
      change('1', { change: 'restored', occurredAt: 20 }),
    ]);
    expect(out.reads.map((r) => r.offsets)).toEqual([['2']]);
  });

  it('merged tombstones the merged-away contacts and reads the survivor', () => {
    const out = summary([
      change('2', { occurredAt: 5 }),
      change('1', { change: 'merged', mergedContactIds: ['2', '3'], occurredAt: 10 }),
      change('3', { occurredAt: 8 }),
    ]);
    expect(out.reads.map((r) => r.contact)).toEqual(['1']);
    expect(out.skipped).toEqual(['1:superseded-by-deletion', '3:stale-after-deletion']);
  });

  it('privacy-deleted plans a Heap deletion and drops pending reads; without identity it is skipped', () => {
    const out = summary([
      change('1'),
      change('1', { change: 'privacy-deleted' }),
      change('2', { change: 'privacy-deleted', identity: null }),
    ]);
    expect(out.reads).toEqual([]);
    expect(out.deletions).toEqual(['1:c1@example.com']);
    expect(out.skipped).toEqual(['1:superseded-by-deletion', '3:deletion-without-identity']);
  });

  it('dead-letters changes with identity null and changes of portals without a token', () => {
    const plan = planContactChanges(
      [change('1', { identity: null }), change('2', { portalId: 999 })],
      PORTALS,
    );
    expect(plan.reads).toEqual([]);
    expect(plan.deadLetters.map((d) => d.reason)).toEqual([
      'contact 1 of portal 62515 has no Heap identity (identity is null)',
      'portal 999 is not in HUBSPOT_PORTALS: no token to read contacts with',
    ]);
  });
});
