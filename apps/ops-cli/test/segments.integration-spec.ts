import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { KafkaPlatform } from '@hubheap/kafka';
import { HEAP_SEGMENT_DELTAS } from '@hubheap/schemas';
import {
  type AppProcess,
  HubSpotFake,
  eventually,
  freePort,
  positionGroup,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import { registerSegmentCommands } from '../src/segments/segments.command';

// `segments import-members` → heap.segment-deltas.v1 → segment-export (its own process) → HubSpot list,
// on real Kafka and Postgres with the HubSpot fake.
describe('segments import-members feeds segment-export like Heap webhook pages', () => {
  const portalId = 100_000_000 + Math.floor(Math.random() * 899_999_999);
  const segmentId = String(100_000 + Math.floor(Math.random() * 900_000));
  const segmentName = `Imported ${uniqueName('seg')}`;
  const token = uniqueName('token');
  const dir = mkdtempSync(join(tmpdir(), 'segment-members-'));
  const hubspot = new HubSpotFake();
  let platform: KafkaPlatform;
  let exporter: AppProcess;
  const ids: Record<string, string> = {};

  const run = async (file: string, ...extra: string[]) => {
    const out: string[] = [];
    const program = new Command().exitOverride();
    registerSegmentCommands(program, { platform, out: (l) => out.push(l), err: (l) => out.push(l) });
    await program.parseAsync(
      [
        'segments',
        'import-members',
        '--file',
        file,
        '--portal',
        String(portalId),
        '--segment-id',
        segmentId,
        '--segment-name',
        segmentName,
        ...extra,
      ],
      { from: 'user' },
    );
    return out;
  };
  const call = async (method: string, path: string) => {
    const res = await fetch(`http://127.0.0.1:${exporter.port}${path}`, { method });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const presentMembers = async () => {
    const res = await call('GET', `/segments/${portalId}/${segmentId}`);
    return res.status === 200 ? Number(res.body['presentMembers']) : -1;
  };
  const listMembers = () => {
    const list = hubspot.lists(portalId).find((l) => l.name === segmentName);
    return list ? hubspot.listMembers(portalId, list.listId).sort() : [];
  };

  beforeAll(async () => {
    const { baseUrl } = await hubspot.start();
    hubspot.addAccessToken(token, portalId);
    for (const c of hubspot.seedContacts(
      portalId,
      ['a', 'b', 'c'].map((n) => ({ properties: { email: `${n}@example.com` } })),
    )) {
      ids[c.properties['email']!] = c.id;
    }
    platform = testPlatform('segments-import-it');
    await platform.provision([HEAP_SEGMENT_DELTAS]);
    const group = uniqueName('segment-export-import-it');
    await positionGroup(
      platform,
      group,
      HEAP_SEGMENT_DELTAS.name,
      await topicEnds(platform, HEAP_SEGMENT_DELTAS.name),
    );
    exporter = await startApp('segment-export', await freePort(), {
      CONSUMER_GROUP: group,
      HUBSPOT_BASE_URL: baseUrl,
      HUBSPOT_PORTALS: JSON.stringify([{ portalId, accessToken: token }]),
    });
  });

  afterAll(async () => {
    await exporter?.stop();
    await platform?.close();
    await hubspot.stop();
  });

  it('a CSV snapshot becomes the list (members ∩ HubSpot contacts), a second snapshot removes the rest', async () => {
    const first = join(dir, 'first.csv');
    writeFileSync(first, 'email\na@example.com\nB@example.com\nnobody@example.com\n\n');
    expect(await run(first)).toEqual([
      `produced 3 members of segment ${segmentId} ("${segmentName}") → 2 records (snapshot) to heap.segment-deltas.v1; run a sync (sync-now) or wait for the recurring one`,
    ]);
    await eventually(async () => (await presentMembers()) === 3, {
      timeoutMs: 60_000,
      message: 'segment-export folded the import',
    });
    expect((await call('POST', `/segments/${portalId}/${segmentId}/sync-now?wait=true`)).status).toBe(200);
    expect(listMembers()).toEqual([ids['a@example.com'], ids['b@example.com']].sort());

    const second = join(dir, 'second.json');
    writeFileSync(second, JSON.stringify([{ email: 'b@example.com' }]));
    await run(second);
    await eventually(async () => (await presentMembers()) === 1, {
      timeoutMs: 60_000,
      message: 'second snapshot folded',
    });
    expect((await call('POST', `/segments/${portalId}/${segmentId}/sync-now?wait=true`)).status).toBe(200);
    expect(listMembers()).toEqual([ids['b@example.com']]);
  });

  it('a dry run produces nothing', async () => {
    const before = await topicEnds(platform, HEAP_SEGMENT_DELTAS.name);
    const file = join(dir, 'dry.csv');
    writeFileSync(file, 'email\nc@example.com\n');
    expect(await run(file, '--dry-run')).toEqual([
      `dry run: 1 members of segment ${segmentId} ("${segmentName}") → 2 records (snapshot); nothing produced`,
    ]);
    expect(await topicEnds(platform, HEAP_SEGMENT_DELTAS.name)).toEqual(before);
  });
});
