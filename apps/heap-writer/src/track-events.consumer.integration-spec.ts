import { randomInt } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DLQ_HEADERS, type KafkaPlatform } from '@hubheap/kafka';
import {
  deadLetterTopic,
  HEAP_TRACK_EVENTS,
  type HeapTrackEvent,
  INTEGRATION_STATUS,
  type IntegrationStatus,
} from '@hubheap/schemas';
import {
  eventually,
  HeapFake,
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
  watchCommits,
} from '@hubheap/testing';
import { HeapWriterModule } from './heap-writer.module';
import { HeapWriterMetrics } from './heap-writer.metrics';

// Real broker and registry, Heap fake. The topics are the catalogue's (shared with other runs), so each
// test uses its own Heap app_id and consumer groups positioned at the topic end before it produces.
const TOPIC = HEAP_TRACK_EVENTS.name;
const DLQ = { ...HEAP_TRACK_EVENTS, name: deadLetterTopic(TOPIC) };
const POISON_REASON = 'postBody.events[0].identity should NOT be longer than 255 characters';
const WAIT = { timeoutMs: 30_000 };

const newAppId = (): string => String(randomInt(1_000_000_000, 9_999_999_999));
const trackEvent = (appId: string, n: number, identity = `user${n}@example.com`): HeapTrackEvent => ({
  appId,
  portalId: 62515,
  identity,
  event: n % 2 === 0 ? 'Delivered Email' : 'Opened Email',
  timestamp: new Date(1_700_000_000_000 + n * 1_000).toISOString(),
  idempotencyKey: `hs:62515:${appId}-${n}`,
  properties: { campaign_id: 190001234, subject: `Spring launch ${n}` },
  sourceEventId: `${appId}-${n}`,
});
const asHeapStored = (e: HeapTrackEvent) => ({
  appId: e.appId,
  identity: e.identity,
  event: e.event,
  timestamp: e.timestamp,
  idempotencyKey: e.idempotencyKey,
  properties: e.properties,
});

describe('heap-writer: heap.track-events.v1 → Heap bulk track', () => {
  const fake = new HeapFake({ appIds: [] });
  const logger = new MemoryLogger();
  let platform: KafkaPlatform;
  const apps: INestApplicationContext[] = [];
  /** Where this suite's records start on every partition (the replay test goes back there). */
  let suiteStart: Offsets;

  /** Boots the real HeapWriterModule (its consumer, client and metrics) with a group positioned at `from`. */
  const startWriter = async (from: Offsets, groupId = uniqueName('heap-writer-it')) => {
    await positionGroup(platform, groupId, TOPIC, from);
    const module = HeapWriterModule.forRoot({
      heapBaseUrl: fake.baseUrl,
      heapTimeoutMs: 2_000,
      consumerGroup: groupId,
    });
    const app = await NestFactory.createApplicationContext(module, { logger });
    apps.push(app);
    return { app, groupId };
  };
  const waitCommitted = (groupId: string, target: Offsets) =>
    eventually(async () => reached(await committedOffsets(platform, groupId, TOPIC), target), {
      ...WAIT,
      message: `${groupId} committed`,
    });

  const deadLettersOf = async (appId: string, from: Offsets) =>
    collect<HeapTrackEvent>(platform, DLQ, uniqueName('dlq-reader'), from, (r) => r.value.appId === appId);

  beforeAll(async () => {
    await fake.start();
    platform = testPlatform('heap-writer-it', logger);
    await platform.provision([HEAP_TRACK_EVENTS, INTEGRATION_STATUS]);
    suiteStart = await topicEnds(platform, TOPIC);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await platform.close();
    await fake.stop();
  });

  it('writes every produced event to Heap exactly once and commits after it', async () => {
    const appId = newAppId();
    fake.addAppId(appId);
    const events = Array.from({ length: 20 }, (_, n) => trackEvent(appId, n));
    const { app, groupId } = await startWriter(await topicEnds(platform, TOPIC));
    const end = await produce(platform, HEAP_TRACK_EVENTS, events);

    await waitCommitted(groupId, end);
    expect(fake.events(appId).map(({ receivedAt: _r, ...e }) => e)).toEqual(
      expect.arrayContaining(events.map(asHeapStored)),
    );
    expect(fake.events(appId)).toHaveLength(20);
    expect(fake.summary()[appId]).toMatchObject({ duplicatesRejected: 0, uniqueIdempotencyKeys: 20 });
    const { events: finished, requestsPerEvent } = app.get(HeapWriterMetrics).snapshot();
    expect(finished).toBeGreaterThanOrEqual(20);
    expect(requestsPerEvent).toBeGreaterThan(0);
    expect(requestsPerEvent).toBeLessThanOrEqual(0.5); // bulk: far fewer requests than events
  });

  it.each([
    ['3× 503', 3, 503],
    ['a burst of 429', 5, 429],
  ])(
    'rides out %s: nothing lost or dead-lettered, offsets uncommitted during the outage',
    async (_name, n, status) => {
      const appId = newAppId();
      fake.addAppId(appId);
      const start = await topicEnds(platform, TOPIC);
      const dlqStart = await topicEnds(platform, DLQ.name);
      const requestsBefore = fake.requests().length;
      fake.failNext(n, { status, delayMs: 150, path: '/api/track' });
      const { groupId } = await startWriter(start);
      const stopWatching = watchCommits(
        platform,
        groupId,
        TOPIC,
        start,
        () => fake.events(appId).length === 0,
      );
      const events = Array.from({ length: 30 }, (_, i) => trackEvent(appId, i));
      const end = await produce(platform, HEAP_TRACK_EVENTS, events);

      await waitCommitted(groupId, end);
      const watched = await stopWatching();
      const dlq = await deadLettersOf(appId, dlqStart);
      const statuses = fake
        .requests()
        .slice(requestsBefore)
        .map((r) => r.status);
      await dlq.stop();

      expect(statuses.slice(0, n)).toEqual(Array(n).fill(status));
      expect(statuses.slice(n).every((s) => s === 200)).toBe(true);
      expect(fake.events(appId)).toHaveLength(30);
      expect(new Set(fake.events(appId).map((e) => e.idempotencyKey)).size).toBe(30);
      expect(watched.outageSamples).toBeGreaterThan(0);
      expect(watched.commitsDuringOutage).toEqual([]);
      expect(dlq.records).toEqual([]);
    },
  );

  it('dead-letters the one event Heap rejects in a batch of 50 and writes the other 49', async () => {
    const appId = newAppId();
    fake.addAppId(appId);
    const start = await topicEnds(platform, TOPIC);
    const dlqStart = await topicEnds(platform, DLQ.name);
    const events = Array.from({ length: 50 }, (_, n) =>
      trackEvent(appId, n, n === 23 ? `${'x'.repeat(300)}@example.com` : undefined),
    );
    const { groupId } = await startWriter(start);
    const end = await produce(platform, HEAP_TRACK_EVENTS, events);

    await waitCommitted(groupId, end);
    const dlq = await deadLettersOf(appId, dlqStart);
    await eventually(() => dlq.records.length === 1, { ...WAIT, message: 'one dead letter' });
    await dlq.stop();

    expect(
      fake
        .events(appId)
        .map((e) => e.idempotencyKey)
        .sort(),
    ).toEqual(
      events
        .filter((_, n) => n !== 23)
        .map((e) => e.idempotencyKey)
        .sort(),
    );
    const [dead] = dlq.records;
    expect(dead!.value).toEqual(events[23]);
    expect(dead!.key).toBe(`${appId}:${events[23]!.identity}`);
    expect(dead!.headers).toMatchObject({
      [DLQ_HEADERS.reason]: POISON_REASON,
      [DLQ_HEADERS.originTopic]: TOPIC,
      [DLQ_HEADERS.consumerGroup]: groupId,
      [DLQ_HEADERS.errorClass]: 'rejected',
    });
    expect(Number(dead!.headers[DLQ_HEADERS.originOffset])).toBeGreaterThanOrEqual(0);
    expect(dead!.headers[DLQ_HEADERS.originPartition]).toMatch(/^[0-2]$/);
  });

  it('reports the first event of a new tenant on integration.status.v1 at once, exactly one record', async () => {
    const appId = newAppId();
    fake.addAppId(appId);
    const statusStart = await topicEnds(platform, INTEGRATION_STATUS.name);
    const { groupId } = await startWriter(await topicEnds(platform, TOPIC));
    const status = await collect<IntegrationStatus>(
      platform,
      INTEGRATION_STATUS,
      uniqueName('status-reader'),
      statusStart,
      (r) => r.value.appId === appId,
    );
    const before = Date.now();
    const end = await produce(platform, HEAP_TRACK_EVENTS, [trackEvent(appId, 1)]);

    await waitCommitted(groupId, end);
    await eventually(() => status.records.length >= 1, { ...WAIT, message: 'a status record' });
    // A second event within the 30 s interval is held back: still one record once it is committed.
    const end2 = await produce(platform, HEAP_TRACK_EVENTS, [trackEvent(appId, 2)]);
    await waitCommitted(groupId, end2);
    await status.stop();

    expect(status.records).toHaveLength(1);
    const [record] = status.records;
    expect(record!.key).toBe('62515');
    expect(record!.value).toMatchObject({ portalId: 62515, appId, eventsWritten: 1 });
    expect(record!.value.firstWrittenAt).toBeGreaterThanOrEqual(before);
    expect(record!.value.lastWrittenAt).toBe(record!.value.firstWrittenAt);
    expect(record!.value.reporter).toMatch(/^.+:\d+$/);
  });

  it("replaying this suite's records through a second group stores no duplicate at Heap", async () => {
    const before = fake.summary();
    const appIds = Object.keys(before);
    expect(appIds.length).toBeGreaterThanOrEqual(4);
    const end = await topicEnds(platform, TOPIC);
    const { groupId } = await startWriter(suiteStart, uniqueName('heap-writer-replay'));

    await waitCommitted(groupId, end);
    const after = fake.summary();
    for (const appId of appIds) {
      expect({ appId, events: after[appId]!.events }).toEqual({ appId, events: before[appId]!.events });
      expect(after[appId]!.duplicatesRejected - before[appId]!.duplicatesRejected).toBe(
        before[appId]!.events,
      );
    }
  });
});
