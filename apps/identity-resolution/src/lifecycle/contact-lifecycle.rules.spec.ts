import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotWebhookEvent } from '@hubheap/schemas';
import { identityView, identityKey, EMPTY_IDENTITY_VIEW, type IdentityView } from '../identity/identity-map';
import { tenantDirectory, type Tenant } from '../tenants.config';
import { contactsToFetch, planContactLifecycle, type LifecycleState } from './contact-lifecycle.rules';
import { contactKey, type ContactState } from './contact-state';

const PORTAL = 62515;
const BIG_ID = '3000000000123'; // above 2^31, stays a string
const byIdentity: Tenant = { portalId: PORTAL, heapAppId: '11', emailProperty: 'identity' };
const custom: Tenant = { portalId: PORTAL, heapAppId: '22', emailProperty: 'work_email' };
const dirOf = (tenant: Tenant) => tenantDirectory({ tenants: [tenant], includeFilteredEvents: false });

let offset = 0;
const event = (fields: Partial<HubSpotWebhookEvent>): ConsumedRecord<HubSpotWebhookEvent> => {
  offset += 1;
  return {
    topic: 'hubspot.webhook-events.v1',
    partition: 0,
    offset: String(offset),
    key: null,
    headers: {},
    timestamp: 0,
    value: {
      portalId: PORTAL,
      appId: 1,
      eventId: `ev-${offset}`,
      subscriptionId: '1',
      subscriptionType: 'contact.creation',
      occurredAt: 1_700_000_000_000 + offset,
      attemptNumber: 0,
      objectId: BIG_ID,
      objectTypeId: null,
      propertyName: null,
      propertyValue: null,
      changeSource: 'CRM_UI',
      sourceId: null,
      changeFlag: null,
      primaryObjectId: null,
      mergedObjectIds: [],
      newObjectId: null,
      receivedAt: 0,
      rawJson: '{}',
      ...fields,
    },
  };
};
const stored = (contactId: string, fields: Partial<ContactState>, appId = '11'): [string, ContactState] => [
  contactKey(PORTAL, contactId),
  { portalId: PORTAL, contactId, appId, ...fields },
];
const state = (
  contacts: Array<[string, ContactState]> = [],
  identities: IdentityView = EMPTY_IDENTITY_VIEW,
  fetched: Array<[string, string | null]> = [],
): LifecycleState => ({
  contacts: new Map(contacts),
  fetchedEmails: new Map(fetched.map(([id, email]) => [contactKey(PORTAL, id), email])),
  identities,
});

describe('contact lifecycle rules', () => {
  it('creation: records the contact with the email HubSpot returned and emits created', () => {
    const plan = planContactLifecycle(
      [event({ subscriptionType: 'contact.creation' })],
      dirOf(byIdentity),
      state([], EMPTY_IDENTITY_VIEW, [[BIG_ID, ' Jane@Example.COM ']]),
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({
        contactId: BIG_ID,
        appId: '11',
        change: 'created',
        email: 'jane@example.com',
        identity: 'jane@example.com',
      }),
    ]);
    expect(plan.contacts).toEqual([
      {
        portalId: PORTAL,
        contactId: BIG_ID,
        appId: '11',
        email: 'jane@example.com',
        identity: 'jane@example.com',
      },
    ]);
  });

  it('creation: asks HubSpot only for contacts without a known email', () => {
    const records = [
      event({ objectId: '1' }),
      event({ objectId: '2' }),
      event({ objectId: '3' }),
      event({
        objectId: '3',
        subscriptionType: 'contact.propertyChange',
        propertyName: 'email',
        propertyValue: 'x@y.z',
      }),
    ];
    const fetch = contactsToFetch(records, dirOf(byIdentity), new Map([stored('2', { email: 'b@x.io' })]));
    expect(fetch).toEqual(new Map([[PORTAL, ['1', '3']]]));
  });

  it('creation of a contact already merged away (read late, other partition) keeps the merge', () => {
    const plan = planContactLifecycle(
      [event({})],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'm@x.io', mergedInto: '5101', deletedAt: 9 })]),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['merged-away']);
    expect(plan.contacts[0]).toMatchObject({ mergedInto: '5101', deletedAt: 9 });
  });

  it('creation without any email is skipped (no-email)', () => {
    const plan = planContactLifecycle([event({})], dirOf(byIdentity), state());
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['no-email']);
  });

  it('propertyChange of email: updates the email, emits email-changed with previousEmail', () => {
    const plan = planContactLifecycle(
      [
        event({
          subscriptionType: 'contact.propertyChange',
          propertyName: 'email',
          propertyValue: 'NEW@x.io',
        }),
      ],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'old@x.io', identity: 'old@x.io' })]),
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({
        change: 'email-changed',
        email: 'new@x.io',
        previousEmail: 'old@x.io',
        identity: 'new@x.io',
      }),
    ]);
    expect(plan.contacts[0]).toMatchObject({ email: 'new@x.io', identity: 'new@x.io' });
  });

  it('propertyChange of email to the same email (other case, spaces) changes nothing', () => {
    const plan = planContactLifecycle(
      [
        event({
          subscriptionType: 'contact.propertyChange',
          propertyName: 'email',
          propertyValue: ' OLD@x.io',
        }),
      ],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'old@x.io' })]),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['unchanged']);
  });

  it('propertyChange from HUBHEAP_BACKFILL emits backfill, even when the email is unchanged', () => {
    const plan = planContactLifecycle(
      [
        event({
          subscriptionType: 'contact.propertyChange',
          propertyName: 'email',
          propertyValue: 'old@x.io',
          changeSource: 'HUBHEAP_BACKFILL',
          eventId: 'backfill:1',
        }),
      ],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'old@x.io' })]),
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({
        change: 'backfill',
        email: 'old@x.io',
        previousEmail: null,
        sourceEventId: 'backfill:1',
      }),
    ]);
  });

  it('other property changes of one contact in a batch coalesce into one property-changed', () => {
    const plan = planContactLifecycle(
      [
        event({ subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: 'J' }),
        event({
          subscriptionType: 'contact.propertyChange',
          propertyName: 'lifecyclestage',
          propertyValue: 'lead',
        }),
        event({ subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: 'Jo' }),
      ],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'a@x.io' })]),
    );
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      change: 'property-changed',
      changedProperties: ['firstname', 'lifecyclestage'],
      sourceEventId: `ev-${offset}`,
    });
  });

  it('merge: merged contacts point to the primary, emits merged with mergedContactIds', () => {
    const plan = planContactLifecycle(
      [
        event({
          subscriptionType: 'contact.merge',
          objectId: '5101',
          primaryObjectId: '5101',
          mergedObjectIds: ['5103', BIG_ID],
          newObjectId: '5101',
        }),
      ],
      dirOf(byIdentity),
      state([stored('5101', { email: 'p@x.io' }), stored('5103', { email: 'm@x.io' })]),
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({
        contactId: '5101',
        change: 'merged',
        mergedContactIds: ['5103', BIG_ID],
        identity: 'p@x.io',
      }),
    ]);
    const merged = plan.contacts.find((c) => c.contactId === '5103');
    expect(merged).toMatchObject({ mergedInto: '5101', deletedAt: expect.any(Number) });
    expect(plan.contacts.find((c) => c.contactId === BIG_ID)).toMatchObject({ mergedInto: '5101' });
  });

  it('deletion: marks the contact deleted, emits deleted with its identity', () => {
    const record = event({ subscriptionType: 'contact.deletion' });
    const plan = planContactLifecycle(
      [record],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'a@x.io' })]),
    );
    expect(plan.changes).toEqual([expect.objectContaining({ change: 'deleted', identity: 'a@x.io' })]);
    expect(plan.contacts[0]).toMatchObject({ deletedAt: record.value.occurredAt });
  });

  it('restore: clears the deletion, emits restored', () => {
    const plan = planContactLifecycle(
      [event({ subscriptionType: 'contact.restore' })],
      dirOf(byIdentity),
      state([stored(BIG_ID, { email: 'a@x.io', deletedAt: 5 })]),
    );
    expect(plan.changes.map((c) => c.change)).toEqual(['restored']);
    expect(plan.contacts[0]!.deletedAt).toBeUndefined();
  });

  it('privacyDeletion: forgets contact and (custom property) its identity row, emits privacy-deleted with identity and email', () => {
    const identities = identityView(new Map([[identityKey('22', 'a@x.io'), 'user-7']]));
    const plan = planContactLifecycle(
      [event({ subscriptionType: 'contact.privacyDeletion' })],
      dirOf(custom),
      state([stored(BIG_ID, { email: 'a@x.io', identity: 'user-7' }, '22')], identities),
    );
    expect(plan.changes).toEqual([
      expect.objectContaining({ change: 'privacy-deleted', identity: 'user-7', email: 'a@x.io' }),
    ]);
    // Only a tombstone stays: no email, no identity.
    expect(plan.contacts).toEqual([
      { portalId: PORTAL, contactId: BIG_ID, appId: '22', privacyDeletedAt: expect.any(Number) },
    ]);
    expect(plan.forgottenContacts).toEqual([{ portalId: PORTAL, contactId: BIG_ID }]);
    expect(plan.forgottenEmails).toEqual([{ appId: '22', email: 'a@x.io' }]);
  });

  it('privacyDeletion then a late email change or creation of that contact (same batch): nothing comes back', () => {
    const plan = planContactLifecycle(
      [
        event({ subscriptionType: 'contact.privacyDeletion' }),
        event({
          subscriptionType: 'contact.propertyChange',
          propertyName: 'email',
          propertyValue: 'gone@x.com',
        }),
        event({ subscriptionType: 'contact.creation' }),
        event({ subscriptionType: 'contact.privacyDeletion' }), // HubSpot's retry
      ],
      dirOf(custom),
      state([stored(BIG_ID, { email: 'a@x.io', identity: 'user-7' }, '22')]),
    );
    expect(plan.changes.map((c) => c.change)).toEqual(['privacy-deleted']);
    expect(plan.pending).toEqual([]);
    expect(plan.contacts.map((c) => c.email)).toEqual([undefined]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      'privacy-deleted',
      'privacy-deleted',
      'privacy-deleted',
    ]);
  });

  it('a stored tombstone skips every later event of the contact and is not fetched from HubSpot', () => {
    const tombstone = stored(BIG_ID, { privacyDeletedAt: 1 }, '22');
    const records = [
      event({ subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: 'A' }),
      event({ subscriptionType: 'contact.merge', primaryObjectId: BIG_ID, mergedObjectIds: ['5'] }),
    ];
    const plan = planContactLifecycle(records, dirOf(custom), state([tombstone]));
    expect(plan.changes).toEqual([]);
    expect(plan.contacts).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['privacy-deleted', 'privacy-deleted']);
    expect(contactsToFetch(records, dirOf(custom), new Map([tombstone]))).toEqual(new Map());
  });

  it.each(['email', 'firstname'])(
    'a contact merged away: a later %s change, deletion or restore of it is skipped (merged-away)',
    (propertyName) => {
      const plan = planContactLifecycle(
        [
          event({ subscriptionType: 'contact.propertyChange', propertyName, propertyValue: 'x@y.io' }),
          event({ subscriptionType: 'contact.deletion' }),
          event({ subscriptionType: 'contact.restore' }),
        ],
        dirOf(custom),
        state([stored(BIG_ID, { email: 'a@x.io', mergedInto: '42' }, '22')]),
      );
      expect(plan.changes).toEqual([]);
      expect(plan.pending).toEqual([]);
      expect(plan.skipped.map((s) => s.reason)).toEqual(['merged-away', 'merged-away', 'merged-away']);
    },
  );

  it('custom email property without an identity yet: the change waits (pending), later ones queue behind it', () => {
    const plan = planContactLifecycle(
      [
        event({ subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'a@x.io' }),
        event({ subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: 'A' }),
      ],
      dirOf(custom),
      state(),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.pending.map((p) => [p.email, p.change.change, p.change.identity])).toEqual([
      ['a@x.io', 'email-changed', null],
      ['a@x.io', 'property-changed', null],
    ]);
  });

  it('custom email property with a known identity uses the mapped Heap identity', () => {
    const identities = identityView(new Map([[identityKey('22', 'a@x.io'), 'user-7']]));
    const plan = planContactLifecycle(
      [event({})],
      dirOf(custom),
      state([], identities, [[BIG_ID, 'A@x.io']]),
    );
    expect(plan.changes).toEqual([expect.objectContaining({ change: 'created', identity: 'user-7' })]);
  });

  it('dead-letters contact events of an unclaimed portal and skips other subscription types', () => {
    const plan = planContactLifecycle(
      [
        event({ portalId: 1, subscriptionType: 'deal.creation' }),
        event({ portalId: 1 }),
        event({ subscriptionType: 'company.creation' }),
        event({ subscriptionType: 'contact.associationChange' }),
      ],
      dirOf(byIdentity),
      state(),
    );
    expect(plan.deadLetters.map((d) => d.reason)).toEqual(['no tenant for portal 1']);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['not-contact', 'not-contact', 'unsupported-type']);
  });
});
