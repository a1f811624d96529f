import { randomInt } from 'node:crypto';
import { mapEmailEventToHeap, toEmailEventRecord } from '@hubheap/hubspot';
import { consumerGroupLag, type KafkaPlatform } from '@hubheap/kafka';
import { HEAP_TRACK_EVENTS, HUBSPOT_EMAIL_EVENTS } from '@hubheap/schemas';
import {
  type AppProcess,
  HeapFake,
  HubSpotFake,
  collect,
  eventually,
  freePort,
  generateSampleEmailEvents,
  positionGroup,
  stackEndpoints,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import { DataSource } from 'typeorm';
import { runEmailEventsImport, type EmailEventsImportRequest } from '../src/import/email-import';
import { IMPORT_MIGRATIONS, openImportDatabase, OPS_CLI_DB_SCHEMA } from '../src/import/import-database';
import { MemoryOutput } from '../src/import/import-output';
import { LineProgress, type ImportProgress } from '../src/import/import-progress';
import type { WindowProgress } from '../src/import/email-import.runner';

// Historical import against real Kafka, registry and Postgres, the HubSpot fake as source and
// identity-resolution + heap-writer (own processes) writing to the Heap fake.

const DAY = 86_400_000;
const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2024, 0, 8); // the sample events span 2024-01-01 .. 2024-01-06
const FAST_RETRY = {
  numberOfApiCallRetries: 2,
  retryDelaysMs: { serverError: 10, tenSecondlyRolling: 10, secondly: 10 },
};

/** Portals this run created; their import_job rows are removed afterwards. */
const testPortals: number[] = [];

/** A portal of its own: token, sample events in the HubSpot fake. */
const seedPortal = (hubspot: HubSpotFake, seed: number) => {
  const portalId = randomInt(100_000_000, 999_999_999);
  testPortals.push(portalId);
  const token = uniqueName('import-token');
  const events = generateSampleEmailEvents({
    portalId,
    recipients: 6,
    campaigns: 4,
    seed,
    startMs: FROM + 100_000,
  });
  hubspot.addAccessToken(token, portalId);
  hubspot.seedEmailEvents(portalId, events);
  return { portalId, token, events };
};

/** Progress that records windows and lets a test act after the n-th one (e.g. break HubSpot). */
class ScriptedProgress implements ImportProgress {
  readonly windows: WindowProgress[] = [];
  constructor(private readonly afterWindow: (n: number) => void = () => undefined) {}
  start(): void {}
  window(progress: WindowProgress): void {
    this.windows.push(progress);
    this.afterWindow(this.windows.length);
  }
  stop(): void {}
}

describe('ops-cli import email-events (real Kafka, registry, Postgres; HubSpot and Heap fakes)', () => {
  const hubspot = new HubSpotFake();
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const heap = new HeapFake({ appIds: [heapAppId] });
  const platform: KafkaPlatform = testPlatform('ops-cli-import-it');
  const apps: AppProcess[] = [];
  const identityGroup = uniqueName('import-it-identity');
  const writerGroup = uniqueName('import-it-writer');
  const main = seedPortal(hubspot, 11);
  const output = new MemoryOutput();
  let db: DataSource;

  const importOf = (
    request: Partial<EmailEventsImportRequest>,
    progress: ImportProgress = new LineProgress(output),
  ) =>
    runEmailEventsImport(
      { windowMs: DAY, baseUrl: hubspot.baseUrl, ...request },
      { output, progress, retry: FAST_RETRY, minRequestIntervalMs: 0 },
    );

  beforeAll(async () => {
    const [, { baseUrl: heapUrl }] = await Promise.all([hubspot.start(), heap.start()]);
    await platform.provision([HUBSPOT_EMAIL_EVENTS, HEAP_TRACK_EVENTS]);
    // Fresh groups start at today's topic ends: the shared topics hold other runs' tenants.
    await positionGroup(
      platform,
      identityGroup,
      HUBSPOT_EMAIL_EVENTS.name,
      await topicEnds(platform, HUBSPOT_EMAIL_EVENTS.name),
    );
    await positionGroup(
      platform,
      writerGroup,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = stackEndpoints();
    const env = {
      KAFKA_BROKERS: kafkaBrokers,
      SCHEMA_REGISTRY_URL: schemaRegistryUrl,
      DATABASE_URL: databaseUrl,
      RETRY_PROFILE: 'test',
      TENANTS: JSON.stringify([{ portalId: main.portalId, heapAppId, emailProperty: 'identity' }]),
      HEAP_BASE_URL: heapUrl,
    };
    const [identityPort, writerPort] = [await freePort(), await freePort()];
    apps.push(await startApp('identity-resolution', identityPort, { ...env, CONSUMER_GROUP: identityGroup }));
    apps.push(await startApp('heap-writer', writerPort, { ...env, CONSUMER_GROUP: writerGroup }));
    db = await openImportDatabase(databaseUrl);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db?.query(`DELETE FROM ${OPS_CLI_DB_SCHEMA}.import_job WHERE portal_id = ANY($1)`, [testPortals]);
    await db?.destroy();
    await platform.close();
    await Promise.all([hubspot.stop(), heap.stop()]);
  });

  const jobRow = async (id: string) =>
    (
      (await db.query(`SELECT * FROM ${OPS_CLI_DB_SCHEMA}.import_job WHERE id = $1`, [id])) as Record<
        string,
        unknown
      >[]
    )[0];

  it('imports every event once into Heap; a second import over the same range adds nothing', async () => {
    // What Heap must hold, from the raw events and the libs/hubspot mapping (skips: filtered, obsoleted, ...).
    const expectedKeys = main.events
      .map((raw) => mapEmailEventToHeap(toEmailEventRecord(raw, main.portalId, 0, 'x'), { appId: heapAppId }))
      .flatMap((d) => (d.kind === 'track' ? [d.event.idempotencyKey] : []))
      .sort();
    expect(expectedKeys.length).toBeGreaterThan(80);
    const stored = () => heap.events(heapAppId).map((e) => ({ ...e }));
    const storedKeys = () =>
      stored()
        .map((e) => String(e.idempotencyKey))
        .sort();

    const first = await importOf({ portalId: main.portalId, fromMs: FROM, toMs: TO, token: main.token });
    expect(first).toMatchObject({
      status: 'completed',
      fetched: main.events.length,
      produced: main.events.length,
    });
    expect(first.windowsDone).toBe(7);
    expect(first.typeCounts['SENT']).toBe(main.events.filter((e) => e['type'] === 'SENT').length);
    expect(await jobRow(first.importId!)).toMatchObject({
      status: 'completed',
      next_window_start: String(TO),
      produced: String(main.events.length),
      windows_done: 7,
    });

    await eventually(() => storedKeys().length >= expectedKeys.length, {
      timeoutMs: 90_000,
      message: 'every imported event in Heap',
    });
    expect(storedKeys()).toEqual(expectedKeys);
    const before = stored();
    const duplicatesBefore = heap.duplicatesRejected;

    const second = await importOf({ portalId: main.portalId, fromMs: FROM, toMs: TO, token: main.token });
    expect(second.status).toBe('completed');
    expect(second.importId).not.toBe(first.importId);
    expect(second.produced).toBe(main.events.length); // duplicates on Kafka, on purpose ...

    // ... absorbed at Heap by the idempotency key: every repeat rejected, nothing stored.
    await eventually(() => heap.duplicatesRejected - duplicatesBefore >= expectedKeys.length, {
      timeoutMs: 90_000,
      message: 'the second import reached Heap as duplicates',
    });
    const admin = await platform.admin();
    await eventually(
      async () => (await consumerGroupLag(admin, identityGroup, HUBSPOT_EMAIL_EVENTS.name)) === 0,
      {
        timeoutMs: 60_000,
        message: 'identity-resolution caught up',
      },
    );
    await eventually(async () => (await consumerGroupLag(admin, writerGroup, HEAP_TRACK_EVENTS.name)) === 0, {
      timeoutMs: 60_000,
      message: 'heap-writer caught up',
    });
    expect(stored()).toEqual(before);
  }, 240_000);

  it('a HubSpot failure mid-way fails the job after some windows; --resume completes it with no gap', async () => {
    const other = seedPortal(hubspot, 23);
    const ends = await topicEnds(platform, HUBSPOT_EMAIL_EVENTS.name);
    const breakAfterTwo = new ScriptedProgress((n) => {
      if (n === 2) hubspot.failNext(1, { status: 401, path: '/email/public/v1/events' });
    });
    // A small cap also sends the import through halved windows.
    const request = {
      portalId: other.portalId,
      fromMs: FROM,
      toMs: TO,
      token: other.token,
      maxWindowEvents: 15,
    };
    const failed = await importOf(request, breakAfterTwo);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/HubSpotAuthError/);
    expect(breakAfterTwo.windows.some((w) => w.narrowed)).toBe(true);
    const stoppedAt = breakAfterTwo.windows[1]!.window.endMs;
    expect(await jobRow(failed.importId!)).toMatchObject({
      status: 'failed',
      next_window_start: String(stoppedAt),
    });

    const resumed = await importOf({ resume: failed.importId!, token: other.token, maxWindowEvents: 15 });
    expect(resumed).toMatchObject({ status: 'completed', importId: failed.importId, windowsDone: 7 });
    expect(resumed.produced).toBe(other.events.length); // job totals: no window produced twice, none skipped
    expect(await jobRow(failed.importId!)).toMatchObject({ status: 'completed', last_error: null });

    const again = await importOf({ resume: failed.importId!, token: other.token });
    expect(again).toMatchObject({ status: 'completed', produced: other.events.length });

    const topic = await collect(
      platform,
      HUBSPOT_EMAIL_EVENTS,
      uniqueName('import-it-check'),
      ends,
      (r) => r.value.portalId === other.portalId,
    );
    try {
      const want = other.events.map((e) => `${e['created']}/${e['id']}`).sort();
      await eventually(() => topic.records.length >= want.length, {
        timeoutMs: 30_000,
        message: 'records on topic',
      });
      expect(topic.records.map((r) => `${r.value.created}/${r.value.id}`).sort()).toEqual(want);
      expect(topic.records.every((r) => r.value.source === 'import')).toBe(true);
    } finally {
      await topic.stop();
    }
  }, 120_000);

  it('refuses to resume an unknown import and a dry run records nothing', async () => {
    await expect(
      importOf({ resume: '00000000-0000-0000-0000-000000000000', token: main.token }),
    ).rejects.toThrow(/no import with id/);
    const dry = await importOf({
      portalId: main.portalId,
      fromMs: FROM,
      toMs: TO,
      token: main.token,
      dryRun: true,
    });
    expect(dry).toMatchObject({
      status: 'dry-run',
      importId: null,
      fetched: main.events.length,
      produced: 0,
    });
  });

  it('the import_job migration is reversible', async () => {
    const schema = uniqueName('ops_cli_it').replace(/-/g, '_');
    const scratch = await openImportDatabase(stackEndpoints().databaseUrl, schema);
    const tables = async () =>
      (await scratch.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
        schema,
      ])) as unknown[];
    try {
      expect(await tables()).toContainEqual({ table_name: 'import_job' });
      for (let i = 0; i < IMPORT_MIGRATIONS.length; i += 1) await scratch.undoLastMigration();
      expect(await tables()).not.toContainEqual({ table_name: 'import_job' });
    } finally {
      await scratch.query(`DROP SCHEMA "${schema}" CASCADE`);
      await scratch.destroy();
    }
  });
});
