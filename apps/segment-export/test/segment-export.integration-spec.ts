import { Logger } from '@nestjs/common';
import type { KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS } from '@hubheap/schemas';
import {
  committedOffsets,
  eventually,
  reached,
  freePort,
  HubSpotFake,
  positionGroup,
  sendSegmentDrain,
  sendSegmentSync,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
  type AppProcess,
} from '@hubheap/testing';
import { randomPortalId, startSegmentExport, type SegmentExportApp } from './segment-export.harness';

const SECRET = `heap-secret-${Math.random().toString(36).slice(2)}`;
const TOKEN = `pat-segment-export-${Math.random().toString(36).slice(2)}`;
const log = new Logger('segment-export.integration');

describe('segment-export: Heap pages → webhook-intake → Kafka → fold → HubSpot list (real Kafka + Postgres)', () => {
  const portalId = randomPortalId();
  const segment = {
    id: 100_000 + Math.floor(Math.random() * 900_000),
    name: `Trial users ${uniqueName('s')}`,
  };
  const segmentPath = `/segments/${portalId}/${segment.id}`;
  let platform: KafkaPlatform;
  let hubspot: HubSpotFake;
  let intake: AppProcess;
  let exporter: SegmentExportApp;
  let target: string;
  const consumerGroup = uniqueName('segment-export-it');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    hubspot = new HubSpotFake();
    await hubspot.start();
    hubspot.addAccessToken(TOKEN, portalId);
    for (const c of hubspot.seedContacts(
      portalId,
      ['jane', 'omar', 'li', 'ana'].map((n) => ({ properties: { email: `${n}@example.com` } })),
    )) {
      ids[c.properties['email']!.split('@')[0]!] = c.id;
    }
    platform = testPlatform('segment-export-it');
    await platform.provision([HEAP_SEGMENT_DELTAS]);
    await positionGroup(
      platform,
      consumerGroup,
      HEAP_SEGMENT_DELTAS.name,
      await topicEnds(platform, HEAP_SEGMENT_DELTAS.name),
    );
    const intakePort = await freePort();
    intake = await startApp('webhook-intake', intakePort, {
      HEAP_SEGMENT_WEBHOOKS: JSON.stringify([{ secret: SECRET, portalId }]),
      HUBSPOT_PORTALS: '[]',
    });
    target = `http://127.0.0.1:${intakePort}/webhooks/heap/segments`;
    exporter = await startSegmentExport({
      consumerGroup,
      hubspotBaseUrl: hubspot.baseUrl,
      hubspotPortals: [{ portalId, accessToken: TOKEN }],
      hubspotRetryAttempts: 6,
      hubspotRateWindowMs: 50,
      hubspotServerErrorWaitMs: 20,
      schedulerTickMs: 300,
      syncIntervalMs: 3_600_000,
    });
  }, 120_000);

  afterAll(async () => {
    await exporter?.close();
    await intake?.stop();
    await platform?.close();
    await hubspot?.stop();
  });

  const presentMembers = async (): Promise<number | undefined> => {
    const res = await exporter.call('GET', segmentPath);
    return res.status === 200 ? (res.body['presentMembers'] as number) : undefined;
  };
  const theList = () => hubspot.lists(portalId).find((l) => l.name === segment.name);
  const syncNow = async () => {
    const res = await exporter.call('POST', `${segmentPath}/sync-now?wait=true`);
    expect(res.status).toBe(200);
    return res.body as { runId: string; status: string; counts: Record<string, number>; listId: string };
  };

  it('pages (duplicated, out of order) → list members == segment ∩ HubSpot contacts; nothing created; empty skipped', async () => {
    const sent = await sendSegmentSync({
      targetUrl: target,
      secret: SECRET,
      segment,
      add: ['Jane@Example.com', 'omar@example.com', ' li@example.com ', 'ghost@nowhere.io', '  '],
      remove: [],
      pageSize: 2,
      duplicatePages: [1, 3],
      shuffle: true,
    });
    expect(sent.delivered).toBe(true);
    await eventually(async () => (await presentMembers()) === 5, {
      timeoutMs: 30_000,
      message: 'fold of 5 members',
    });
    const contactsBefore = hubspot.contacts(portalId).length;
    const started = Date.now();
    const run = await syncNow();
    const visible = await eventually(
      () => {
        const list = theList();
        if (!list) throw new Error('list not created yet');
        return list;
      },
      { timeoutMs: 10_000 },
    );
    log.log(`sync-now → list visible with its members in ${Date.now() - started} ms`);
    process.stdout.write(`[measure] sync-now → list visible: ${Date.now() - started} ms\n`);
    expect(run).toMatchObject({ status: 'completed', listId: visible.listId });
    expect(run.counts).toMatchObject({ added: 3, not_in_hubspot: 1, empty_match_value: 1, removed: 0 });
    expect(visible.processingType).toBe('MANUAL');
    expect(hubspot.listMembers(portalId, visible.listId)).toEqual(
      [ids['jane'], ids['omar'], ids['li']].sort((a, b) => Number(a) - Number(b)),
    );
    expect(hubspot.contacts(portalId)).toHaveLength(contactsBefore);
  });

  it('a second sync changes nothing', async () => {
    const list = theList()!;
    const before = hubspot.listMembers(portalId, list.listId);
    hubspot.clearRequests();
    const run = await syncNow();
    expect(run.counts).toMatchObject({ added: 0, removed: 0, already_present: 3 });
    expect(hubspot.listMembers(portalId, list.listId)).toEqual(before);
    expect(
      hubspot
        .requests()
        .filter((r) => r.method === 'PUT' || (r.method === 'POST' && r.path === '/crm/v3/lists')),
    ).toEqual([]);
  });

  it('a later delta removes a member and the list follows; the run lists per-member outcomes, paginated', async () => {
    const sent = await sendSegmentSync({
      targetUrl: target,
      secret: SECRET,
      segment,
      add: ['ana@example.com'],
      remove: ['OMAR@example.com'],
    });
    expect(sent.delivered).toBe(true);
    const ends = await topicEnds(platform, HEAP_SEGMENT_DELTAS.name);
    await eventually(
      async () => reached(await committedOffsets(platform, consumerGroup, HEAP_SEGMENT_DELTAS.name), ends),
      {
        timeoutMs: 30_000,
        message: 'segment-export consumed the second delta',
      },
    );
    const run = await syncNow();
    expect(run.counts).toMatchObject({ added: 1, removed: 1, already_present: 2 });
    expect(hubspot.listMembers(portalId, theList()!.listId)).toEqual(
      [ids['jane'], ids['li'], ids['ana']].sort((a, b) => Number(a) - Number(b)),
    );
    const page = await exporter.call('GET', `/runs/${run.runId}?limit=2&offset=0`);
    expect(page.body).toMatchObject({ total: 6, limit: 2, offset: 0 });
    expect(page.body['members']).toHaveLength(2);
    const removed = await exporter.call('GET', `/runs/${run.runId}?outcome=removed`);
    expect(removed.body['members']).toEqual([
      expect.objectContaining({ contactId: ids['omar'], outcome: 'removed' }),
    ]);
    const runs = await exporter.call('GET', `${segmentPath}/runs`);
    expect((runs.body['runs'] as unknown[]).length).toBe(3);
  });

  it('a 429 burst from HubSpot during a sync → the sync still completes', async () => {
    hubspot.failNext(4, { status: 429 });
    const run = await syncNow();
    expect(run.status).toBe('completed');
    expect(hubspot.requests().filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(4);
  });

  it('a drain empties the list at the next sync', async () => {
    expect((await sendSegmentDrain({ targetUrl: target, secret: SECRET, segment })).delivered).toBe(true);
    await eventually(async () => (await presentMembers()) === 0, {
      timeoutMs: 30_000,
      message: 'drain folded',
    });
    const run = await syncNow();
    expect(run.counts).toMatchObject({ removed: 3 });
    expect(hubspot.listMembers(portalId, theList()!.listId)).toEqual([]);
  });

  it('recurring: the scheduler syncs a due segment; the 31st recurring segment of a portal → 409, one-time still allowed', async () => {
    const other = randomPortalId();
    for (let i = 1; i <= 30; i += 1) {
      expect(
        (await exporter.call('PUT', `/segments/${other}/${i}/sync-mode`, { mode: 'recurring' })).status,
      ).toBe(200);
    }
    const refused = await exporter.call('PUT', `/segments/${other}/31/sync-mode`, { mode: 'recurring' });
    expect(refused).toEqual({ status: 409, body: { error: expect.stringMatching(/limit is 30/) } });
    expect((await exporter.call('PUT', `/segments/${other}/31/sync-mode`, { mode: 'one-time' })).status).toBe(
      200,
    );
    expect((await exporter.call('PUT', `/segments/${other}/1/sync-mode`, { mode: 'off' })).status).toBe(200);
    expect(
      (await exporter.call('PUT', `/segments/${other}/31/sync-mode`, { mode: 'recurring' })).status,
    ).toBe(200);
    for (let i = 2; i <= 31; i += 1)
      await exporter.call('PUT', `/segments/${other}/${i}/sync-mode`, { mode: 'off' });

    const put = await exporter.call('PUT', `${segmentPath}/sync-mode`, { mode: 'recurring' });
    expect(put).toMatchObject({ status: 200, body: { syncMode: 'recurring' } });
    const runs = await eventually(
      async () => {
        const res = await exporter.call('GET', `${segmentPath}/runs?limit=1`);
        const [latest] = res.body['runs'] as Array<{ trigger: string; status: string }>;
        return latest?.trigger === 'recurring' && latest.status === 'completed';
      },
      { timeoutMs: 20_000, message: 'scheduled recurring run' },
    );
    expect(runs).toBe(true);
    const after = await exporter.call('GET', segmentPath);
    expect(Date.parse(after.body['nextSyncAt'] as string)).toBeGreaterThan(Date.now() + 3_000_000);
  });
});
