// Fault suite (issue item 5): a known set of HubSpot email events flows end to end through the three
// services while they are SIGKILLed and restarted, the broker restarts, Heap answers 429/5xx/slowly and
// HubSpot answers 429. Prints what reached Heap and exits 0 only when nothing is missing and nothing
// is stored twice. Run: node -r @swc-node/register e2e/fault/fault-suite.ts [--seed n] [--events n]
// (docs/runbook-faults.md).
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { toEmailEventRecord, mapEmailEventToHeap } from '@hubheap/hubspot';
import { readDeadLetters } from '@hubheap/kafka';
import { HEAP_TRACK_EVENTS, HUBSPOT_EMAIL_EVENTS } from '@hubheap/schemas';
import {
  HeapFake,
  HubSpotFake,
  generateSampleEmailEvents,
  positionGroup,
  stackEndpoints,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import { AppFleet } from './app-fleet';
import { buildFaultReport, type ExpectedHeapEvent } from './fault-report';
import { type FaultAction, type FaultApp, buildFaultSchedule, chunkOf } from './fault-schedule';

const REPO_ROOT = join(__dirname, '..', '..');
const DAY_MS = 86_400_000;

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
};

const seed = argValue('seed', 20_261_129);
const eventCount = argValue('events', 2000);
const deadlineMs = argValue('deadline-s', 360) * 1000;
const brokerRestart = !process.argv.includes('--no-broker-restart');

const started = Date.now();
const elapsed = (): number => Date.now() - started;
const log = (line: string): void =>
  console.log(`[fault ${(elapsed() / 1000).toFixed(1).padStart(6)}s] ${line}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** HubSpot sample events (oldest first) and what Heap must hold for them (mapper kind `track`). */
const buildData = (portalId: number, heapAppId: string) => {
  const recipients = Math.ceil(eventCount / 16) + 5;
  const raw = generateSampleEmailEvents({
    portalId,
    recipients,
    campaigns: 4,
    seed,
    startMs: Date.now() - 30 * DAY_MS,
  })
    .sort((a, b) => Number(a['created']) - Number(b['created']))
    .slice(0, eventCount);
  const expected: ExpectedHeapEvent[] = [];
  for (const event of raw) {
    const decision = mapEmailEventToHeap(toEmailEventRecord(event, portalId, 0, 'fault-suite'), {
      appId: heapAppId,
    });
    if (decision.kind === 'track') {
      const { idempotencyKey, identity, event: name, timestamp } = decision.event;
      expected.push({ idempotencyKey, identity, event: name, timestamp });
    }
  }
  return { raw, expected };
};

const restartBroker = (): void => {
  const stack = join(REPO_ROOT, 'scripts', 'stack.sh');
  execFileSync('bash', [stack, 'down'], { stdio: 'inherit', timeout: 90_000 });
  execFileSync('bash', [stack, 'up'], { stdio: 'inherit', timeout: 240_000 });
};

let running: AppFleet | undefined; // stopped on a crash of the suite itself, so no process outlives it

const main = async (): Promise<number> => {
  const portalId = randomInt(100_000_000, 900_000_000);
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const token = uniqueName('fault-token');
  const { raw, expected } = buildData(portalId, heapAppId);
  log(
    `seed ${seed}; portal ${portalId}; Heap app ${heapAppId}; ${raw.length} HubSpot events, ${expected.length} expected in Heap`,
  );

  // HubSpot: a tight rolling window (429 TEN_SECONDLY_ROLLING) plus injected 429 bursts.
  const hubspot = new HubSpotFake({ rateLimit: { enabled: true, max: 4, intervalMs: 10_000 } });
  hubspot.addAccessToken(token, portalId);
  // Heap: its real limits stay on; bursts of 429/5xx and slow answers are injected below.
  const heap = new HeapFake({ appIds: [heapAppId] });
  const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([hubspot.start(), heap.start()]);

  const endpoints = stackEndpoints();
  const platform = testPlatform('fault-suite');
  const groups = { identity: uniqueName('fault-identity'), writer: uniqueName('fault-writer') };
  await positionGroup(
    platform,
    groups.identity,
    HUBSPOT_EMAIL_EVENTS.name,
    await topicEnds(platform, HUBSPOT_EMAIL_EVENTS.name),
  );
  await positionGroup(
    platform,
    groups.writer,
    HEAP_TRACK_EVENTS.name,
    await topicEnds(platform, HEAP_TRACK_EVENTS.name),
  );
  await platform.close(); // reopened after the run: the broker restarts in between

  const common = {
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    DATABASE_URL: endpoints.databaseUrl,
    RETRY_PROFILE: 'test',
    HUBSPOT_BASE_URL: hubspotUrl,
    HUBSPOT_PORTALS: JSON.stringify([{ portalId, accessToken: token }]),
    POLL_INTERVAL_MS: '2000',
    POLL_INITIAL_START: String(Number(raw[0]?.['created'] ?? 0) - 1),
    TENANTS: JSON.stringify([{ portalId, heapAppId }]),
    HEAP_BASE_URL: heapUrl,
    HEAP_TIMEOUT_MS: '4000',
  };
  const envOf = (app: FaultApp): Record<string, string> =>
    app === 'identity-resolution'
      ? { ...common, CONSUMER_GROUP: groups.identity }
      : app === 'heap-writer'
        ? { ...common, CONSUMER_GROUP: groups.writer }
        : common;
  const fleet = new AppFleet(envOf, elapsed, log);
  running = fleet;
  await fleet.startAll();
  log('apps started');

  const chunks = 20;
  const schedule = buildFaultSchedule({
    seed,
    chunks,
    seedEveryMs: 4_000,
    killsPerApp: 2,
    killFromMs: 5_000,
    killToMs: 100_000,
    broker: brokerRestart ? { fromMs: 30_000, toMs: 60_000 } : false,
    heapEveryMs: 6_000,
    hubspotEveryMs: 25_000,
    faultsUntilMs: 110_000,
    maxHeapDelayMs: 6_000,
  });
  const sortedRaw = raw; // already oldest first: each chunk is newer than the watermark
  const flowStart = Date.now();
  let brokerRestarts = 0;
  const act = async (action: FaultAction): Promise<void> => {
    switch (action.kind) {
      case 'seed':
        hubspot.seedEmailEvents(portalId, chunkOf(sortedRaw, chunks, action.chunk));
        return;
      case 'kill':
        return fleet.kill(action.app);
      case 'broker-restart':
        log('broker restart: stack.sh down');
        restartBroker();
        brokerRestarts += 1;
        log('broker restart: stack.sh up done');
        return;
      case 'heap-fault':
        heap.failNext(action.count, { status: action.status, delayMs: action.delayMs });
        return;
      case 'hubspot-429':
        hubspot.failNext(action.count, { status: 429 });
    }
  };

  const expectedKeys = expected.map((e) => e.idempotencyKey);
  const allStored = (): boolean => {
    const keys = new Set(heap.events(heapAppId).map((e) => e.idempotencyKey));
    return expectedKeys.every((k) => keys.has(k));
  };
  let next = 0;
  let lastProgress = 0;
  // Bounded by the deadline and by the schedule's length; checks every 500 ms.
  while (Date.now() - started < deadlineMs) {
    while (next < schedule.length && schedule[next]!.atMs <= Date.now() - flowStart)
      await act(schedule[next++]!);
    await fleet.checkAlive();
    if (next >= schedule.length && allStored()) break;
    if (elapsed() - lastProgress >= 10_000) {
      lastProgress = elapsed();
      log(
        `progress: ${new Set(heap.events(heapAppId).map((e) => e.idempotencyKey)).size}/${expected.length} in Heap; actions ${next}/${schedule.length}`,
      );
    }
    await sleep(500);
  }
  const timedOut = !allStored();

  const report = buildFaultReport(
    hubspot.emailEventCount(portalId),
    expected,
    heap.events(heapAppId),
    heap.duplicatesRejected,
  );
  const readPlatform = testPlatform('fault-suite-report');
  const deadLetters = [
    ...(await readDeadLetters(readPlatform, HUBSPOT_EMAIL_EVENTS.name, { decode: false })),
    ...(await readDeadLetters(readPlatform, HEAP_TRACK_EVENTS.name, { decode: false })),
  ].filter((d) => d.consumerGroup === groups.identity || d.consumerGroup === groups.writer);
  const mine = deadLetters.filter(
    (d) => (d.key ?? '').startsWith(`${portalId}:`) || (d.key ?? '').startsWith(`${heapAppId}:`),
  );
  await readPlatform.close();
  await fleet.stopAll();
  await Promise.all([hubspot.stop(), heap.stop()]);

  const heapStatuses = new Map<number, number>();
  for (const r of heap.requests()) heapStatuses.set(r.status, (heapStatuses.get(r.status) ?? 0) + 1);
  const hubspotStatuses = new Map<number, number>();
  for (const r of hubspot.requests()) hubspotStatuses.set(r.status, (hubspotStatuses.get(r.status) ?? 0) + 1);
  const reasons = new Map<string, number>();
  for (const d of mine)
    reasons.set(`${d.errorClass}: ${d.reason}`, (reasons.get(`${d.errorClass}: ${d.reason}`) ?? 0) + 1);

  const ok = report.missing.length === 0 && report.duplicatesByContent === 0 && report.duplicatesByKey === 0;
  const lines = [
    '',
    '=== fault suite result ===',
    `seed                               ${seed}`,
    `duration                           ${(elapsed() / 1000).toFixed(1)} s${timedOut ? ' (deadline reached)' : ''}`,
    `events sent (HubSpot)              ${report.sent}`,
    `expected Heap events               ${report.expected}`,
    `unique events in Heap (by key)     ${report.uniqueInHeap}`,
    `duplicates in Heap by key          ${report.duplicatesByKey}`,
    `duplicates in Heap by content      ${report.duplicatesByContent}`,
    `absorbed duplicates (idempotency)  ${report.absorbedDuplicates}`,
    `missing                            ${report.missing.length}${report.missing.length ? ` e.g. ${report.missing.slice(0, 3).join(', ')}` : ''}`,
    `unexpected keys in Heap            ${report.unexpected.length}`,
    `dead-lettered (this run)           ${mine.length}`,
    ...[...reasons].map(([reason, n]) => `  ${n} × ${reason}`),
    `dead-lettered, other runs' records ${deadLetters.length - mine.length} (read by this run's groups)`,
    `kills / restarts                   ${fleet.kills} / ${fleet.restarts}`,
    `broker restarts                    ${brokerRestarts}`,
    `Heap answers                       ${[...heapStatuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
    `HubSpot answers                    ${[...hubspotStatuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
    `findings                           ${fleet.findings.length}`,
    ...fleet.findings.map(
      (f) =>
        `  [${(f.atMs / 1000).toFixed(1)}s] ${f.app} ${f.what}\n${f.outputTail.replace(/^/gm, '      ')}`,
    ),
    `verdict                            ${ok ? 'PASS' : 'FAIL'}`,
  ];
  console.log(lines.join('\n'));
  return ok ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await running?.stopAll().catch(() => undefined);
    process.exit(2);
  },
);
