import { toBackfillRecord, type ContactJson } from './contact-backfill.mapper';

const contact = (
  over: Partial<ContactJson> = {},
  properties: ContactJson['properties'] = {},
): ContactJson => ({
  id: '651',
  properties: { email: 'user12@example.com', hs_object_id: '651', ...properties },
  createdAt: '2021-01-14T14:26:17.014Z',
  updatedAt: '2023-07-07T19:33:25.177Z',
  archived: false,
  ...over,
});

describe('toBackfillRecord', () => {
  it('turns a contact into a contact.propertyChange of email with the backfill marks', () => {
    const c = contact();
    expect(toBackfillRecord(62515, c, 1_800_000_000_000)).toEqual({
      kind: 'emit',
      record: {
        portalId: 62515,
        appId: null,
        eventId: 'backfill:651',
        subscriptionId: null,
        subscriptionType: 'contact.propertyChange',
        occurredAt: Date.parse('2023-07-07T19:33:25.177Z'),
        attemptNumber: 0,
        objectId: '651',
        objectTypeId: null,
        propertyName: 'email',
        propertyValue: 'user12@example.com',
        changeSource: 'HUBHEAP_BACKFILL',
        sourceId: null,
        changeFlag: null,
        primaryObjectId: null,
        mergedObjectIds: [],
        newObjectId: null,
        receivedAt: 1_800_000_000_000,
        rawJson: JSON.stringify(c),
      },
    });
  });

  it.each([
    ['absent', {}],
    ['null', { email: null }],
    ['blank', { email: '   ' }],
  ])('skips a contact whose email is %s', (_, properties) => {
    const c = contact({ properties: { hs_object_id: '7', ...properties }, id: '7' });
    expect(toBackfillRecord(1, c, 0)).toEqual({ kind: 'without-email', contactId: '7' });
  });

  it('trims the email and takes occurredAt from lastmodifieddate (ms or ISO) when updatedAt is missing', () => {
    const ms = toBackfillRecord(
      1,
      contact({ updatedAt: undefined }, { email: ' a@b.c ', lastmodifieddate: '1700000000000' }),
      5,
    );
    expect(ms).toMatchObject({ record: { propertyValue: 'a@b.c', occurredAt: 1_700_000_000_000 } });
    const iso = toBackfillRecord(
      1,
      contact({ updatedAt: 'garbage' }, { lastmodifieddate: '2024-01-01T00:00:00Z' }),
      5,
    );
    expect(iso).toMatchObject({ record: { occurredAt: Date.UTC(2024, 0, 1) } });
    const none = toBackfillRecord(1, contact({ updatedAt: undefined }), 5);
    expect(none).toMatchObject({ record: { occurredAt: 5 } });
  });
});
