import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotEmailEvent } from '@hubheap/schemas';
import { planEmailEvents } from './email-events.handler';
import { identityKey, identityView } from './identity/identity-map';
import { tenantDirectory, type Tenant } from './tenants.config';

const CREATED = 1_614_191_191_202; // 2021-02-24T18:26:31.202Z
let offset = 0;
const record = (
  overrides: Partial<HubSpotEmailEvent> & Record<string, unknown> = {},
): ConsumedRecord<HubSpotEmailEvent> => {
  const { extra, ...fields } = overrides as { extra?: Record<string, unknown> };
  const value: HubSpotEmailEvent = {
    portalId: 62515,
    id: `ev-${offset}`,
    created: CREATED,
    type: 'OPEN',
    recipient: ' Jane.Doe@Example.com ',
    appId: 20053,
    appName: 'Batch',
    emailCampaignId: 2,
    filteredEvent: false,
    obsoletedById: null,
    source: 'fixture',
    polledAt: CREATED + 60_000,
    rawJson: JSON.stringify({ id: `ev-${offset}`, type: 'OPEN', ...extra }),
    ...fields,
  };
  offset += 1;
  return {
    topic: 'hubspot.email-events.v1',
    partition: 0,
    offset: String(offset),
    key: null,
    headers: {},
    timestamp: CREATED,
    value,
  };
};

const ACME: Tenant = { portalId: 62515, heapAppId: '1234567890', emailProperty: 'identity' };
const listed = tenantDirectory({ tenants: [ACME], includeFilteredEvents: false });
const withDefault = tenantDirectory({
  tenants: [ACME],
  defaultHeapAppId: '999',
  includeFilteredEvents: false,
});
const withFiltered = tenantDirectory({ tenants: [ACME], includeFilteredEvents: true });

describe('planEmailEvents: tenant lookup', () => {
  it.each([
    ['a listed portal uses its own app_id', listed, 62515, { appId: '1234567890' }],
    ['a listed portal wins over the default', withDefault, 62515, { appId: '1234567890' }],
    ['an unlisted portal falls back to DEFAULT_HEAP_APP_ID', withDefault, 777, { appId: '999' }],
    [
      'an unlisted portal without a default is dead-lettered',
      listed,
      777,
      { deadLetter: 'no tenant for portal 777' },
    ],
  ])('%s', (_name, tenants, portalId, expected) => {
    const input = record({ portalId });
    const plan = planEmailEvents([input], tenants);
    if ('deadLetter' in expected) {
      expect(plan).toEqual({
        track: [],
        pending: [],
        skipped: [],
        deadLetters: [{ record: input, reason: expected.deadLetter }],
      });
    } else {
      expect(plan.track.map((e) => [e.appId, e.portalId])).toEqual([[expected.appId, portalId]]);
      expect(plan.deadLetters).toEqual([]);
    }
  });
});

describe('planEmailEvents: what an email event becomes', () => {
  it('maps an OPEN to Opened Email with the normalised identity, ISO timestamp and idempotency key', () => {
    const input = record({ id: 'abc-1' });
    expect(planEmailEvents([input], listed).track).toEqual([
      expect.objectContaining({
        appId: '1234567890',
        portalId: 62515,
        identity: 'jane.doe@example.com',
        event: 'Opened Email',
        timestamp: '2021-02-24T18:26:31.202Z',
        idempotencyKey: `hs:62515:${CREATED}:abc-1`,
        sourceEventId: 'abc-1',
      }),
    ]);
  });

  it.each([
    ['filtered (bot/prefetch) opens by default', { filteredEvent: true }, 'filtered'],
    ['superseded events', { obsoletedById: 'later-event' }, 'obsoleted'],
    ['events without a recipient', { recipient: null }, 'no-recipient'],
    ['events whose recipient is blank', { recipient: '   ' }, 'no-recipient'],
    ['types beyond the twelve (SUPPRESSED)', { type: 'SUPPRESSED' }, 'unsupported-type'],
    ['events without a type (UNBOUNCE)', { type: null }, 'unsupported-type'],
    ['identities over 255 characters', { recipient: `${'x'.repeat(250)}@example.com` }, 'identity-too-long'],
  ])('skips %s', (_name, overrides, reason) => {
    const input = record(overrides);
    expect(planEmailEvents([input], listed)).toEqual({
      track: [],
      pending: [],
      skipped: [{ record: input, reason }],
      deadLetters: [],
    });
  });

  it('sends filtered events when INCLUDE_FILTERED_EVENTS is on', () => {
    expect(planEmailEvents([record({ filteredEvent: true })], withFiltered).track).toHaveLength(1);
  });

  it.each([
    ['SENT', 'Sent Email'],
    ['DELIVERED', 'Delivered Email'],
    ['BOUNCE', 'Bounced Email'],
    ['CLICK', 'Clicked Email Link'],
    ['STATUSCHANGE', 'Changed Email Subscription'],
  ])('names %s %j', (type, name) => {
    expect(planEmailEvents([record({ type })], listed).track.map((e) => e.event)).toEqual([name]);
  });

  it('puts every record of a mixed batch in exactly one list, tracks in offset order', () => {
    const batch = [
      record({ id: 'a' }),
      record({ portalId: 1 }),
      record({ filteredEvent: true }),
      record({ id: 'b', type: 'CLICK' }),
    ];
    const plan = planEmailEvents(batch, listed);
    expect(plan.track.map((e) => e.sourceEventId)).toEqual(['a', 'b']);
    expect(plan.skipped.map((s) => s.record)).toEqual([batch[2]]);
    expect(plan.deadLetters.map((d) => d.record)).toEqual([batch[1]]);
  });
});

describe('planEmailEvents: custom email property', () => {
  const CUSTOM: Tenant = { portalId: 62515, heapAppId: '22', emailProperty: 'work_email' };
  const custom = tenantDirectory({ tenants: [CUSTOM], includeFilteredEvents: false });

  it('uses the Heap identity the map holds for the normalised email', () => {
    const view = identityView(new Map([[identityKey('22', 'jane.doe@example.com'), 'user-7']]));
    expect(planEmailEvents([record()], custom, view).track.map((e) => [e.appId, e.identity])).toEqual([
      ['22', 'user-7'],
    ]);
  });

  it('parks events whose email has no identity yet, and every later event of that email in the batch', () => {
    const batch = [record({ id: 'a' }), record({ id: 'b', recipient: 'other@x.io' }), record({ id: 'c' })];
    const view = identityView(new Map([[identityKey('22', 'other@x.io'), 'user-9']]));
    const plan = planEmailEvents(batch, custom, view);
    expect(plan.track.map((e) => e.sourceEventId)).toEqual(['b']);
    expect(plan.pending.map((p) => [p.record.value.id, p.email, p.event.identity])).toEqual([
      ['a', 'jane.doe@example.com', ''],
      ['c', 'jane.doe@example.com', ''],
    ]);
  });

  it('queues behind records already waiting even when the identity is now known', () => {
    const key = identityKey('22', 'jane.doe@example.com');
    const view = identityView(new Map([[key, 'user-7']]), new Set([key]));
    const plan = planEmailEvents([record()], custom, view);
    expect(plan.track).toEqual([]);
    expect(plan.pending).toHaveLength(1);
  });
});
