import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeapTrackEvent, HubSpotEmailEvent } from '@hubheap/schemas';
import { fixturesDir } from '@hubheap/testing';
import { HEAP_EVENT_NAMES, SUPPORTED_EMAIL_EVENT_TYPES } from './email-event-types';
import {
  mapEmailEventToHeap,
  toEmailEventRecord,
  type EmailEventMappingSettings,
} from './email-event.mapper';
import { InvalidEmailEventError } from './hubspot.errors';

const POLLED_AT = 1_764_000_000_000;
const PORTAL = 62515;
const SETTINGS: EmailEventMappingSettings = { appId: '11' };

const fixtureLines = readFileSync(join(fixturesDir(), 'email-events.jsonl'), 'utf8').trimEnd().split('\n');
const fixture = (line: number): Record<string, unknown> =>
  JSON.parse(fixtureLines[line - 1] as string) as Record<string, unknown>;
const record = (raw: unknown): HubSpotEmailEvent => toEmailEventRecord(raw, PORTAL, POLLED_AT, 'fixture');

const tracked = (raw: unknown, settings: EmailEventMappingSettings = SETTINGS): HeapTrackEvent => {
  const decision = mapEmailEventToHeap(record(raw), settings);
  if (decision.kind !== 'track') throw new Error(`expected a track, got skip '${decision.reason}'`);
  return decision.event;
};
const skipReason = (raw: unknown, settings: EmailEventMappingSettings = SETTINGS): string | undefined => {
  const decision = mapEmailEventToHeap(record(raw), settings);
  return decision.kind === 'skip' ? decision.reason : undefined;
};

// All 52 real events: line, id, Heap event name, identity, outcome with default settings.
const FIXTURE_TABLE: [number, string, string, string, 'track' | 'filtered'][] = [
  [1, '17d3fcc4-bc34-38b4-9103-69b5896bbdde', 'Opened Email', 'user1@example.com', 'track'],
  [2, 'e5cbe134-db76-32cb-9e82-9dafcbaf8b64', 'Opened Email', 'user1@example.com', 'track'],
  [3, '35b79cd1-3527-3ae7-b316-be0bbf872839', 'Opened Email', 'user1@example.com', 'filtered'],
  [4, '73b6e0a9-b6a2-3fc6-9faf-d69ca3c254dd', 'Opened Email', 'user1@example.com', 'filtered'],
  [5, 'cf24d1cb-0242-3728-ab16-c4f3892c0333', 'Delivered Email', 'user1@example.com', 'track'],
  [6, 'ebe79ee1-8a9b-334e-b7ef-ddda766f3b3b', 'Processed Email', 'user1@example.com', 'track'],
  [7, 'dd239309-7866-4705-a3e9-c571dd349477', 'Sent Email', 'user1@example.com', 'track'],
  [8, '9ff40077-4b32-3ec5-9aea-d69fd12683b9', 'Opened Email', 'user2@example.com', 'track'],
  [9, '7dd43432-1fed-3959-bb42-38c7d193605c', 'Delivered Email', 'user2@example.com', 'track'],
  [10, 'c92658da-7bdf-35d9-91e8-6738ae284491', 'Processed Email', 'user2@example.com', 'track'],
  [11, '9e68f5c3-45ff-445a-8d76-9050474425f3', 'Sent Email', 'user2@example.com', 'track'],
  [12, 'd70b78b9-a411-4d3e-808b-fe931be35b43', 'Changed Email Subscription', 'user2@example.com', 'track'],
  [13, 'ff118718-786d-4a35-94f9-6bbd413654de', 'Changed Email Subscription', 'user2@example.com', 'track'],
  [14, '24539f1f-0b20-4296-a5bf-6ba3bb9dc1b8', 'Changed Email Subscription', 'user2@example.com', 'track'],
  [15, 'cb6107f5-ba69-403d-8de5-4d206c774948', 'Changed Email Subscription', 'user3@example.com', 'track'],
  [16, 'e0c1eb45-612f-4beb-91a2-4352fbbbd100', 'Changed Email Subscription', 'user3@example.com', 'track'],
  [17, '709911d6-ba90-3c31-beb1-88f3359374ee', 'Dropped Email', 'user4@example.com', 'track'],
  [18, 'd0efceb4-638c-3313-9a20-62a44e1c2b85', 'Deferred Email', 'user4@example.com', 'track'],
  [19, '4f0583ba-b95e-35c1-b6fa-4326128b2861', 'Deferred Email', 'user4@example.com', 'track'],
  [20, 'deb20a2f-9594-3551-9551-ff8322da7916', 'Deferred Email', 'user4@example.com', 'track'],
  [21, 'f96d2144-fc2a-3da7-a11a-5a0a1e893371', 'Processed Email', 'user4@example.com', 'track'],
  [22, '4823cd9e-032d-3d68-99f9-b77bd33a9390', 'Opened Email', 'user1@example.com', 'track'],
  [23, 'd78765aa-f8c9-354c-a4a6-075dcee37bd1', 'Opened Email', 'user1@example.com', 'track'],
  [24, 'd2f5ba83-17e9-3a33-b1cc-1c0bd7aaf2da', 'Opened Email', 'user1@example.com', 'track'],
  [25, 'a3ec758a-10c8-3b11-86b2-1e0daed7ef64', 'Opened Email', 'user1@example.com', 'track'],
  [26, '569ea4bb-eee0-4718-9853-644b676101c9', 'Changed Email Subscription', 'user5@example.com', 'track'],
  [27, '66677dbc-3d7b-4a4e-8ed8-023dad7223a1', 'Changed Email Subscription', 'user5@example.com', 'track'],
  [28, '331da840-e177-42e7-9758-08f430a40428', 'Changed Email Subscription', 'user5@example.com', 'track'],
  [29, 'f27707ce-833e-4d47-b0fe-2cd9cbec786e', 'Changed Email Subscription', 'user5@example.com', 'track'],
  [30, 'ee27badd-cfe8-3278-ba4f-b2032b95ceb4', 'Opened Email', 'user1@example.com', 'filtered'],
  [31, '0ee6ffc9-160f-33bb-8e17-fc874429b206', 'Opened Email', 'user1@example.com', 'filtered'],
  [32, 'a3c92fa4-20d1-345c-92fd-d5485ca0fb8b', 'Opened Email', 'user1@example.com', 'track'],
  [33, 'ab1a6976-76b1-304d-9f4c-6d73e8bc52dc', 'Opened Email', 'user1@example.com', 'track'],
  [34, 'b750d85b-fec1-38f4-80e1-47cb01672e72', 'Opened Email', 'user1@example.com', 'filtered'],
  [35, '61526204-2a0b-3b20-a0ba-70381fe3267d', 'Opened Email', 'user1@example.com', 'filtered'],
  [36, '41ab6d71-3aa7-30bc-95a6-9af9c719a69f', 'Opened Email', 'user1@example.com', 'filtered'],
  [37, 'd0c2f47d-bebf-38f6-bf1c-f556795c903e', 'Opened Email', 'user1@example.com', 'filtered'],
  [38, 'e40954e4-dc04-3e67-a833-d3283fef7758', 'Opened Email', 'user1@example.com', 'filtered'],
  [39, '67b212dd-61dd-3894-9443-50083096f51e', 'Opened Email', 'user1@example.com', 'filtered'],
  [40, 'e12b770c-1c58-3480-9f0a-38600dd625ba', 'Opened Email', 'user1@example.com', 'filtered'],
  [41, '15347d6e-b728-38c2-9846-e02047aa90de', 'Delivered Email', 'user1@example.com', 'track'],
  [42, 'cd276838-3925-4649-9a38-2b61761362c4', 'Changed Email Subscription', 'user6@example.com', 'track'],
  [43, '4dcb9481-77e6-42d8-ab46-c1e3ed9395db', 'Dropped Email', 'user7@example.com', 'track'],
  [44, 'fb5f4051-0bf9-3b3c-92f4-ffbab071ed66', 'Opened Email', 'user20@example.com', 'track'],
  [45, '9221577f-8a9b-38e5-a96a-08e57550e8c2', 'Opened Email', 'user20@example.com', 'track'],
  [46, 'e4e7b45d-83ff-3faa-81a5-d241a3ce6e31', 'Delivered Email', 'user20@example.com', 'track'],
  [47, '8ea959fc-42e5-4ed7-92cd-3624dde4f084', 'Sent Email', 'user20@example.com', 'track'],
  [48, 'c26a72e7-d78b-3ec0-8801-54d951608c48', 'Processed Email', 'user20@example.com', 'track'],
  [49, 'event_id_1', 'Clicked Email Link', 'user21@example.com', 'track'],
  [50, 'event_id_2', 'Processed Email', 'user21@example.com', 'track'],
  [51, 'event_id_3', 'Opened Email', 'user21@example.com', 'track'],
  [52, 'event_id_4', 'Sent Email', 'user21@example.com', 'track'],
];

describe('toEmailEventRecord', () => {
  it('covers every fixture line', () => {
    expect(fixtureLines).toHaveLength(52);
    expect(FIXTURE_TABLE).toHaveLength(52);
  });

  it.each(FIXTURE_TABLE)('line %i (%s) becomes a record that keeps the raw JSON', (line, id) => {
    const raw = fixture(line);
    const rec = record(raw);
    expect(rec).toMatchObject({
      id,
      created: raw['created'],
      type: raw['type'],
      portalId: raw['portalId'],
      source: 'fixture',
      polledAt: POLLED_AT,
    });
    expect(JSON.parse(rec.rawJson)).toEqual(raw);
  });

  it('line 49 maps every typed field', () => {
    expect(record(fixture(49))).toEqual({
      portalId: 6015139,
      id: 'event_id_1',
      created: 1567084185625,
      type: 'CLICK',
      recipient: 'user21@example.com',
      appId: 113,
      appName: 'Batch',
      emailCampaignId: 1,
      filteredEvent: false,
      obsoletedById: null,
      source: 'fixture',
      polledAt: POLLED_AT,
      rawJson: JSON.stringify(fixture(49)),
    });
  });

  it('uses the fallback portalId, obsoletedBy.id, and nulls wrongly typed optional fields', () => {
    const rec = record({
      id: 'a',
      created: '1700000000000',
      obsoletedBy: { id: 'b', created: 1 },
      appId: 'x',
      filteredEvent: 'yes',
    });
    expect(rec).toMatchObject({
      portalId: PORTAL,
      created: 1700000000000,
      obsoletedById: 'b',
      appId: null,
      filteredEvent: null,
      type: null,
    });
  });

  it.each([
    ['not an object', 'x', 'not a JSON object'],
    ['an array', [], 'not a JSON object'],
    ['no id', { created: 1 }, 'id: Required'],
    ['empty id', { id: '', created: 1 }, 'id: must be a non-empty string'],
    ['no created', { id: 'a' }, 'created: Required'],
    ['created not ms epoch', { id: 'a', created: 1.5 }, 'created: must be a ms-epoch integer'],
    ['created beyond Date range', { id: 'a', created: 9e15 }, 'created: must be a ms-epoch integer'],
  ])('throws InvalidEmailEventError: %s', (_name, raw, reason) => {
    expect(() => record(raw)).toThrow(InvalidEmailEventError);
    expect(() => record(raw)).toThrow(reason);
  });
});

describe('mapEmailEventToHeap — the 52 real events', () => {
  it.each(FIXTURE_TABLE)('line %i (%s) → %s for %s (%s by default)', (line, id, name, identity, outcome) => {
    const raw = fixture(line);
    expect(skipReason(raw)).toBe(outcome === 'filtered' ? 'filtered' : undefined);
    const event = tracked(raw, { ...SETTINGS, includeFilteredEvents: true });
    expect(event).toMatchObject({
      appId: '11',
      event: name,
      identity,
      sourceEventId: id,
      portalId: raw['portalId'],
    });
    expect(event.idempotencyKey).toBe(`hs:${String(raw['portalId'])}:${String(raw['created'])}:${id}`);
    expect(event.timestamp).toBe(new Date(raw['created'] as number).toISOString());
    for (const value of Object.values(event.properties)) {
      expect(['string', 'number']).toContain(typeof value);
      expect(value).not.toBe('');
    }
  });

  it('line 3: a filtered OPEN with full browser and location', () => {
    expect(tracked(fixture(3), { ...SETTINGS, includeFilteredEvents: true })).toEqual({
      appId: '11',
      portalId: 8727216,
      identity: 'user1@example.com',
      event: 'Opened Email',
      timestamp: '2021-02-23T22:23:46.757Z',
      idempotencyKey: 'hs:8727216:1614119026757:35b79cd1-3527-3ae7-b316-be0bbf872839',
      sourceEventId: '35b79cd1-3527-3ae7-b316-be0bbf872839',
      properties: {
        hubspot_portal_id: 8727216,
        hubspot_event_id: '35b79cd1-3527-3ae7-b316-be0bbf872839',
        hubspot_event_type: 'OPEN',
        hubspot_app_id: 20053,
        hubspot_app_name: 'BatchTest',
        email_campaign_id: 2,
        recipient: 'user1@example.com',
        sent_by_event_id: 'dd239309-7866-4705-a3e9-c571dd349477',
        filtered_event: 'true',
        user_agent:
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0',
        device_type: 'COMPUTER',
        duration_ms: 1229,
        browser_name: 'Microsoft Edge 12.246',
        browser_family: 'Microsoft Edge',
        browser_type: 'Browser',
        browser_version: '12.246',
        location_city: 'mountain view',
        location_state: 'california',
        location_country: 'UNITED STATES',
        location_zipcode: '94043',
        location_latitude: 37.40599,
        location_longitude: -122.078514,
      },
    });
  });

  it('line 1: "Unknown" location and empty browser values are dropped', () => {
    const { properties } = tracked(fixture(1));
    expect(Object.keys(properties).filter((k) => k.startsWith('location_'))).toEqual([]);
    expect(properties).toMatchObject({
      browser_name: 'Google Image Cache',
      browser_type: 'Proxy',
      duration_ms: 0,
      filtered_event: 'false',
    });
    expect(properties).not.toHaveProperty('browser_version');
  });

  it('line 13: a STATUSCHANGE with one subscription; appId and emailCampaignId 0 are dropped', () => {
    expect(tracked(fixture(13)).properties).toEqual({
      hubspot_portal_id: 8727216,
      hubspot_event_id: 'ff118718-786d-4a35-94f9-6bbd413654de',
      hubspot_event_type: 'STATUSCHANGE',
      recipient: 'user2@example.com',
      subscription_change_source: 'SOURCE_HUBSPOT_CUSTOMER',
      subscription_change_source_id: 'SOURCE_HUBSPOT_CUSTOMER',
      subscriptions: '10798197:SUBSCRIBED',
    });
  });

  it('line 17: a DROPPED with an empty dropMessage', () => {
    expect(tracked(fixture(17)).properties).toEqual({
      hubspot_portal_id: 8727216,
      hubspot_event_id: '709911d6-ba90-3c31-beb1-88f3359374ee',
      hubspot_event_type: 'DROPPED',
      hubspot_app_id: 113,
      hubspot_app_name: 'Batch',
      email_campaign_id: 115429485,
      recipient: 'user4@example.com',
      sent_by_event_id: '33a9449c-9c37-4dd9-b3f3-0f8fc9a9d2a2',
      attempt: 5,
      drop_reason: 'MTA_IGNORE',
    });
  });

  it('line 43: a sandbox DROPPED keeps from/replyTo/subject, not cc/bcc', () => {
    expect(tracked(fixture(43)).properties).toMatchObject({
      from: '"Team Airbyte" <user1@example.com>',
      reply_to: 'user1@example.com',
      subject: 'test',
      drop_reason: 'VALIDATION_FAILED',
      drop_message: 'Email not allowed to be sent to the specified recipient in a sandbox portal',
    });
    expect(tracked(fixture(43)).properties).not.toHaveProperty('cc');
  });

  it('line 45: null browser/location are tolerated; the IP address is sent only when enabled', () => {
    const { properties, timestamp } = tracked(fixture(45));
    expect(timestamp).toBe('2014-06-02T13:29:57.000Z');
    expect(properties).not.toHaveProperty('ip_address');
    expect(properties).not.toHaveProperty('hmid');
    expect(Object.keys(properties).some((k) => k.startsWith('browser_') || k.startsWith('location_'))).toBe(
      false,
    );
    expect(tracked(fixture(45), { ...SETTINGS, includeIpAddress: true }).properties).toMatchObject({
      ip_address: '203.0.113.2',
    });
  });

  it('line 49: the CLICK keeps url, link_id 0 and device type; empty referer and {} objects vanish', () => {
    expect(tracked(fixture(49)).properties).toEqual({
      hubspot_portal_id: 6015139,
      hubspot_event_id: 'event_id_1',
      hubspot_event_type: 'CLICK',
      hubspot_app_id: 113,
      hubspot_app_name: 'Batch',
      email_campaign_id: 1,
      recipient: 'user21@example.com',
      sent_by_event_id: 'sentById',
      filtered_event: 'false',
      url: 'http://nytimes.com/?utm_campaign=Newsletter&utm_source=hs_email&utm_medium=email&utm_content=76224413&_hsmi=76224413',
      link_id: 0,
      user_agent: 'Mozilla/5.0 (Android 9; Mobile; rv:68.0) Gecko/68.0 Firefox/68.0',
      device_type: 'MOBILE',
    });
  });
});

/** One synthetic event per type (BOUNCE, SPAMREPORT, FORWARD and PRINT exist in no public capture). */
const COMMON = {
  portalId: PORTAL,
  appId: 113,
  appName: 'Batch',
  emailCampaignId: 190001234,
  recipient: ' Jane@Example.com ',
  sentBy: { id: 'sent-1', created: 1700000000000 },
};
const COMMON_PROPS = {
  hubspot_portal_id: PORTAL,
  hubspot_app_id: 113,
  hubspot_app_name: 'Batch',
  email_campaign_id: 190001234,
  recipient: 'Jane@Example.com',
  sent_by_event_id: 'sent-1',
};
const CLIENT = {
  userAgent: 'Mozilla/5.0 (Macintosh)',
  ipAddress: '203.0.113.7',
  deviceType: 'COMPUTER',
  browser: {
    name: 'Chrome',
    family: 'Chrome',
    producer: 'Google Inc.',
    producerUrl: 'x',
    type: 'Browser',
    url: 'y',
    version: ['120.0', '120.1'],
  },
  location: { city: 'Dublin', state: 'Leinster', country: 'Ireland' },
};
const CLIENT_PROPS = {
  user_agent: 'Mozilla/5.0 (Macintosh)',
  device_type: 'COMPUTER',
  browser_name: 'Chrome',
  browser_family: 'Chrome',
  browser_type: 'Browser',
  browser_version: '120.0||120.1',
  location_city: 'Dublin',
  location_state: 'Leinster',
  location_country: 'Ireland',
};

/** [type, type-specific raw fields, expected type-specific properties, common properties absent]. */
const SYNTHETIC: [string, Record<string, unknown>, Record<string, string | number>, string[]][] = [
  [
    'SENT',
    {
      subject: 'Spring launch',
      from: 'Acme <news@example.com>',
      cc: ['x@example.com'],
      bcc: [],
      replyTo: ['a@example.com', 'b@example.com'],
    },
    { subject: 'Spring launch', from: 'Acme <news@example.com>', reply_to: 'a@example.com||b@example.com' },
    [],
  ],
  ['PROCESSED', {}, {}, []],
  [
    'DELIVERED',
    { response: '250 2.0.0 OK', smtpId: '<abc@mail>', attempt: 1 },
    { response: '250 2.0.0 OK', smtp_id: '<abc@mail>', attempt: 1 },
    [],
  ],
  ['DEFERRED', { response: '421 try later', attempt: 2 }, { response: '421 try later', attempt: 2 }, []],
  [
    'BOUNCE',
    { category: 'MAILBOX_FULL', response: '552 mailbox full', status: '5.2.2' },
    { bounce_category: 'MAILBOX_FULL', response: '552 mailbox full', bounce_status: '5.2.2' },
    [],
  ],
  [
    'DROPPED',
    {
      dropReason: 'PREVIOUSLY_BOUNCED',
      dropMessage: 'Recipient previously hard bounced',
      subject: 'Hi',
      from: 'news@example.com',
    },
    {
      drop_reason: 'PREVIOUSLY_BOUNCED',
      drop_message: 'Recipient previously hard bounced',
      subject: 'Hi',
      from: 'news@example.com',
    },
    [],
  ],
  [
    'OPEN',
    { ...CLIENT, duration: 4200, filteredEvent: false },
    { ...CLIENT_PROPS, duration_ms: 4200, filtered_event: 'false' },
    [],
  ],
  [
    'CLICK',
    { ...CLIENT, url: 'https://www.example.com/pricing', referer: 'https://mail.example.com/', linkId: 7 },
    {
      ...CLIENT_PROPS,
      url: 'https://www.example.com/pricing',
      referer: 'https://mail.example.com/',
      link_id: 7,
    },
    [],
  ],
  ['FORWARD', CLIENT, CLIENT_PROPS, []],
  ['PRINT', CLIENT, CLIENT_PROPS, []],
  ['SPAMREPORT', { userAgent: 'Mozilla/5.0', ipAddress: '203.0.113.9' }, { user_agent: 'Mozilla/5.0' }, []],
  [
    'STATUSCHANGE',
    {
      appId: 0,
      emailCampaignId: 0,
      sentBy: undefined,
      subscriptions: [
        { id: 1, status: 'UNSUBSCRIBED' },
        { id: 2, status: 'SUBSCRIBED', legalBasisChange: { optState: 'OPT_IN' } },
      ],
      portalSubscriptionStatus: 'UNSUBSCRIBED',
      source: 'SOURCE_UNSUBSCRIBE_LINK',
      requestedBy: 'user@example.com',
      requestedByUserId: 42,
    },
    {
      subscriptions: '1:UNSUBSCRIBED||2:SUBSCRIBED',
      portal_subscription_status: 'UNSUBSCRIBED',
      subscription_change_source: 'SOURCE_UNSUBSCRIBE_LINK',
      requested_by: 'user@example.com',
      requested_by_user_id: 42,
    },
    ['hubspot_app_id', 'email_campaign_id', 'sent_by_event_id'],
  ],
];

describe('mapEmailEventToHeap — one synthetic event per supported type', () => {
  it('covers all twelve types', () => {
    expect(SYNTHETIC.map(([type]) => type).sort()).toEqual([...SUPPORTED_EMAIL_EVENT_TYPES].sort());
  });

  it.each(SYNTHETIC)('%s', (type, extra, expectedProps, absent) => {
    const id = `evt-${type.toLowerCase()}`;
    const event = tracked({ ...COMMON, id, created: 1700000000000, type, ...extra });
    const common = Object.fromEntries(Object.entries(COMMON_PROPS).filter(([key]) => !absent.includes(key)));
    const expected = { ...common, hubspot_event_id: id, hubspot_event_type: type, ...expectedProps };
    expect(event).toEqual({
      appId: '11',
      portalId: PORTAL,
      identity: 'jane@example.com',
      event: HEAP_EVENT_NAMES[type as keyof typeof HEAP_EVENT_NAMES],
      timestamp: '2023-11-14T22:13:20.000Z',
      idempotencyKey: `hs:62515:1700000000000:${id}`,
      properties: expected,
      sourceEventId: id,
    });
  });

  it('cuts long values to 1023 characters', () => {
    const event = tracked({
      ...COMMON,
      id: 'long',
      created: 1700000000000,
      type: 'CLICK',
      url: `https://example.com/${'a'.repeat(2000)}`,
    });
    expect(event.properties['url']).toHaveLength(1023);
  });
});

describe('mapEmailEventToHeap — skip decisions', () => {
  const base = { ...COMMON, id: 'e1', created: 1700000000000, type: 'OPEN' };

  it.each([
    ['SUPPRESSED', { type: 'SUPPRESSED', suppressedReason: 'X' }, 'unsupported-type'],
    ['UNBOUNCE without type or recipient', { type: undefined, recipient: undefined }, 'unsupported-type'],
    ['unknown type', { type: 'EXPLODED' }, 'unsupported-type'],
    ['lower-case type', { type: 'open' }, 'unsupported-type'],
    ['prototype key as type', { type: 'constructor' }, 'unsupported-type'],
    ['obsoletedBy set', { obsoletedBy: { id: 'e2', created: 1700000000001 } }, 'obsoleted'],
    ['filteredEvent true', { filteredEvent: true }, 'filtered'],
    ['no recipient', { recipient: undefined }, 'no-recipient'],
    ['blank recipient', { recipient: '   ' }, 'no-recipient'],
    ['"null" recipient', { recipient: 'null' }, 'no-recipient'],
    ['"undefined" recipient', { recipient: 'UNDEFINED' }, 'no-recipient'],
    ['recipient without @', { recipient: 'jane.example.com' }, 'no-recipient'],
    ['identity over 255 characters', { recipient: `${'a'.repeat(250)}@example.com` }, 'identity-too-long'],
  ])('%s → %s', (_name, extra, reason) => {
    expect(skipReason({ ...base, ...extra })).toBe(reason);
  });

  it('an obsoleted event is skipped before the filtered check; unsupported before everything', () => {
    expect(skipReason({ ...base, filteredEvent: true, obsoletedBy: { id: 'x', created: 1 } })).toBe(
      'obsoleted',
    );
    expect(
      skipReason({ ...base, type: 'SUPPRESSED', recipient: 'null', obsoletedBy: { id: 'x', created: 1 } }),
    ).toBe('unsupported-type');
  });

  it('includeFilteredEvents sends filtered events', () => {
    expect(
      tracked({ ...base, filteredEvent: true }, { ...SETTINGS, includeFilteredEvents: true }).properties[
        'filtered_event'
      ],
    ).toBe('true');
  });

  it('an identity of exactly 255 characters is kept', () => {
    const recipient = `${'a'.repeat(243)}@example.com`;
    expect(recipient).toHaveLength(255);
    expect(tracked({ ...base, recipient }).identity).toBe(recipient);
  });

  it('never throws on a hand-built record: bad created → invalid-created; bad rawJson → common properties only', () => {
    const rec = record(base);
    expect(mapEmailEventToHeap({ ...rec, created: 9e15 }, SETTINGS)).toEqual({
      kind: 'skip',
      reason: 'invalid-created',
    });
    const decision = mapEmailEventToHeap({ ...rec, rawJson: 'not json' }, SETTINGS);
    expect(decision.kind === 'track' && decision.event.properties).toEqual({
      hubspot_portal_id: PORTAL,
      hubspot_event_id: 'e1',
      hubspot_event_type: 'OPEN',
      hubspot_app_id: 113,
      hubspot_app_name: 'Batch',
      email_campaign_id: 190001234,
      recipient: 'Jane@Example.com',
    });
  });
});
