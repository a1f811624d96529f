import { randomInt } from 'node:crypto';
import { type KafkaPlatform, consumerGroupLag } from '@hubheap/kafka';
import {
  type AppProcess,
  HeapFake,
  HubSpotFake,
  eventually,
  freePort,
  loadEmailEventFixtures,
  stackEndpoints,
  type Offsets,
  positionGroup,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';

// HubSpot → Heap, end to end, every service in its own process on real Kafka, registry and Postgres:
// the 52 public email-event fixtures go through the Email Events API poller (webhook-intake) →
// hubspot.email-events.v1 → identity-resolution → heap.track-events.v1 → heap-writer → the Heap fake.
// The expectations below are computed from the raw fixtures here, not by the code under test.

const HEAP_EVENT_NAME: Record<string, string> = {
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

interface Expected {
  event: string;
  identity: string;
  timestamp: string;
  idempotency_key: string;
}

const expectedHeapEvents = (portalId: number, fixtures: Record<string, unknown>[]): Expected[] =>
  fixtures
    // Bot/prefetch-filtered events are not sent (documented default); the fixtures have no obsoleted ones.
    .filter(
      (e) => e['filteredEvent'] !== true && typeof e['type'] === 'string' && e['type'] in HEAP_EVENT_NAME,
    )
    .map((e) => ({
      event: HEAP_EVENT_NAME[e['type'] as string]!,
      identity: String(e['recipient']).trim().toLowerCase(),
      timestamp: new Date(Number(e['created'])).toISOString(),
      idempotency_key: `hs:${portalId}:${Number(e['created'])}:${String(e['id'])}`,
    }))
    .sort((a, b) => a.idempotency_key.localeCompare(b.idempotency_key));

const received = (heap: HeapFake, appId: string): Expected[] =>
  heap
    .events(appId)
    .map((e) => ({
      event: e.event,
      identity: String(e.identity),
      timestamp: String(e.timestamp),
      idempotency_key: String(e.idempotencyKey),
    }))
    .sort((a, b) => a.idempotency_key.localeCompare(b.idempotency_key));

describe('HubSpot email events reach Heap exactly once (poller path)', () => {
  const portalId = randomInt(100_000_000, 999_999_999);
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const token = uniqueName('token');
  const fixtures = loadEmailEventFixtures().map((e) => ({ ...e, portalId })); // isolate this run's portal
  const expected = expectedHeapEvents(portalId, fixtures);
  const hubspot = new HubSpotFake();
  const heap = new HeapFake({ appIds: [heapAppId] });
  const apps: AppProcess[] = [];
  let env: Record<string, string>;
  let intakePort: number;
  let platform: KafkaPlatform;
  // Where this run's records start on each topic (earlier runs' records precede them): consumer groups
  // are positioned there, so "from the start" means this run's first record.
  const runStart: Record<string, Offsets> = {};
  const freshGroup = async (prefix: string, topic: string): Promise<string> => {
    const groupId = uniqueName(prefix);
    await positionGroup(platform, groupId, topic, runStart[topic]!);
    return groupId;
  };

  beforeAll(async () => {
    hubspot.addAccessToken(token, portalId);
    hubspot.seedEmailEvents(portalId, fixtures);
    const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([
      hubspot.start(),
      heap.start(),
    ]);
    env = {
      ...stackEndpoints(),
      KAFKA_BROKERS: stackEndpoints().kafkaBrokers,
      SCHEMA_REGISTRY_URL: stackEndpoints().schemaRegistryUrl,
      DATABASE_URL: stackEndpoints().databaseUrl,
      RETRY_PROFILE: 'test',
      HUBSPOT_BASE_URL: hubspotUrl,
      HUBSPOT_CLIENT_SECRET: 'e2e-client-secret',
      HUBSPOT_PORTALS: JSON.stringify([{ portalId, accessToken: token }]),
      POLL_INITIAL_START: '0', // the fixtures span 2014–2023
      POLL_INTERVAL_MS: '3600000', // polls are triggered explicitly below
      TENANTS: JSON.stringify([{ portalId, heapAppId, emailProperty: 'identity' }]),
      HEAP_BASE_URL: heapUrl,
    };
    platform = testPlatform('e2e-email-events');
    for (const topic of ['hubspot.email-events.v1', 'heap.track-events.v1']) {
      runStart[topic] = await topicEnds(platform, topic);
    }
    intakePort = await freePort();
    apps.push(await startApp('webhook-intake', intakePort, env));
    const identityGroup = await freshGroup('e2e-identity', 'hubspot.email-events.v1');
    const writerGroup = await freshGroup('e2e-writer', 'heap.track-events.v1');
    apps.push(
      await startApp('identity-resolution', await freePort(), { ...env, CONSUMER_GROUP: identityGroup }),
    );
    apps.push(await startApp('heap-writer', await freePort(), { ...env, CONSUMER_GROUP: writerGroup }));
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all([hubspot.stop(), heap.stop()]);
    await platform?.close();
  });

  const pollOnce = async (): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${intakePort}/poller/run-once`, { method: 'POST' });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('delivers every fixture event with the right name, identity, timestamp and idempotency key', async () => {
    expect(expected.length).toBe(41); // 52 fixtures − 11 bot-filtered opens
    await pollOnce();
    await eventually(() => received(heap, heapAppId).length >= expected.length, {
      timeoutMs: 60_000,
      message: 'all fixture events in Heap',
    });
    expect(received(heap, heapAppId)).toEqual(expected);
    expect(heap.duplicatesRejected).toBe(0);
  });

  it('a second poll over the same window produces nothing new', async () => {
    const before = heap.requests().length;
    await pollOnce();
    // Nothing new can arrive: the poller's own dedupe keeps the topic free of repeats.
    expect(received(heap, heapAppId)).toEqual(expected);
    expect(heap.requests().length).toBe(before);
  });

  it('replaying the topics from the start through fresh consumer groups adds no duplicate in Heap', async () => {
    const identityGroup = await freshGroup('e2e-replay-identity', 'hubspot.email-events.v1');
    const writerGroup = await freshGroup('e2e-replay-writer', 'heap.track-events.v1');
    apps.push(
      await startApp('identity-resolution', await freePort(), { ...env, CONSUMER_GROUP: identityGroup }),
    );
    apps.push(await startApp('heap-writer', await freePort(), { ...env, CONSUMER_GROUP: writerGroup }));
    const admin = await platform.admin();
    {
      await eventually(
        async () => (await consumerGroupLag(admin, identityGroup, 'hubspot.email-events.v1')) === 0,
        {
          timeoutMs: 120_000,
          message: 'identity replay caught up',
        },
      );
      await eventually(
        async () => (await consumerGroupLag(admin, writerGroup, 'heap.track-events.v1')) === 0,
        {
          timeoutMs: 120_000,
          message: 'writer replay caught up',
        },
      );
    }
    expect(received(heap, heapAppId)).toEqual(expected);
    // Every replayed event reached Heap again and was de-duplicated by its idempotency key.
    expect(heap.duplicatesRejected).toBeGreaterThanOrEqual(expected.length);
  });
});
