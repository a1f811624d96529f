import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DLQ_HEADERS, type KafkaPlatform } from '@hubheap/kafka';
import { deadLetterTopic, HUBSPOT_CONTACT_CHANGES, type HubSpotContactChange } from '@hubheap/schemas';
import {
  collect,
  committedOffsets,
  eventually,
  HeapFake,
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

// Real Kafka, registry and Postgres; Heap faked; control-api replaced by a tiny HTTP server answering
// GET /internal/apps/:appId/heap-credentials (HEAP_CREDENTIALS_SOURCE=control-api).
const TOPIC = HUBSPOT_CONTACT_CHANGES.name;
const DLQ = { ...HUBSPOT_CONTACT_CHANGES, name: deadLetterTopic(TOPIC) };
const WAIT = { timeoutMs: 60_000 };
const INTERNAL_KEY = 'internal-key-it';
const PRIVACY_KEY = `privacy-key-${Math.random().toString(36).slice(2)}`;

/** control-api stand-in: `keys` per app_id (absent → 404), `down` → 503; counts requests per path. */
const startControlApi = async () => {
  const state = { down: false, keys: new Map<string, string>(), requests: [] as string[] };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    const match = /^\/internal\/apps\/([^/]+)\/heap-credentials$/.exec(req.url ?? '');
    const apiKey = match ? state.keys.get(decodeURIComponent(match[1]!)) : undefined;
    const [status, body] =
      req.headers.authorization !== `Bearer ${INTERNAL_KEY}`
        ? [401, { error: 'unauthorized' }]
        : state.down
          ? [503, { error: 'database unavailable' }]
          : apiKey
            ? [200, { apiKey }]
            : [404, { error: `no Heap API key for app_id ${match?.[1] ?? '?'}` }];
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('property-sync with HEAP_CREDENTIALS_SOURCE=control-api: privacy deletions', () => {
  const portalId = 300_000_000 + Math.floor(Math.random() * 600_000_000);
  const appId = String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));
  const unknownAppId = `${appId}9`;
  const heap = new HeapFake({ appIds: [appId], privacyApiKeys: { [appId]: PRIVACY_KEY } });
  const logger = new MemoryLogger();
  const groupId = uniqueName('property-sync-heap-credentials-it');
  let controlApi: Awaited<ReturnType<typeof startControlApi>>;
  let platform: KafkaPlatform;
  let app: INestApplicationContext;
  let sequence = 0;

  const deletion = (contactId: string, over: Partial<HubSpotContactChange> = {}): HubSpotContactChange => {
    sequence += 1;
    return {
      portalId,
      contactId,
      appId,
      identity: `deleted-${contactId}@example.com`,
      email: null,
      previousEmail: null,
      change: 'privacy-deleted',
      changedProperties: [],
      mergedContactIds: [],
      occurredAt: Date.now() + sequence,
      sourceEventId: `${groupId}-${sequence}`,
      ...over,
    };
  };
  const committed = async (end: Awaited<ReturnType<typeof produce>>) =>
    reached(await committedOffsets(platform, groupId, TOPIC), end);

  beforeAll(async () => {
    controlApi = await startControlApi();
    await heap.start();
    platform = testPlatform('property-sync-heap-credentials-it', logger);
    await positionGroup(platform, groupId, TOPIC, await topicEnds(platform, TOPIC));
    app = await NestFactory.createApplicationContext(
      PropertySyncModule.forRoot({
        config: {
          consumerGroup: groupId,
          hubspotPortals: [{ portalId, accessToken: 'pat-unused' }],
          heapPrivacyBaseUrl: heap.baseUrl,
          heapPrivacyKeys: [],
          heapCredentialsSource: 'control-api',
          controlApiUrl: controlApi.url,
          internalApiKey: INTERNAL_KEY,
          heapTimeoutMs: 5_000,
          deletionStatusPollMs: 60_000,
        },
      }),
      { logger: false },
    );
  });

  afterAll(async () => {
    await app?.close();
    await platform?.close();
    await heap.stop();
    await controlApi?.close();
  });

  it('control-api down: the deletion is retried with offsets uncommitted, then done with its key', async () => {
    controlApi.state.down = true;
    controlApi.state.keys.set(appId, PRIVACY_KEY);
    const change = deletion('501');
    const end = await produce(platform, HUBSPOT_CONTACT_CHANGES, [change]);
    const path = `/internal/apps/${appId}/heap-credentials`;
    await eventually(() => controlApi.state.requests.filter((p) => p === path).length >= 3, {
      ...WAIT,
      message: 'property-sync asked control-api again after 503s',
    });
    expect(await committed(end)).toBe(false);
    expect(heap.deletionRequests().filter((r) => r.appId === appId)).toHaveLength(0);

    controlApi.state.down = false;
    await eventually(() => committed(end), { ...WAIT, message: `${groupId} committed` });
    const [request] = heap.deletionRequests().filter((r) => r.appId === appId);
    expect(request?.users).toEqual([{ identity: change.identity }]);
    const [row] = await app.get(DeletionRepository).forContact(portalId, '501');
    expect(row).toMatchObject({ appId, deletionRequestId: request!.deletionRequestId });
  });

  it('an app_id control-api has no key for (404) dead-letters only that deletion, with the reason', async () => {
    const dlqStart = await topicEnds(platform, DLQ.name);
    const dlq = await collect<HubSpotContactChange>(
      platform,
      DLQ,
      uniqueName('property-sync-heap-credentials-dlq'),
      dlqStart,
      (r) => r.value.portalId === portalId,
    );
    const before = heap.deletionRequests().filter((r) => r.appId === appId).length;
    const end = await produce(platform, HUBSPOT_CONTACT_CHANGES, [
      deletion('502', { appId: unknownAppId }),
      deletion('503'),
    ]);
    await eventually(() => committed(end), { ...WAIT, message: `${groupId} committed` });
    await eventually(() => dlq.records.length === 1, { ...WAIT, message: 'one dead letter' });
    await dlq.stop();
    expect(dlq.records[0]!.value.contactId).toBe('502');
    expect(dlq.records[0]!.headers[DLQ_HEADERS.reason]).toContain(
      `no Heap API key for app_id ${unknownAppId} in control-api`,
    );
    expect(heap.deletionRequests().filter((r) => r.appId === appId)).toHaveLength(before + 1);
  });
});
