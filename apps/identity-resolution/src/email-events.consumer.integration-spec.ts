import { randomInt } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { register } from 'prom-client';
import { toEmailEventRecord } from '@hubheap/hubspot';
import { DLQ_HEADERS, type KafkaPlatform } from '@hubheap/kafka';
import {
  deadLetterTopic,
  HEAP_TRACK_EVENTS,
  HEAP_USER_IDENTITIES,
  type HeapTrackEvent,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type HubSpotEmailEvent,
  type TopicContract,
} from '@hubheap/schemas';
import {
  eventually,
  loadEmailEventFixtures,
  MemoryLogger,
  testPlatform,
  uniqueName,
  collect,
  committedOffsets,
  type Offsets,
  positionGroup,
  produce,
  reached,
  topicEnds,
} from '@hubheap/testing';
import type { IdentityResolutionConfig } from './identity-resolution.config';
import { IdentityResolutionModule } from './identity-resolution.module';

// Real broker and registry; the catalogue's topics (shared with other runs), so every test uses its own
// portalId and app_id, and groups positioned at the topic ends taken before it produces.
const IN = HUBSPOT_EMAIL_EVENTS.name;
const EMAIL_DLQ = { ...HUBSPOT_EMAIL_EVENTS, name: deadLetterTopic(IN) };
const WAIT = { timeoutMs: 30_000 };
/** The twelve Heap event names of issue #2, written out here rather than imported from the mapper. */
const HEAP_NAMES: Record<string, string> = {
  SENT: 'Sent Email',
  PROCESSED: 'Processed Email',
  DELIVERED: 'Delivered Email',
  DEFERRED: 'Deferred Email',
  BOUNCE: 'Bounced Email',
  DROPPED: 'Dropped Email',
  OPEN: 'Opened Email',
  CLICK: 'Clicked Email Link',
  FORWARD: 'Forwarded Email',
  PRINT: 'Printed Email',
  SPAMREPORT: 'Marked as Spam',
  STATUSCHANGE: 'Changed Email Subscription',
};
const newPortalId = (): number => randomInt(100_000_000, 999_999_999);
const newAppId = (): string => String(randomInt(1_000_000_000, 9_999_999_999));
const skippedFiltered = async (): Promise<number> => {
  const metric = await register.getSingleMetric('identity_resolution_email_events_skipped_total')?.get();
  return metric?.values.find((v) => v.labels['reason'] === 'filtered')?.value ?? 0;
};

describe('identity-resolution: hubspot.email-events.v1 → heap.track-events.v1', () => {
  const logger = new MemoryLogger();
  let platform: KafkaPlatform;
  const apps: INestApplicationContext[] = [];
  const stops: Array<() => Promise<void>> = [];

  /** Boots the real IdentityResolutionModule with `config`, its group positioned at the input's end. */
  const startResolver = async (config: Partial<IdentityResolutionConfig>) => {
    const groupId = uniqueName('identity-resolution-it');
    const webhookEventsGroup = uniqueName('identity-resolution-it-webhooks');
    const userIdentitiesGroup = uniqueName('identity-resolution-it-identities');
    await positionGroup(platform, groupId, IN, await topicEnds(platform, IN));
    await positionGroup(
      platform,
      webhookEventsGroup,
      HUBSPOT_WEBHOOK_EVENTS.name,
      await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name),
    );
    await positionGroup(
      platform,
      userIdentitiesGroup,
      HEAP_USER_IDENTITIES.name,
      await topicEnds(platform, HEAP_USER_IDENTITIES.name),
    );
    const module = IdentityResolutionModule.forRoot({
      defaultHeapAppId: undefined,
      includeFilteredEvents: false,
      ...config,
      consumerGroup: groupId,
      webhookEventsGroup,
      userIdentitiesGroup,
    });
    apps.push(await NestFactory.createApplicationContext(module, { logger }));
    return groupId;
  };
  const waitCommitted = (groupId: string, topic: string, target: Offsets) =>
    eventually(async () => reached(await committedOffsets(platform, groupId, topic), target), {
      ...WAIT,
      message: `${groupId} committed`,
    });
  /** Starts a reader of `contract` at its current end; stopped after the test. */
  const reader = async <V>(contract: TopicContract<V>, keep: (v: V) => boolean) => {
    const groupId = uniqueName('reader');
    const collector = await collect<V>(
      platform,
      contract,
      groupId,
      await topicEnds(platform, contract.name),
      (r) => keep(r.value),
    );
    stops.push(collector.stop);
    return { groupId, records: collector.records };
  };

  beforeAll(async () => {
    platform = testPlatform('identity-resolution-it', logger);
    await platform.provision([
      HUBSPOT_EMAIL_EVENTS,
      HEAP_TRACK_EVENTS,
      HUBSPOT_WEBHOOK_EVENTS,
      HEAP_USER_IDENTITIES,
    ]);
  });
  afterEach(async () => {
    await Promise.all([
      ...apps.splice(0).map((app) => app.close()),
      ...stops.splice(0).map((stop) => stop()),
    ]);
  });
  afterAll(async () => {
    await platform.close();
  });

  it('turns the 52 fixture email events of a portal into exactly the expected Heap track events', async () => {
    const portalId = newPortalId();
    const heapAppId = newAppId();
    const raws = loadEmailEventFixtures();
    const inputs = raws.map((raw) =>
      toEmailEventRecord({ ...raw, portalId }, portalId, Date.now(), 'fixture'),
    );
    const output = await reader<HeapTrackEvent>(HEAP_TRACK_EVENTS, (v) => v.portalId === portalId);
    const dlq = await reader<HubSpotEmailEvent>(EMAIL_DLQ, (v) => v.portalId === portalId);
    const filteredBefore = await skippedFiltered();
    const groupId = await startResolver({ tenants: [{ portalId, heapAppId, emailProperty: 'identity' }] });

    const inEnd = await produce(platform, HUBSPOT_EMAIL_EVENTS, inputs);
    await waitCommitted(groupId, IN, inEnd);
    await waitCommitted(
      output.groupId,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );

    // Expected from the raw fixtures: bot/prefetch opens (filteredEvent true) are skipped by default.
    const kept = raws.filter((raw) => raw['filteredEvent'] !== true);
    expect(kept).toHaveLength(41);
    const expected = kept.map((raw) => ({
      appId: heapAppId,
      portalId,
      identity: String(raw['recipient']).trim().toLowerCase(),
      event: HEAP_NAMES[String(raw['type'])],
      timestamp: new Date(Number(raw['created'])).toISOString(),
      idempotencyKey: `hs:${portalId}:${String(raw['created'])}:${String(raw['id'])}`,
      sourceEventId: raw['id'],
    }));
    const actual = output.records.map(({ value: { properties: _p, ...rest } }) => rest);
    const byKey = (a: { idempotencyKey: string }, b: { idempotencyKey: string }) =>
      a.idempotencyKey.localeCompare(b.idempotencyKey);
    expect([...actual].sort(byKey)).toEqual([...expected].sort(byKey));
    expect(output.records.every((r) => r.key === `${heapAppId}:${r.value.identity}`)).toBe(true);
    expect(
      output.records.every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.value.timestamp)),
    ).toBe(true);
    // One person's events keep their input order (same key → same partition on both topics).
    for (const identity of new Set(expected.map((e) => e.identity))) {
      const order = (list: Array<{ identity: string; sourceEventId: unknown }>) =>
        list.filter((e) => e.identity === identity).map((e) => e.sourceEventId);
      expect(order(actual)).toEqual(order(expected));
    }
    expect(output.records.find((r) => r.value.sourceEventId === raws[2]!['id'])).toBeUndefined(); // a filtered OPEN
    expect(output.records[0]!.value.properties).toMatchObject({ hubspot_portal_id: portalId });
    expect((await skippedFiltered()) - filteredBefore).toBe(11);
    expect(dlq.records).toEqual([]);
  });

  it('dead-letters the email events of a portal no tenant claims, with the reason and origin headers', async () => {
    const portalId = newPortalId();
    const raws = loadEmailEventFixtures().slice(0, 3);
    const dlq = await reader<HubSpotEmailEvent>(EMAIL_DLQ, (v) => v.portalId === portalId);
    const groupId = await startResolver({
      tenants: [{ portalId: portalId + 1, heapAppId: newAppId(), emailProperty: 'identity' }],
    });

    await produce(
      platform,
      HUBSPOT_EMAIL_EVENTS,
      raws.map((raw) => toEmailEventRecord({ ...raw, portalId }, portalId, Date.now(), 'fixture')),
    );
    await eventually(() => dlq.records.length === 3, { ...WAIT, message: 'three dead letters' });

    expect(dlq.records.map((r) => r.value.id).sort()).toEqual(raws.map((raw) => String(raw['id'])).sort());
    for (const record of dlq.records) {
      expect(record.headers).toMatchObject({
        [DLQ_HEADERS.reason]: `no tenant for portal ${portalId}`,
        [DLQ_HEADERS.originTopic]: IN,
        [DLQ_HEADERS.consumerGroup]: groupId,
        [DLQ_HEADERS.errorClass]: 'rejected',
      });
    }
  });

  it('routes an unlisted portal to DEFAULT_HEAP_APP_ID', async () => {
    const portalId = newPortalId();
    const defaultHeapAppId = newAppId();
    const output = await reader<HeapTrackEvent>(HEAP_TRACK_EVENTS, (v) => v.portalId === portalId);
    await startResolver({ tenants: [], defaultHeapAppId });

    const [delivered] = loadEmailEventFixtures().filter((raw) => raw['type'] === 'DELIVERED');
    await produce(platform, HUBSPOT_EMAIL_EVENTS, [
      toEmailEventRecord({ ...delivered, portalId }, portalId, Date.now(), 'fixture'),
    ]);
    await eventually(() => output.records.length === 1, { ...WAIT, message: 'one track event' });
    expect(output.records[0]!.value).toMatchObject({
      appId: defaultHeapAppId,
      portalId,
      event: 'Delivered Email',
    });
  });
});
