import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KafkaPlatform } from '@hubheap/kafka';
import {
  HEAP_USER_IDENTITIES,
  HUBSPOT_CONTACT_CHANGES,
  HUBSPOT_WEBHOOK_EVENTS,
  HEAP_TRACK_EVENTS,
  HUBSPOT_EMAIL_EVENTS,
} from '@hubheap/schemas';
import {
  type AppProcess,
  collect,
  committedOffsets,
  freePort,
  HeapFake,
  type HeapUser,
  type HubSpotContact,
  HubSpotFake,
  loadContactSeeds,
  loadPropertyDefinitions,
  type Offsets,
  topicEnds,
  positionGroup,
  reached,
  produce,
  sendWebhookBatch,
  stackEndpoints,
  startApp,
  testPlatform,
  uniqueName,
  eventually,
} from '@hubheap/testing';
import { expectedUserProperties } from './expected-user-properties';

// Issue 3 end to end, every service in its own process on real Kafka, registry and Postgres: the public
// fixture contacts and property definitions (../shared/fixtures/hubspot-public) go through a signed HubSpot
// webhook → webhook-intake → hubspot.webhook-events.v1 → identity-resolution → hubspot.contact-changes.v1 →
// property-sync (batch read from the HubSpot fake) → Heap add_user_properties (the Heap fake). The Heap user
// properties expected are computed in ./expected-user-properties.ts from the raw data by the rules of
// apps/property-sync/README.md, not by the app's mapper.

const CLIENT_SECRET = 'e2e-contacts-secret';
const definitions = loadPropertyDefinitions();

/** A tenant of this run: its own portal, token and Heap app_id; the fake seeded with the fixture contacts. */
interface Tenant {
  portalId: number;
  token: string;
  appId: string;
  emailProperty: string;
}

const newTenant = (emailProperty = 'identity'): Tenant => ({
  portalId: randomInt(100_000_000, 999_999_999),
  token: uniqueName('contacts-e2e-token'),
  appId: String(randomInt(1_000_000_000, 9_999_999_999)),
  emailProperty,
});

const emailOf = (contact: HubSpotContact): string | undefined => {
  const email = contact.properties['email'];
  return email && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
};

/** What Heap must hold for `contact`: the built-in Email and the custom properties, apart. */
const expectedUser = (contact: HubSpotContact) => {
  const { email, ...properties } = expectedUserProperties(definitions, contact.properties);
  return { email, properties };
};

const userView = (user: HeapUser | undefined) => user && { email: user.email, properties: user.properties };

describe('contacts: webhook → identity-resolution → property-sync → Heap user properties', () => {
  const main = newTenant();
  const late = newTenant('work_email');
  const burst = newTenant();
  const backfill = newTenant();
  const tenants = [main, late, burst, backfill];
  const hubspot = new HubSpotFake();
  const heap = new HeapFake({ appIds: tenants.map((t) => t.appId) });
  const apps: AppProcess[] = [];
  const platform: KafkaPlatform = testPlatform('e2e-contacts');
  const webhookGroup = uniqueName('e2e-contacts-identity-webhooks');
  let intakeUrl = '';
  let eventId = randomInt(1_000_000, 9_000_000);
  let env: Record<string, string> = {};

  /** One signed delivery of `events` (HubSpot §1.4 shape) to webhook-intake; resolves once accepted (2xx). */
  const deliver = async (tenant: Tenant, events: Array<Record<string, unknown>>): Promise<void> => {
    const result = await sendWebhookBatch({
      targetUrl: intakeUrl,
      clientSecret: CLIENT_SECRET,
      retries: { count: 3, delayMs: 200 },
      events: events.map((e) => ({
        eventId: (eventId += 1),
        subscriptionId: 4242,
        portalId: tenant.portalId,
        appId: 777,
        occurredAt: Date.now(),
        attemptNumber: 0,
        changeSource: 'CRM_UI',
        ...e,
      })),
    });
    expect(result.delivered).toBe(true);
  };
  const creations = (contacts: HubSpotContact[]) =>
    contacts.map((c) => ({
      subscriptionType: 'contact.creation',
      objectId: Number(c.id),
      changeFlag: 'CREATED',
    }));

  const seed = (tenant: Tenant): HubSpotContact[] => {
    hubspot.addAccessToken(tenant.token, tenant.portalId);
    hubspot.seedContactProperties(tenant.portalId, definitions);
    hubspot.seedContacts(tenant.portalId, loadContactSeeds());
    return hubspot.contacts(tenant.portalId);
  };
  const userOf = (tenant: Tenant, identity: string) =>
    heap.users(tenant.appId).find((u) => u.identity === identity);

  beforeAll(async () => {
    const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([
      hubspot.start(),
      heap.start(),
    ]);
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = stackEndpoints();
    env = {
      KAFKA_BROKERS: kafkaBrokers,
      SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      DATABASE_URL: databaseUrl,
      RETRY_PROFILE: 'test',
      HUBSPOT_BASE_URL: hubspotUrl,
      HEAP_BASE_URL: heapUrl,
      HEAP_PRIVACY_BASE_URL: heapUrl,
      // The shared HubSpot rate budget waits one window after a 429: a short one against the fake.
      HUBSPOT_RATE_WINDOW_MS: '1000',
    };
    const topics = [
      HUBSPOT_WEBHOOK_EVENTS,
      HUBSPOT_CONTACT_CHANGES,
      HEAP_USER_IDENTITIES,
      HUBSPOT_EMAIL_EVENTS,
    ];
    await platform.provision([...topics, HEAP_TRACK_EVENTS]);
    // Fresh groups start at today's ends: the shared topics hold other runs' tenants.
    const group = async (prefix: string, topic: string): Promise<string> => {
      const id = uniqueName(prefix);
      await positionGroup(platform, id, topic, await topicEnds(platform, topic));
      return id;
    };
    await positionGroup(
      platform,
      webhookGroup,
      HUBSPOT_WEBHOOK_EVENTS.name,
      await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name),
    );
    const intakePort = await freePort();
    intakeUrl = `http://127.0.0.1:${intakePort}/webhooks/hubspot`;
    apps.push(
      await startApp('webhook-intake', intakePort, {
        ...env,
        HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
        HUBSPOT_PORTALS: '[]', // no email poller
      }),
      await startApp('identity-resolution', await freePort(), {
        ...env,
        TENANTS: JSON.stringify(
          tenants.map((t) => ({
            portalId: t.portalId,
            heapAppId: t.appId,
            emailProperty: t.emailProperty,
            hubspotAccessToken: t.token,
          })),
        ),
        CONSUMER_GROUP: await group('e2e-contacts-identity-email', HUBSPOT_EMAIL_EVENTS.name),
        WEBHOOK_EVENTS_CONSUMER_GROUP: webhookGroup,
        USER_IDENTITIES_CONSUMER_GROUP: await group('e2e-contacts-identity-users', HEAP_USER_IDENTITIES.name),
      }),
      await startApp('property-sync', await freePort(), {
        ...env,
        HUBSPOT_PORTALS: JSON.stringify(tenants.map((t) => ({ portalId: t.portalId, accessToken: t.token }))),
        CONSUMER_GROUP: await group('e2e-contacts-property-sync', HUBSPOT_CONTACT_CHANGES.name),
        HUBSPOT_SERVER_ERROR_WAIT_MS: '100',
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await platform.close();
    await Promise.all([hubspot.stop(), heap.stop()]);
  });

  it('every fixture contact with an email becomes a Heap user with its mapped properties', async () => {
    const contacts = seed(main);
    const withEmail = contacts.filter((c) => emailOf(c) !== undefined);
    expect(contacts).toHaveLength(12);
    expect(withEmail).toHaveLength(10); // the two hull records carry no email property
    await deliver(main, creations(contacts));

    await eventually(() => withEmail.every((c) => userOf(main, emailOf(c)!) !== undefined), {
      timeoutMs: 90_000,
      message: 'a Heap user for every contact with an email',
    });
    for (const contact of withEmail) {
      expect({ id: contact.id, ...userView(userOf(main, emailOf(contact)!)) }).toEqual({
        id: contact.id,
        ...expectedUser(contact),
      });
    }
    expect(heap.users(main.appId)).toHaveLength(withEmail.length);
    // Spot checks of the rules against the raw fixture (contact 651, the merge survivor).
    const c651 = userOf(main, 'user12@example.com')!;
    expect(c651.properties['Additional email addresses']).toBe('user9@example.com');
    expect(c651.properties['Email hard bounce reason (hs_email_hard_bounce_reason_enum)']).toBeUndefined();
  }, 120_000);

  it('an email change writes the properties to the Heap user of the new email', async () => {
    const [before] = hubspot.contacts(main.portalId).filter((c) => c.id === '151');
    const newEmail = 'User8.Renamed@Example.com';
    const [changed] = hubspot.seedContacts(main.portalId, [
      { id: '151', properties: { ...before!.properties, email: newEmail, jobtitle: 'Renamed' } },
    ]);
    await deliver(main, [
      {
        subscriptionType: 'contact.propertyChange',
        objectId: 151,
        propertyName: 'email',
        propertyValue: newEmail,
      },
    ]);
    await eventually(() => userOf(main, 'user8.renamed@example.com') !== undefined, {
      timeoutMs: 60_000,
      message: 'the Heap user of the new email',
    });
    const user = userView(userOf(main, 'user8.renamed@example.com'));
    expect(user).toEqual(expectedUser(changed!));
    expect(user?.properties['Job Title']).toBe('Renamed');
  }, 90_000);

  it('a merge rewrites the survivor from HubSpot and leaves the merged-away contact alone', async () => {
    const merged = userView(userOf(main, 'user9@example.com')); // contact 201, merged into 651
    const [survivor] = hubspot.contacts(main.portalId).filter((c) => c.id === '651');
    const [after] = hubspot.seedContacts(main.portalId, [
      { id: '651', properties: { ...survivor!.properties, firstname: 'Merged', jobtitle: 'Survivor' } },
    ]);
    await deliver(main, [
      {
        subscriptionType: 'contact.merge',
        objectId: 651,
        primaryObjectId: 651,
        mergedObjectIds: [201],
        newObjectId: 651,
        numberOfPropertiesMoved: 2,
      },
    ]);
    await eventually(() => userOf(main, 'user12@example.com')?.properties['Job Title'] === 'Survivor', {
      timeoutMs: 60_000,
      message: 'the survivor rewritten',
    });
    expect(userView(userOf(main, 'user12@example.com'))).toEqual(expectedUser(after!));
    expect(userView(userOf(main, 'user9@example.com'))).toEqual(merged);
  }, 90_000);

  it('a late identity: the change waits until heap.user-identities.v1 maps the email, then reaches Heap', async () => {
    const contacts = seed(late);
    const [contact] = contacts.filter((c) => c.id === '2501'); // user7@example.com
    const changes = await collect(
      platform,
      HUBSPOT_CONTACT_CHANGES,
      uniqueName('e2e-contacts-late-changes'),
      await topicEnds(platform, HUBSPOT_CONTACT_CHANGES.name),
      (r) => r.value.portalId === late.portalId,
    );
    await deliver(late, creations([contact!]));
    // identity-resolution has consumed the delivery (its group committed past it) and holds it back.
    const ends: Offsets = await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name);
    await eventually(
      async () => reached(await committedOffsets(platform, webhookGroup, HUBSPOT_WEBHOOK_EVENTS.name), ends),
      {
        timeoutMs: 60_000,
        message: 'identity-resolution consumed the webhook',
      },
    );
    expect(heap.users(late.appId)).toEqual([]);

    const identity = uniqueName('heap-user');
    await produce(platform, HEAP_USER_IDENTITIES, [
      {
        appId: late.appId,
        identity,
        emailProperty: 'work_email',
        email: ' User7@Example.com ',
        observedAt: Date.now(),
        source: 'feed',
      },
    ]);
    await eventually(() => userOf(late, identity) !== undefined, {
      timeoutMs: 60_000,
      message: 'the waiting change released to Heap',
    });
    expect(userView(userOf(late, identity))).toEqual(expectedUser(contact!));
    expect(heap.users(late.appId)).toHaveLength(1);
    // The one change identity-resolution produced waited for the mapping: it carries the Heap identity. (One
    // key, one partition: a premature change would precede it there.)
    await eventually(() => changes.records.length >= 1, {
      timeoutMs: 30_000,
      message: 'the released change',
    });
    await changes.stop();
    expect(changes.records.map((r) => [r.value.contactId, r.value.change, r.value.identity])).toEqual([
      ['2501', 'created', identity],
    ]);
  }, 120_000);

  it('a burst of 429s from HubSpot and Heap delays the users but loses nothing', async () => {
    const contacts = seed(burst);
    const withEmail = contacts.filter((c) => emailOf(c) !== undefined);
    hubspot.failNext(4, { status: 429, path: '/crm/v3/objects/contacts/batch/read' });
    heap.failNext(4, { status: 429, path: '/api/add_user_properties' });
    const hubspotBefore = hubspot.requests().length;
    const heapBefore = heap.requests().length;
    // Email changes carry the email, so identity-resolution reads nothing from HubSpot: every batch read,
    // and so every HubSpot 429, is property-sync's (through the shared rate budget).
    await deliver(
      burst,
      withEmail.map((c) => ({
        subscriptionType: 'contact.propertyChange',
        objectId: Number(c.id),
        propertyName: 'email',
        propertyValue: c.properties['email'],
      })),
    );

    await eventually(() => withEmail.every((c) => userOf(burst, emailOf(c)!) !== undefined), {
      timeoutMs: 120_000,
      message: 'every user in Heap after the 429s',
    });
    for (const contact of withEmail) {
      expect(userView(userOf(burst, emailOf(contact)!))).toEqual(expectedUser(contact));
    }
    expect(heap.users(burst.appId)).toHaveLength(withEmail.length);
    const hubspot429 = hubspot
      .requests()
      .slice(hubspotBefore)
      .filter((r) => r.status === 429);
    const heap429 = heap
      .requests()
      .slice(heapBefore)
      .filter((r) => r.status === 429);
    expect(hubspot429).toHaveLength(4);
    expect(heap429).toHaveLength(4);
  }, 150_000);

  it('ops-cli import contacts backfills every contact through the same pipeline', async () => {
    const contacts = seed(backfill);
    const withEmail = contacts.filter((c) => emailOf(c) !== undefined);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        join('apps', 'ops-cli', 'src', 'main.ts'),
        'import',
        'contacts',
        '--portal',
        String(backfill.portalId),
        '--token',
        backfill.token,
      ],
      { cwd: join(__dirname, '..', '..'), env: { ...process.env, ...env }, timeout: 60_000 },
    );
    expect(stdout).toContain(`contacts: 12 read, ${withEmail.length} emitted, 2 without email`);

    await eventually(() => withEmail.every((c) => userOf(backfill, emailOf(c)!) !== undefined), {
      timeoutMs: 90_000,
      message: 'a Heap user for every backfilled contact',
    });
    for (const contact of withEmail) {
      expect(userView(userOf(backfill, emailOf(contact)!))).toEqual(expectedUser(contact));
    }
    expect(heap.users(backfill.appId)).toHaveLength(withEmail.length);
  }, 150_000);
});
