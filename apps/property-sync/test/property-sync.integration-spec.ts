import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DLQ_HEADERS, type KafkaPlatform } from '@hubheap/kafka';
import { deadLetterTopic, HUBSPOT_CONTACT_CHANGES, type HubSpotContactChange } from '@hubheap/schemas';
import {
  collect,
  committedOffsets,
  eventually,
  fixturesDir,
  HeapFake,
  HubSpotFake,
  MemoryLogger,
  positionGroup,
  produce,
  reached,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import { DeletionRepository } from '../src/database/deletion.repository';
import { PropertySyncModule } from '../src/property-sync.module';

// Real Kafka, registry and Postgres; HubSpot and Heap fakes. Each run uses its own portalId, Heap
// app_id and consumer group, positioned at the topic end before producing (the topic is shared).
const TOPIC = HUBSPOT_CONTACT_CHANGES.name;
const DLQ = { ...HUBSPOT_CONTACT_CHANGES, name: deadLetterTopic(TOPIC) };
const WAIT = { timeoutMs: 60_000 };
const TOKEN = `pat-property-sync-${Math.random().toString(36).slice(2)}`;
const PRIVACY_KEY = 'privacy-key-it';

type Json = Record<string, unknown>;
const fixtureProperties = (): Json[] =>
  (JSON.parse(readFileSync(join(fixturesDir(), 'contact-properties.json'), 'utf8')) as { results: Json[] })
    .results;
/**
 * The CRM v3 contacts of contacts.jsonl (its legacy v1 `vid` lines left out), every value as HubSpot
 * sends it on the wire: a string or null (§3.5).
 */
const fixtureContacts = (): Array<{ id: string; properties: Record<string, string | null> }> =>
  readFileSync(join(fixturesDir(), 'contacts.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { id?: string; properties: Record<string, unknown> })
    .filter((c): c is { id: string; properties: Record<string, unknown> } => typeof c.id === 'string')
    .map((c) => ({
      id: c.id,
      properties: Object.fromEntries(
        Object.entries(c.properties).map(([k, v]) => [k, v === null ? null : String(v)]),
      ),
    }));

describe('property-sync: contact changes → HubSpot batch read → Heap user properties', () => {
  const portalId = 300_000_000 + Math.floor(Math.random() * 600_000_000);
  const appId = String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));
  const hubspot = new HubSpotFake();
  const heap = new HeapFake({
    appIds: [appId],
    privacyApiKeys: { [appId]: PRIVACY_KEY },
    deletionCompleteAfterMs: 500,
  });
  const contacts = fixtureContacts();
  const logger = new MemoryLogger();
  let platform: KafkaPlatform;
  let app: INestApplicationContext;
  const groupId = uniqueName('property-sync-it');
  let sequence = 0;

  const change = (contactId: string, over: Partial<HubSpotContactChange> = {}): HubSpotContactChange => {
    sequence += 1;
    return {
      portalId,
      contactId,
      appId,
      identity: `contact-${contactId}@example.com`,
      email: null,
      previousEmail: null,
      change: 'property-changed',
      changedProperties: [],
      mergedContactIds: [],
      occurredAt: Date.now() + sequence,
      sourceEventId: `${groupId}-${sequence}`,
      ...over,
    };
  };
  const produceAndWait = async (values: HubSpotContactChange[]): Promise<void> => {
    const end = await produce(platform, HUBSPOT_CONTACT_CHANGES, values);
    await eventually(async () => reached(await committedOffsets(platform, groupId, TOPIC), end), {
      ...WAIT,
      message: `${groupId} committed`,
    });
  };
  const heapUser = (identity: string) => heap.users(appId).find((u) => u.identity === identity);
  const batchReads = () => hubspot.requests().filter((r) => r.path === '/crm/v3/objects/contacts/batch/read');

  beforeAll(async () => {
    await hubspot.start();
    await heap.start();
    hubspot.addAccessToken(TOKEN, portalId);
    hubspot.seedContactProperties(portalId, fixtureProperties());
    hubspot.seedContacts(portalId, contacts);
    platform = testPlatform('property-sync-it', logger);
    await positionGroup(platform, groupId, TOPIC, await topicEnds(platform, TOPIC));
    app = await NestFactory.createApplicationContext(
      PropertySyncModule.forRoot({
        config: {
          consumerGroup: groupId,
          hubspotBaseUrl: hubspot.baseUrl,
          hubspotPortals: [{ portalId, accessToken: TOKEN }],
          hubspotRateWindowMs: 300,
          hubspotServerErrorWaitMs: 20,
          hubspotRetryAttempts: 3,
          propertyCacheMinRefreshMs: 1,
          heapBaseUrl: heap.baseUrl,
          heapPrivacyBaseUrl: heap.baseUrl,
          heapPrivacyKeys: [{ appId, apiKey: PRIVACY_KEY }],
          heapTimeoutMs: 5_000,
          deletionStatusPollMs: 200,
        },
      }),
      { logger: false },
    );
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
    await hubspot.stop();
    await heap.stop();
  });

  it('writes every fixture contact to Heap, mapped by type, one batch read per ≤ 100 coalesced contacts', async () => {
    const values = contacts.flatMap((c) => [
      change(c.id, { changedProperties: ['firstname'] }),
      change(c.id),
    ]);
    await produceAndWait(values);
    expect(heap.users(appId)).toHaveLength(contacts.length);
    const jane = heapUser('contact-201@example.com');
    expect(jane).toMatchObject({
      email: 'user9@example.com',
      properties: expect.objectContaining({
        'First Name': 'test',
        'Lifecycle Stage': 'subscriber',
        'Create Date': '2021-01-14T14:26:17.014Z',
        'Number of Pageviews': 0,
        'Phone Number': '555-122-2323',
      }),
    });
    expect(Object.keys(jane!.properties)).not.toContain('Fax Number');
    // Two changes per contact: each partition's batch reads its contacts once, with every property.
    const reads = batchReads();
    const idsRead = reads.flatMap((r) =>
      (r.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id),
    );
    expect(idsRead.sort()).toEqual(contacts.map((c) => c.id).sort());
    expect((reads[0]!.body as { properties: string[] }).properties).toHaveLength(fixtureProperties().length);
  });

  it('an unknown property name refreshes the definitions before the read', async () => {
    const definitionsBefore = hubspot
      .requests()
      .filter((r) => r.path === '/crm/v3/properties/contacts').length;
    hubspot.seedContactProperties(portalId, [
      ...fixtureProperties(),
      {
        name: 'favorite_color',
        label: 'Favorite color',
        type: 'enumeration',
        fieldType: 'checkbox',
        options: [],
      },
    ]);
    const contact = contacts[0]!;
    hubspot.seedContacts(portalId, [
      { id: contact.id, properties: { ...contact.properties, favorite_color: 'red;blue' } },
    ]);
    await produceAndWait([change(contact.id, { changedProperties: ['favorite_color'] })]);
    expect(hubspot.requests().filter((r) => r.path === '/crm/v3/properties/contacts').length).toBe(
      definitionsBefore + 1,
    );
    expect(heapUser(`contact-${contact.id}@example.com`)?.properties['Favorite color']).toBe('red||blue');
  });

  it('a burst of HubSpot 429s delays the batch but loses nothing', async () => {
    const identity = (id: string) => `burst-${id}@example.com`;
    const before = batchReads().length;
    hubspot.failNext(5, { status: 429, path: '/crm/v3/objects/contacts/batch/read' });
    await produceAndWait(contacts.slice(0, 6).map((c) => change(c.id, { identity: identity(c.id) })));
    const statuses = batchReads()
      .slice(before)
      .map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(statuses[statuses.length - 1]).toBe(200);
    for (const c of contacts.slice(0, 6)) expect(heapUser(identity(c.id))).toBeDefined();
  });

  it('dead-letters a change without identity, and the one user Heap refuses, writing the others', async () => {
    const dlqStart = await topicEnds(platform, DLQ.name);
    const longIdentity = `${'x'.repeat(300)}@example.com`;
    const values = [
      change(contacts[1]!.id, { identity: null }),
      change(contacts[2]!.id, { identity: longIdentity }),
      change(contacts[3]!.id, { identity: 'kept@example.com' }),
    ];
    const dlq = await collect<HubSpotContactChange>(
      platform,
      DLQ,
      uniqueName('property-sync-dlq'),
      dlqStart,
      (r) => r.value.portalId === portalId,
    );
    await produceAndWait(values);
    await eventually(() => dlq.records.length === 2, { ...WAIT, message: 'two dead letters' });
    await dlq.stop();
    const reasons = Object.fromEntries(
      dlq.records.map((r) => [r.value.contactId, r.headers[DLQ_HEADERS.reason] ?? '']),
    );
    expect(reasons[contacts[1]!.id]).toMatch(/identity is null/);
    expect(reasons[contacts[2]!.id]).toMatch(/identity/);
    expect(heapUser('kept@example.com')).toBeDefined();
    expect(heapUser(longIdentity)).toBeUndefined();
  });

  it('a privacy deletion deletes the Heap user and records the request id, then its completion', async () => {
    const contact = contacts[4]!;
    const identity = `contact-${contact.id}@example.com`;
    expect(heapUser(identity)).toBeDefined();
    const deletion = change(contact.id, { change: 'privacy-deleted' });
    await produceAndWait([deletion]);
    const repository = app.get(DeletionRepository);
    const [row] = await repository.forContact(portalId, contact.id);
    const [request] = heap.deletionRequests().filter((r) => r.appId === appId);
    expect(row).toMatchObject({
      appId,
      identity,
      sourceEventId: deletion.sourceEventId,
      deletionRequestId: request!.deletionRequestId,
    });
    expect(request!.users).toEqual([{ identity }]);
    expect(heapUser(identity)).toBeUndefined();
    await eventually(
      async () => (await repository.forContact(portalId, contact.id))[0]?.status === 'complete',
      {
        ...WAIT,
        message: 'deletion status complete',
      },
    );
  });
});
