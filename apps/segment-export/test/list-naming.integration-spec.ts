import type { KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS } from '@hubheap/schemas';
import {
  committedOffsets,
  eventually,
  freePort,
  HubSpotFake,
  positionGroup,
  reached,
  sendSegmentSync,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
  type AppProcess,
} from '@hubheap/testing';
import type { SegmentExportConfig } from '../src/segment-export.config';
import { randomPortalId, startSegmentExport, type SegmentExportApp } from './segment-export.harness';

const SECRET = `heap-secret-${Math.random().toString(36).slice(2)}`;
const TOKEN = `pat-list-naming-${Math.random().toString(36).slice(2)}`;
const TOPIC = HEAP_SEGMENT_DELTAS.name;

interface Run {
  runId: string;
  status: string;
  listId: string | null;
  counts: Record<string, number> | null;
}

describe('segment-export: list naming, reuse and the sync lock (real Kafka + Postgres, HubSpot faked)', () => {
  const portalId = randomPortalId();
  const consumerGroup = uniqueName('segment-export-naming-it');
  const ids: Record<string, string> = {};
  let platform: KafkaPlatform;
  let hubspot: HubSpotFake;
  let intake: AppProcess;
  let exporter: SegmentExportApp;
  let replica: SegmentExportApp | undefined;
  let target: string;
  let config: Partial<SegmentExportConfig>;

  beforeAll(async () => {
    hubspot = new HubSpotFake();
    await hubspot.start();
    hubspot.addAccessToken(TOKEN, portalId);
    const emails = ['jane', 'omar', 'li', 'stray'].map((n) => ({
      properties: { email: `${n}@example.com` },
    }));
    for (const c of hubspot.seedContacts(portalId, emails)) ids[c.properties['email']!.split('@')[0]!] = c.id;
    platform = testPlatform('segment-export-naming-it');
    await platform.provision([HEAP_SEGMENT_DELTAS]);
    await positionAtEnd(consumerGroup);
    const intakePort = await freePort();
    intake = await startApp('webhook-intake', intakePort, {
      HEAP_SEGMENT_WEBHOOKS: JSON.stringify([{ secret: SECRET, portalId }]),
      HUBSPOT_PORTALS: '[]',
    });
    target = `http://127.0.0.1:${intakePort}/webhooks/heap/segments`;
    config = {
      consumerGroup,
      hubspotBaseUrl: hubspot.baseUrl,
      hubspotPortals: [{ portalId, accessToken: TOKEN }],
      hubspotRetryAttempts: 4,
      hubspotRateWindowMs: 50,
      hubspotServerErrorWaitMs: 20,
      schedulerTickMs: 300,
    };
    exporter = await startSegmentExport(config);
  }, 120_000);

  afterAll(async () => {
    await replica?.close();
    await exporter?.close();
    await intake?.stop();
    await platform?.close();
    await hubspot?.stop();
  });

  const positionAtEnd = async (group: string) =>
    positionGroup(platform, group, TOPIC, await topicEnds(platform, TOPIC));
  const newSegment = (label: string) => ({
    id: 100_000 + Math.floor(Math.random() * 900_000),
    name: `${label} ${uniqueName('s')}`,
  });
  const sorted = (...xs: string[]) => [...xs].sort((a, b) => Number(a) - Number(b));
  /** Sends one Heap page through webhook-intake and waits until segment-export has committed it. */
  const fold = async (segment: { id: number; name: string }, add: string[]): Promise<void> => {
    const sent = await sendSegmentSync({ targetUrl: target, secret: SECRET, segment, add, remove: [] });
    expect(sent.delivered).toBe(true);
    const ends = await topicEnds(platform, TOPIC);
    await eventually(async () => reached(await committedOffsets(platform, consumerGroup, TOPIC), ends), {
      timeoutMs: 30_000,
      message: `segment ${segment.id} page folded`,
    });
  };
  const syncNow = async (segmentId: number, app = exporter) =>
    app.call('POST', `/segments/${portalId}/${segmentId}/sync-now?wait=true`);
  const segmentOf = async (id: number) => exporter.call('GET', `/segments/${portalId}/${id}`);
  const listsNamed = (name: string) => hubspot.lists(portalId).filter((l) => l.name === name);
  const writes = () =>
    hubspot
      .requests()
      .filter((r) => r.method !== 'GET' && !r.path.startsWith('/crm/v3/objects/'))
      .map((r) => `${r.method} ${r.path.replace(/\/lists\/\d+\//, '/lists/:id/')}`);

  it('an existing MANUAL list with the segment name is reused and ends with exactly segment ∩ HubSpot contacts', async () => {
    const segment = newSegment('Reused');
    const seeded = hubspot.createList(portalId, {
      name: segment.name,
      processingType: 'MANUAL',
      members: [ids['stray']!, ids['jane']!],
    });
    await fold(segment, ['jane@example.com', 'Omar@example.com', 'ghost@nowhere.io']);
    hubspot.clearRequests();
    const res = await syncNow(segment.id);
    expect(res).toMatchObject({ status: 200, body: { status: 'completed', listId: seeded.listId } });
    const counts = { added: 1, removed: 1, already_present: 1, not_in_hubspot: 1 };
    expect((res.body as unknown as Run).counts).toMatchObject(counts);
    expect(listsNamed(segment.name)).toEqual([expect.objectContaining({ listId: seeded.listId })]);
    expect(hubspot.listMembers(portalId, seeded.listId)).toEqual(sorted(ids['jane']!, ids['omar']!));
    expect(writes()).not.toContain('POST /crm/v3/lists');
    expect((await segmentOf(segment.id)).body['listId']).toBe(seeded.listId);
  });

  it('a renamed segment renames its list at the next sync (same list id)', async () => {
    const segment = newSegment('Before rename');
    await fold(segment, ['li@example.com']);
    const { listId } = (await syncNow(segment.id)).body as { listId: string };
    expect(listsNamed(segment.name)).toEqual([expect.objectContaining({ listId })]);

    const renamed = { id: segment.id, name: `After rename ${uniqueName('s')}` };
    await fold(renamed, ['li@example.com']);
    await eventually(async () => (await segmentOf(segment.id)).body['name'] === renamed.name, {
      timeoutMs: 10_000,
      message: 'new segment name stored',
    });
    hubspot.clearRequests();
    const second = (await syncNow(segment.id)).body as unknown as Run;
    expect(second).toMatchObject({ status: 'completed', listId });
    expect(hubspot.lists(portalId).find((l) => l.listId === listId)?.name).toBe(renamed.name);
    expect(listsNamed(segment.name)).toEqual([]);
    expect(writes()).toEqual(['PUT /crm/v3/lists/:id/update-list-name']);
    expect(hubspot.listMembers(portalId, listId)).toEqual([ids['li']]);
  });

  it('an existing DYNAMIC list with the segment name → the run fails with a clear reason; nothing is created or changed', async () => {
    const segment = newSegment('Dynamic');
    const dynamic = hubspot.createList(portalId, {
      name: segment.name,
      processingType: 'DYNAMIC',
      members: [ids['stray']!],
    });
    await fold(segment, ['jane@example.com']);
    hubspot.clearRequests();
    const res = await syncNow(segment.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      listId: null,
      counts: null,
      error: expect.stringMatching(/list ".+" exists as DYNAMIC; its members cannot be set by API/),
    });
    expect(writes()).toEqual([]);
    expect(listsNamed(segment.name)).toEqual([expect.objectContaining({ listId: dynamic.listId })]);
    expect(hubspot.listMembers(portalId, dynamic.listId)).toEqual([ids['stray']]);
    expect(await segmentOf(segment.id)).toMatchObject({ status: 200, body: { listId: null } });
    const runs = await exporter.call('GET', `/segments/${portalId}/${segment.id}/runs`);
    expect(runs.body['runs']).toEqual([
      expect.objectContaining({ status: 'failed', runId: res.body['runId'] }),
    ]);
  });

  it('two instances call sync-now for the same segment at once: one runs it, the other answers 409', async () => {
    const segment = newSegment('Concurrent');
    await fold(segment, ['jane@example.com', 'omar@example.com', 'li@example.com']);
    // A second replica on its own consumer group (at the topic end): no rebalance of the first one.
    const replicaGroup = uniqueName('segment-export-naming-replica');
    await positionAtEnd(replicaGroup);
    replica = await startSegmentExport({ ...config, consumerGroup: replicaGroup });
    hubspot.clearRequests();
    // Hold the winner's first HubSpot call so that both requests meet the advisory lock while it is held.
    hubspot.failNext(1, { delayMs: 1_500 });
    const answers = await Promise.all([syncNow(segment.id, exporter), syncNow(segment.id, replica)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser.body).toEqual({ error: 'a sync of this segment is already running' });
    const winner = answers.find((a) => a.status === 200)!.body as unknown as Run;
    expect(winner).toMatchObject({ status: 'completed' });
    expect(winner.counts).toMatchObject({ added: 3, removed: 0 });
    expect(listsNamed(segment.name)).toHaveLength(1);
    expect(hubspot.listMembers(portalId, winner.listId!)).toEqual(
      sorted(ids['jane']!, ids['omar']!, ids['li']!),
    );
    expect(writes()).toEqual(['POST /crm/v3/lists', 'PUT /crm/v3/lists/:id/memberships/add']);
    const runs = await replica.call('GET', `/segments/${portalId}/${segment.id}/runs`);
    expect(runs.body['runs']).toEqual([expect.objectContaining({ runId: winner.runId })]);
  });
});
