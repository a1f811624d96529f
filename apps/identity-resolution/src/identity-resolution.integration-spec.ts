import { randomInt } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { register } from 'prom-client';
import { parseWebhookBatch, toEmailEventRecord } from '@hubheap/hubspot';
import { DLQ_HEADERS, type KafkaPlatform } from '@hubheap/kafka';
import {
  deadLetterTopic,
  HEAP_TRACK_EVENTS,
  HEAP_USER_IDENTITIES,
  type HeapTrackEvent,
  HUBSPOT_CONTACT_CHANGES,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type HubSpotContactChange,
  type HubSpotEmailEvent,
  type TopicContract,
} from '@hubheap/schemas';
import { loadConfig, COMMON_CONFIG } from '@hubheap/service';
import {
  collect,
  committedOffsets,
  reached,
  eventually,
  HubSpotFake,
  loadEmailEventFixtures,
  MemoryLogger,
  positionGroup,
  produce,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import type { IdentityResolutionConfig } from './identity-resolution.config';
import { IdentityResolutionModule } from './identity-resolution.module';
import type { Tenant } from './tenants.config';

// Real Kafka, registry and Postgres (schema identity_resolution), the HubSpot fake for the CRM batch read.
// Every test has its own portalId, app_id and consumer groups, positioned at the current topic ends.
const WAIT = { timeoutMs: 45_000 };
const newPortalId = (): number => randomInt(100_000_000, 999_999_999);
const newAppId = (): string => String(randomInt(1_000_000_000, 9_999_999_999));
/** A contact id above 2^31 (HubSpot ids that large occur); strings end to end. */
const bigContactId = (): string => String(randomInt(3_000_000_000, 2 ** 47));
const counterValue = async (name: string, labels: Record<string, string>): Promise<number> => {
  const metric = await register.getSingleMetric(name)?.get();
  return (
    metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value ?? 0
  );
};

describe('identity-resolution: custom email property, pending records and contact lifecycle', () => {
  const logger = new MemoryLogger();
  const hubspot = new HubSpotFake();
  let platform: KafkaPlatform;
  let db: Client;
  const apps: INestApplicationContext[] = [];
  const stops: Array<() => Promise<void>> = [];

  const startResolver = async (tenants: Tenant[], config: Partial<IdentityResolutionConfig> = {}) => {
    const groups = {
      consumerGroup: config.consumerGroup ?? uniqueName('ir-it-email'),
      webhookEventsGroup: uniqueName('ir-it-webhooks'),
      userIdentitiesGroup: uniqueName('ir-it-identities'),
    };
    const inputs: Array<[string, string]> = [
      [groups.consumerGroup, HUBSPOT_EMAIL_EVENTS.name],
      [groups.webhookEventsGroup, HUBSPOT_WEBHOOK_EVENTS.name],
      [groups.userIdentitiesGroup, HEAP_USER_IDENTITIES.name],
    ];
    for (const [group, topic] of inputs)
      await positionGroup(platform, group, topic, await topicEnds(platform, topic));
    const module = IdentityResolutionModule.forRoot({
      defaultHeapAppId: undefined,
      includeFilteredEvents: false,
      hubspotBaseUrl: hubspot.baseUrl,
      pendingSweepIntervalMs: 0,
      ...config,
      tenants,
      ...groups,
    });
    const app = await NestFactory.createApplicationContext(module, { logger });
    apps.push(app);
    return Object.assign(app, { groups });
  };
  const reader = async <V>(
    contract: TopicContract<V>,
    keep: (v: V) => boolean,
    keepHeaders: (headers: Record<string, string>) => boolean = () => true,
  ) => {
    const collector = await collect<V>(
      platform,
      contract,
      uniqueName('reader'),
      await topicEnds(platform, contract.name),
      (r) => keep(r.value) && keepHeaders(r.headers),
    );
    stops.push(collector.stop);
    return collector.records;
  };
  /** Webhook events as webhook-intake writes them (parsed from a HubSpot body, ids as strings). */
  const webhooks = (portalId: number, events: Array<Record<string, unknown>>) => {
    let eventId = randomInt(1, 1_000_000_000);
    const body = events.map((e, i) => ({
      eventId: (eventId += 1),
      subscriptionId: 1,
      portalId,
      appId: 54321,
      occurredAt: 1_700_000_000_000 + i,
      attemptNumber: 0,
      changeSource: 'CRM_UI',
      ...e,
    }));
    // Ids as number literals in the raw body, as HubSpot sends them (exact above 2^53 too).
    const raw = JSON.stringify(body).replace(/"(objectId|primaryObjectId|newObjectId)":"(\d+)"/g, '"$1":$2');
    const parsed = parseWebhookBatch(raw, Date.now());
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.events;
  };
  const emailEvents = (portalId: number, recipient: string, count: number): HubSpotEmailEvent[] =>
    loadEmailEventFixtures()
      .filter((raw) => raw['filteredEvent'] !== true && raw['obsoletedBy'] === undefined)
      .slice(0, count)
      .map((raw) => toEmailEventRecord({ ...raw, portalId, recipient }, portalId, Date.now(), 'fixture'));
  const rows = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows;
  /** Rows of `pending_records` for a Heap app_id (deleted in the release transaction, after the send). */
  const waitingCount = async (appId: string): Promise<number> =>
    (
      await rows('SELECT count(*)::int AS n FROM identity_resolution.pending_records WHERE app_id = $1', [
        appId,
      ])
    )[0].n;

  beforeAll(async () => {
    platform = testPlatform('identity-resolution-lifecycle-it', logger);
    await platform.provision([
      HUBSPOT_EMAIL_EVENTS,
      HEAP_TRACK_EVENTS,
      HUBSPOT_WEBHOOK_EVENTS,
      HUBSPOT_CONTACT_CHANGES,
      HEAP_USER_IDENTITIES,
    ]);
    await hubspot.start();
    db = new Client({ connectionString: loadConfig(COMMON_CONFIG).databaseUrl });
    await db.connect();
  });
  afterEach(async () => {
    await Promise.all([
      ...apps.splice(0).map((app) => app.close()),
      ...stops.splice(0).map((stop) => stop()),
    ]);
  });
  afterAll(async () => {
    await db.end();
    await hubspot.stop();
    await platform.close();
  });

  it('holds email events until the Heap identity arrives, then releases them in their original order', async () => {
    const portalId = newPortalId();
    const appId = newAppId();
    const track = await reader<HeapTrackEvent>(HEAP_TRACK_EVENTS, (v) => v.appId === appId);
    await startResolver([{ portalId, heapAppId: appId, emailProperty: 'work_email' }]);
    const inputs = emailEvents(portalId, ' Late.Person@Example.com', 5);
    const enqueuedBefore = await counterValue('identity_resolution_pending_enqueued_total', {
      topic: HUBSPOT_EMAIL_EVENTS.name,
    });

    await produce(platform, HUBSPOT_EMAIL_EVENTS, inputs);
    const enqueued = async () =>
      (await counterValue('identity_resolution_pending_enqueued_total', {
        topic: HUBSPOT_EMAIL_EVENTS.name,
      })) - enqueuedBefore;
    await eventually(async () => (await waitingCount(appId)) === 5 && (await enqueued()) === 5, {
      ...WAIT,
      message: 'five records waiting',
    });
    expect(track).toEqual([]);

    await produce(platform, HEAP_USER_IDENTITIES, [
      {
        appId,
        identity: 'user-42',
        emailProperty: 'work_email',
        email: 'LATE.person@example.com ',
        observedAt: Date.now(),
        source: 'feed',
      },
    ]);
    await eventually(() => track.length === 5, { ...WAIT, message: 'five released track events' });
    expect(track.map((r) => r.value.sourceEventId)).toEqual(inputs.map((e) => e.id));
    expect(track.every((r) => r.value.identity === 'user-42' && r.key === `${appId}:user-42`)).toBe(true);
    await eventually(async () => (await waitingCount(appId)) === 0, { ...WAIT, message: 'no rows left' });

    // Later events of that email go straight through with the mapped identity.
    await produce(
      platform,
      HUBSPOT_EMAIL_EVENTS,
      emailEvents(portalId, 'late.person@example.com', 6).slice(5),
    );
    await eventually(() => track.length === 6, { ...WAIT, message: 'sixth event direct' });
    expect(track[5]!.value.identity).toBe('user-42');
  });

  it('follows a contact through creation (email read from HubSpot), an email change and a merge', async () => {
    const portalId = newPortalId();
    const appId = newAppId();
    const token = uniqueName('token');
    const [primary, other] = [bigContactId(), bigContactId()];
    hubspot.addAccessToken(token, portalId);
    hubspot.seedContacts(portalId, [
      { id: primary, properties: { email: 'First@Example.com' } },
      { id: other, properties: { email: 'dup@example.com' } },
    ]);
    const changes = await reader<HubSpotContactChange>(
      HUBSPOT_CONTACT_CHANGES,
      (v) => v.portalId === portalId,
    );
    await startResolver([{ portalId, heapAppId: appId, emailProperty: 'identity' }], {
      hubspotPortals: [{ portalId, accessToken: token }],
    });

    await produce(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      webhooks(portalId, [
        { subscriptionType: 'contact.creation', objectId: primary },
        { subscriptionType: 'contact.creation', objectId: other },
      ]),
    );
    // Contacts are keyed (and partitioned) by id: wait for both creations before merging them.
    await eventually(() => changes.length === 2, { ...WAIT, message: 'two created' });
    await produce(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      webhooks(portalId, [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: primary,
          propertyName: 'email',
          propertyValue: ' Second@Example.com',
        },
        {
          subscriptionType: 'contact.merge',
          objectId: primary,
          primaryObjectId: primary,
          mergedObjectIds: [Number(other)],
          newObjectId: primary,
        },
        { subscriptionType: 'deal.creation', objectId: 77 },
      ]),
    );
    await eventually(() => changes.length === 4, { ...WAIT, message: 'four contact changes' });

    const byContact = (id: string) =>
      changes
        .filter((r) => r.value.contactId === id)
        .map(({ value: { change, email, identity, previousEmail, mergedContactIds } }) => ({
          change,
          email,
          identity,
          previousEmail,
          mergedContactIds,
        }));
    expect(byContact(primary)).toEqual([
      {
        change: 'created',
        email: 'first@example.com',
        identity: 'first@example.com',
        previousEmail: null,
        mergedContactIds: [],
      },
      {
        change: 'email-changed',
        email: 'second@example.com',
        identity: 'second@example.com',
        previousEmail: 'first@example.com',
        mergedContactIds: [],
      },
      {
        change: 'merged',
        email: 'second@example.com',
        identity: 'second@example.com',
        previousEmail: null,
        mergedContactIds: [other],
      },
    ]);
    expect(changes.every((r) => r.key === `${portalId}:${r.value.contactId}`)).toBe(true);
    const batchReads = hubspot.requests().filter((r) => r.path === '/crm/v3/objects/contacts/batch/read');
    expect(batchReads.length).toBeGreaterThan(0);
    // Changes are produced before the contact rows are written (a crash repeats, never loses, a change).
    const contactRows = () =>
      rows(
        'SELECT contact_id, email_normalized, merged_into, deleted_at IS NOT NULL AS deleted FROM identity_resolution.hubspot_contacts WHERE portal_id = $1 ORDER BY contact_id = $2 DESC',
        [portalId, primary],
      );
    const expectedRows = [
      { contact_id: primary, email_normalized: 'second@example.com', merged_into: null, deleted: false },
      { contact_id: other, email_normalized: 'dup@example.com', merged_into: primary, deleted: true },
    ];
    await eventually(async () => JSON.stringify(await contactRows()) === JSON.stringify(expectedRows), {
      ...WAIT,
      message: 'contact rows after the merge',
    }).catch(async (error: unknown) => {
      expect(await contactRows()).toEqual(expectedRows);
      throw error;
    });
  });

  it('privacy deletion removes the person from the identity map and emits privacy-deleted with identity and email', async () => {
    const portalId = newPortalId();
    const appId = newAppId();
    const contactId = bigContactId();
    const changes = await reader<HubSpotContactChange>(
      HUBSPOT_CONTACT_CHANGES,
      (v) => v.portalId === portalId,
    );
    const resolver = await startResolver([{ portalId, heapAppId: appId, emailProperty: 'work_email' }]);
    await produce(platform, HEAP_USER_IDENTITIES, [
      {
        appId,
        identity: 'user-7',
        emailProperty: 'work_email',
        email: 'gone@example.com',
        observedAt: Date.now(),
        source: 'import',
      },
    ]);
    await eventually(
      async () =>
        (await rows('SELECT 1 FROM identity_resolution.heap_identities WHERE app_id = $1', [appId]))
          .length === 1,
      { ...WAIT, message: 'identity mapped' },
    );

    await produce(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      webhooks(portalId, [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: contactId,
          propertyName: 'email',
          propertyValue: 'Gone@example.com',
        },
        { subscriptionType: 'contact.privacyDeletion', objectId: contactId, changeSource: 'GDPR' },
      ]),
    );
    await eventually(() => changes.length === 2, { ...WAIT, message: 'two contact changes' });
    expect(changes.map((r) => [r.value.change, r.value.identity, r.value.email])).toEqual([
      ['email-changed', 'user-7', 'gone@example.com'],
      ['privacy-deleted', 'user-7', 'gone@example.com'],
    ]);
    await eventually(
      async () =>
        (await rows('SELECT 1 FROM identity_resolution.heap_identities WHERE app_id = $1', [appId]))
          .length === 0 &&
        JSON.stringify(
          await rows(
            'SELECT contact_id, email_normalized, identity, privacy_deleted_at IS NOT NULL AS tombstone FROM identity_resolution.hubspot_contacts WHERE portal_id = $1',
            [portalId],
          ),
        ) ===
          JSON.stringify([
            { contact_id: contactId, email_normalized: null, identity: null, tombstone: true },
          ]),
      { ...WAIT, message: 'identity map rows removed; only a tombstone (no email, no identity) stays' },
    );

    // HubSpot retries webhooks for days: a late email change of the deleted contact, in a later batch,
    // brings nothing back (waits until the group committed past it, on whichever partition it is).
    const lateEnd = await produce(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      webhooks(portalId, [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: contactId,
          propertyName: 'email',
          propertyValue: 'gone@example.com',
        },
      ]),
    );
    await eventually(
      async () =>
        reached(
          await committedOffsets(platform, resolver.groups.webhookEventsGroup, HUBSPOT_WEBHOOK_EVENTS.name),
          lateEnd,
        ),
      { ...WAIT, message: 'the late webhook was consumed' },
    );
    expect(changes.filter((r) => r.value.contactId === contactId).map((r) => r.value.change)).toEqual([
      'email-changed',
      'privacy-deleted',
    ]);
    const [tombstone] = await rows(
      'SELECT email_normalized FROM identity_resolution.hubspot_contacts WHERE portal_id = $1 AND contact_id = $2',
      [portalId, contactId],
    );
    expect(tombstone).toEqual({ email_normalized: null });
  });

  it('dead-letters records that waited longer than PENDING_MAX_AGE_MS, with the reason, and counts them', async () => {
    const portalId = newPortalId();
    const appId = newAppId();
    // Only this test's resolver: other apps' consumers of the shared topic dead-letter its portal too.
    const sweptBy = uniqueName('ir-it-email');
    const dlq = await reader<HubSpotEmailEvent>(
      { ...HUBSPOT_EMAIL_EVENTS, name: deadLetterTopic(HUBSPOT_EMAIL_EVENTS.name) },
      (v) => v.portalId === portalId,
      (headers) => headers[DLQ_HEADERS.consumerGroup] === sweptBy,
    );
    const expiredBefore = await counterValue('identity_resolution_pending_expired_total', {
      topic: HUBSPOT_EMAIL_EVENTS.name,
    });
    await startResolver([{ portalId, heapAppId: appId, emailProperty: 'work_email' }], {
      consumerGroup: sweptBy,
      pendingMaxAgeMs: 1_000,
      pendingSweepIntervalMs: 250,
    });
    const inputs = emailEvents(portalId, 'Nobody@Example.com', 2);

    await produce(platform, HUBSPOT_EMAIL_EVENTS, inputs);
    await eventually(() => dlq.length === 2, { ...WAIT, message: 'two expired dead letters' });
    expect(dlq.map((r) => r.value.id)).toEqual(inputs.map((e) => e.id));
    for (const record of dlq) {
      expect(record.headers).toMatchObject({
        [DLQ_HEADERS.reason]: 'no Heap identity for nobody@example.com after 1000 ms',
        [DLQ_HEADERS.originTopic]: HUBSPOT_EMAIL_EVENTS.name,
        [DLQ_HEADERS.errorClass]: 'rejected',
      });
      expect(record.key).toBe(`${portalId}:nobody@example.com`);
    }
    const expired = async () =>
      (await counterValue('identity_resolution_pending_expired_total', {
        topic: HUBSPOT_EMAIL_EVENTS.name,
      })) - expiredBefore;
    // The sweeper takes every expired row of the schema: leftovers of earlier runs may count too.
    await eventually(async () => (await expired()) >= 2, { ...WAIT, message: 'expired counter +2' });
    await eventually(async () => (await waitingCount(appId)) === 0, { ...WAIT, message: 'no rows left' });
  });
});
