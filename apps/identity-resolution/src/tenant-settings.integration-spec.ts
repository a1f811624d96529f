import { randomInt } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { register } from 'prom-client';
import type { KafkaPlatform } from '@hubheap/kafka';
import {
  deadLetterTopic,
  HEAP_TRACK_EVENTS,
  HEAP_USER_IDENTITIES,
  type HeapTrackEvent,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type HubSpotEmailEvent,
  INTEGRATION_SETTINGS,
  type IntegrationSettings,
  type TopicContract,
} from '@hubheap/schemas';
import { COMMON_CONFIG, loadConfig, TenantSettings } from '@hubheap/service';
import {
  collect,
  committedOffsets,
  eventually,
  MemoryLogger,
  type Offsets,
  positionGroup,
  produce,
  reached,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import { IdentityResolutionModule } from './identity-resolution.module';

// SETTINGS_SOURCE=topic against real Kafka, registry and Postgres: every test has its own portalId,
// app_id and consumer groups (positioned at the current topic ends); settings are produced to the shared
// compacted integration.settings.v1 under the test's portalId, as control-api writes them.
const IN = HUBSPOT_EMAIL_EVENTS.name;
const WAIT = { timeoutMs: 30_000 };
const newPortalId = (): number => randomInt(100_000_000, 999_999_999);
const newAppId = (): string => String(randomInt(1_000_000_000, 9_999_999_999));
const CREATED = 1_700_000_000_000;

const settingsOf = (portalId: number, heapAppId: string, overrides: Partial<IntegrationSettings>) => ({
  portalId,
  tenantId: `t-${portalId}`,
  heapAppId,
  state: 'active',
  sourceEnabled: true,
  emailProperty: 'identity',
  heapMatchProperty: 'email',
  hubspotMatchProperty: 'email',
  segments: [],
  version: 1,
  updatedAt: Date.now(),
  ...overrides,
});

/** A DELIVERED email event as webhook-intake's poller writes it (event id `ev-<n>`, created + n ms). */
const emailEvent = (portalId: number, n: number, recipient: string): HubSpotEmailEvent => ({
  portalId,
  id: `ev-${portalId}-${n}`,
  created: CREATED + n,
  type: 'DELIVERED',
  recipient,
  appId: 20053,
  appName: 'Batch',
  emailCampaignId: 2,
  filteredEvent: false,
  obsoletedById: null,
  source: 'test',
  polledAt: CREATED + 60_000,
  rawJson: JSON.stringify({ id: `ev-${portalId}-${n}`, type: 'DELIVERED' }),
});

const skipped = async (reason: string): Promise<number> => {
  const metric = await register.getSingleMetric('identity_resolution_email_events_skipped_total')?.get();
  return metric?.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
};

describe('identity-resolution: tenant settings from integration.settings.v1 (SETTINGS_SOURCE=topic)', () => {
  const logger = new MemoryLogger();
  let platform: KafkaPlatform;
  let db: Client;
  const apps: INestApplicationContext[] = [];
  const stops: Array<() => Promise<void>> = [];

  /** Boots the real module with SETTINGS_SOURCE=topic, its groups positioned at the inputs' ends. */
  const startResolver = async () => {
    const groups = {
      consumerGroup: uniqueName('ir-settings-email'),
      webhookEventsGroup: uniqueName('ir-settings-webhooks'),
      userIdentitiesGroup: uniqueName('ir-settings-identities'),
    };
    for (const [group, topic] of [
      [groups.consumerGroup, IN],
      [groups.webhookEventsGroup, HUBSPOT_WEBHOOK_EVENTS.name],
      [groups.userIdentitiesGroup, HEAP_USER_IDENTITIES.name],
    ] as const)
      await positionGroup(platform, group, topic, await topicEnds(platform, topic));
    const module = IdentityResolutionModule.forRoot({
      settingsSource: 'topic',
      tenants: [],
      defaultHeapAppId: undefined,
      includeFilteredEvents: false,
      pendingSweepIntervalMs: 0,
      ...groups,
    });
    const app = await NestFactory.createApplicationContext(module, { logger });
    apps.push(app);
    return { app, groupId: groups.consumerGroup };
  };
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
  const waitCommitted = (groupId: string, topic: string, target: Offsets) =>
    eventually(async () => reached(await committedOffsets(platform, groupId, topic), target), {
      ...WAIT,
      message: `${groupId} committed ${topic}`,
    });
  const publishSettings = (settings: ReturnType<typeof settingsOf>) =>
    produce(platform, INTEGRATION_SETTINGS, [settings as IntegrationSettings]);
  /** Waits until the app's TenantSettings hold `version` of the portal's settings. */
  const seen = (app: INestApplicationContext, portalId: number, version: number) =>
    eventually(() => app.get(TenantSettings).get(portalId)?.version === version, {
      ...WAIT,
      message: `settings v${version} of portal ${portalId} seen`,
    });
  const pendingRows = async (portalId: number) =>
    (
      await db.query<{ reason: string; offset: string }>(
        `SELECT "reason", "offset" FROM "identity_resolution"."pending_records" WHERE "portal_id" = $1 ORDER BY "offset"`,
        [portalId],
      )
    ).rows;

  beforeAll(async () => {
    platform = testPlatform('identity-resolution-settings-it', logger);
    await platform.provision([
      HUBSPOT_EMAIL_EVENTS,
      HEAP_TRACK_EVENTS,
      HUBSPOT_WEBHOOK_EVENTS,
      HEAP_USER_IDENTITIES,
      INTEGRATION_SETTINGS,
    ] as ReadonlyArray<TopicContract<unknown>>);
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
    await platform.close();
  });

  it('source off: email events are parked (none on heap.track-events.v1); source on: released in original order, exactly once', async () => {
    const portalId = newPortalId();
    const heapAppId = newAppId();
    // Published before the app starts: a late-starting module sees the current settings.
    await publishSettings(settingsOf(portalId, heapAppId, { sourceEnabled: false, version: 1 }));
    const output = await reader<HeapTrackEvent>(HEAP_TRACK_EVENTS, (v) => v.portalId === portalId);
    const { app, groupId } = await startResolver();
    expect(app.get(TenantSettings).get(portalId)).toMatchObject({
      heapAppId,
      sourceEnabled: false,
      version: 1,
    });

    const recipient = `person-${portalId}@example.com`;
    const events = [1, 2, 3, 4, 5].map((n) => emailEvent(portalId, n, recipient));
    await waitCommitted(groupId, IN, await produce(platform, HUBSPOT_EMAIL_EVENTS, events));
    // Offsets committed past every event, yet nothing produced: all five wait as source-paused.
    expect((await pendingRows(portalId)).map((r) => r.reason)).toEqual(Array(5).fill('source-paused'));
    await waitCommitted(
      output.groupId,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );
    expect(output.records).toHaveLength(0);

    await publishSettings(settingsOf(portalId, heapAppId, { sourceEnabled: true, version: 2 }));
    await eventually(async () => (await pendingRows(portalId)).length === 0, {
      ...WAIT,
      message: 'parked records released',
    });
    // A later event goes straight through after the released ones (same key → same partition, so the
    // output order is the processing order); once it is read, every released record was read too.
    await waitCommitted(
      groupId,
      IN,
      await produce(platform, HUBSPOT_EMAIL_EVENTS, [emailEvent(portalId, 6, recipient)]),
    );
    await eventually(() => output.records.some((r) => r.value.sourceEventId === `ev-${portalId}-6`), {
      ...WAIT,
      message: 'the event after the resume arrived',
    });
    await waitCommitted(
      output.groupId,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );
    expect(output.records.map((r) => r.value.sourceEventId)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `ev-${portalId}-${n}`),
    );
    expect(output.records.every((r) => r.value.appId === heapAppId && r.value.identity === recipient)).toBe(
      true,
    );
  });

  it('disconnect: parked records are dropped, later records skipped and counted (disconnected), never dead-lettered', async () => {
    const portalId = newPortalId();
    const heapAppId = newAppId();
    await publishSettings(settingsOf(portalId, heapAppId, { sourceEnabled: false, version: 1 }));
    const output = await reader<HeapTrackEvent>(HEAP_TRACK_EVENTS, (v) => v.portalId === portalId);
    const dlq = await reader<HubSpotEmailEvent>(
      { ...HUBSPOT_EMAIL_EVENTS, name: deadLetterTopic(IN) },
      (v) => v.portalId === portalId,
    );
    const { app, groupId } = await startResolver();
    const recipient = `gone-${portalId}@example.com`;
    await waitCommitted(
      groupId,
      IN,
      await produce(
        platform,
        HUBSPOT_EMAIL_EVENTS,
        [1, 2].map((n) => emailEvent(portalId, n, recipient)),
      ),
    );
    expect(await pendingRows(portalId)).toHaveLength(2);

    await publishSettings(
      settingsOf(portalId, heapAppId, { state: 'disconnected', sourceEnabled: false, version: 2 }),
    );
    await seen(app, portalId, 2);
    await eventually(async () => (await pendingRows(portalId)).length === 0, {
      ...WAIT,
      message: 'parked records dropped',
    });
    const before = await skipped('disconnected');
    await waitCommitted(
      groupId,
      IN,
      await produce(
        platform,
        HUBSPOT_EMAIL_EVENTS,
        [3, 4, 5].map((n) => emailEvent(portalId, n, recipient)),
      ),
    );
    expect((await skipped('disconnected')) - before).toBe(3);
    expect(await pendingRows(portalId)).toHaveLength(0);
    await waitCommitted(
      output.groupId,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );
    await waitCommitted(dlq.groupId, deadLetterTopic(IN), await topicEnds(platform, deadLetterTopic(IN)));
    expect(output.records).toHaveLength(0);
    expect(dlq.records).toHaveLength(0);
  });

  it('a changed emailProperty applies to records consumed after the change', async () => {
    const portalId = newPortalId();
    const heapAppId = newAppId();
    await publishSettings(settingsOf(portalId, heapAppId, { version: 1 }));
    const output = await reader<HeapTrackEvent>(HEAP_TRACK_EVENTS, (v) => v.portalId === portalId);
    const { app, groupId } = await startResolver();
    const recipient = `change-${portalId}@example.com`;
    await waitCommitted(
      groupId,
      IN,
      await produce(platform, HUBSPOT_EMAIL_EVENTS, [emailEvent(portalId, 1, recipient)]),
    );
    await eventually(() => output.records.length === 1, { ...WAIT, message: 'identity event produced' });
    expect(output.records[0]?.value.identity).toBe(recipient);

    await publishSettings(settingsOf(portalId, heapAppId, { emailProperty: 'work_email', version: 2 }));
    await seen(app, portalId, 2);
    await waitCommitted(
      groupId,
      IN,
      await produce(platform, HUBSPOT_EMAIL_EVENTS, [emailEvent(portalId, 2, recipient)]),
    );
    // work_email: the identity comes from heap_identities, unknown yet → the record waits for it.
    expect((await pendingRows(portalId)).map((r) => r.reason)).toEqual(['no-identity']);
    await waitCommitted(
      output.groupId,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );
    expect(output.records).toHaveLength(1);
  });
});
