import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubSpotRateBudget, PostgresRateBudgetStore } from '@hubheap/hubspot';
import type { KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_WEBHOOK_EVENTS } from '@hubheap/schemas';
import {
  HubSpotFake,
  type HubSpotContactSeed,
  collect,
  eventually,
  fixturesDir,
  stackEndpoints,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import type { DataSource } from 'typeorm';
import { runContactBackfill, type ContactBackfillRequest } from '../src/contacts/contact-backfill';
import type { ContactPageProgress } from '../src/contacts/contact-backfill.runner';
import type { ContactProgress } from '../src/contacts/contact-backfill.progress';
import {
  CONTACT_IMPORT_MIGRATIONS,
  openContactImportDatabase,
} from '../src/contacts/contact-import-database';
import { OPS_CLI_DB_SCHEMA } from '../src/import/import-database';
import { MemoryOutput } from '../src/import/import-output';

// `import contacts` against real Kafka, registry and Postgres with the HubSpot fake as source, seeded with
// the 12 fixture contacts (contacts.jsonl) plus generated ones so the portal spans several 100-contact pages.

/** contacts.jsonl lines as fake seeds: CRM v3 values stringified (Airbyte typed them), v1 `{value}` unwrapped. */
const fixtureSeeds = (): HubSpotContactSeed[] =>
  readFileSync(join(fixturesDir(), 'contacts.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((raw) => {
      if (typeof raw['id'] === 'string') {
        const props = raw['properties'] as Record<string, unknown>;
        return {
          id: raw['id'],
          properties: Object.fromEntries(
            Object.entries(props).map(([k, v]) => [k, v === null ? null : String(v)]),
          ),
        };
      }
      const props = raw['properties'] as Record<string, { value: string }>;
      return {
        id: String(raw['vid']),
        properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.value])),
      };
    });

/** Generated contacts above the fixture ids: every 7th without email. */
const generatedSeeds = (count: number): HubSpotContactSeed[] =>
  Array.from({ length: count }, (_, i) => ({
    id: String(10_000 + i),
    properties: {
      email: i % 7 === 6 ? null : `gen${i}@example.com`,
      firstname: `Gen ${i}`,
      lastmodifieddate: String(Date.UTC(2025, 0, 1) + i * 1000),
    },
  }));

/** Progress that records pages and lets a test act after the n-th one (e.g. break HubSpot). */
class ScriptedProgress implements ContactProgress {
  readonly pages: ContactPageProgress[] = [];
  started?: { total: number | undefined; done: number };
  constructor(private readonly afterPage: (n: number) => void = () => undefined) {}
  start(total: number | undefined, done: number): void {
    this.started = { total, done };
  }
  page(progress: ContactPageProgress): void {
    this.pages.push(progress);
    this.afterPage(this.pages.length);
  }
  stop(): void {}
}

describe('ops-cli import contacts (real Kafka, registry, Postgres; HubSpot fake)', () => {
  const hubspot = new HubSpotFake();
  const platform: KafkaPlatform = testPlatform('ops-cli-contacts-it');
  const testPortals: number[] = [];
  const output = new MemoryOutput();
  let db: DataSource;
  // The shared rate budget as the command uses it, with short test waits: 2 attempts on 5xx, 1 s window.
  const gate = new HubSpotRateBudget(PostgresRateBudgetStore.fromDatabaseUrl(stackEndpoints().databaseUrl), {
    windowMs: 1000,
    transientAttempts: 2,
    transientStartingDelayMs: 10,
    transientMaxDelayMs: 20,
  });

  const seedPortal = (generated: number) => {
    const portalId = randomInt(100_000_000, 999_999_999);
    testPortals.push(portalId);
    const token = uniqueName('contacts-token');
    hubspot.addAccessToken(token, portalId);
    hubspot.seedContacts(portalId, [...fixtureSeeds(), ...generatedSeeds(generated)]);
    return { portalId, token, contacts: hubspot.contacts(portalId) };
  };

  const importOf = (request: ContactBackfillRequest, progress: ContactProgress = new ScriptedProgress()) =>
    runContactBackfill(
      { baseUrl: hubspot.baseUrl, ...request },
      { output, progress, gate, env: { ...process.env, ...dbEnv() } },
    );
  const dbEnv = () => {
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = stackEndpoints();
    return { KAFKA_BROKERS: kafkaBrokers, SCHEMA_REGISTRY_URL: schemaRegistryUrl, DATABASE_URL: databaseUrl };
  };

  const jobRow = async (id: string) =>
    (
      (await db.query(`SELECT * FROM ${OPS_CLI_DB_SCHEMA}.contact_import_job WHERE id = $1`, [id])) as Record<
        string,
        unknown
      >[]
    )[0];

  beforeAll(async () => {
    await hubspot.start();
    await platform.provision([HUBSPOT_WEBHOOK_EVENTS]);
    db = await openContactImportDatabase(stackEndpoints().databaseUrl);
  }, 60_000);

  afterAll(async () => {
    await db?.query(`DELETE FROM ${OPS_CLI_DB_SCHEMA}.contact_import_job WHERE portal_id = ANY($1)`, [
      testPortals,
    ]);
    await db?.destroy();
    await platform.close();
    await gate.close();
    await hubspot.stop();
  });

  it('a HubSpot 500 burst after page 2 fails the job; a rerun continues it with every contact produced once', async () => {
    const portal = seedPortal(230);
    const withEmail = portal.contacts.filter((c) => (c.properties['email'] ?? '').trim() !== '');
    expect(portal.contacts).toHaveLength(242);
    expect(withEmail.length).toBeGreaterThan(190);
    const ends = await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name);

    const breakAfterTwo = new ScriptedProgress((n) => {
      if (n === 2) hubspot.failNext(2, { status: 500, path: '/crm/v3/objects/contacts' });
    });
    const failed = await importOf({ portalId: portal.portalId, token: portal.token }, breakAfterTwo);
    expect(failed).toMatchObject({ status: 'failed', pages: 2, read: 200, total: 242 });
    expect(failed.error).toMatch(/HubSpotRetriableError/);
    expect(breakAfterTwo.started).toEqual({ total: 242, done: 0 });
    const row = await jobRow(failed.importId!);
    expect(row).toMatchObject({ status: 'failed', pages: 2, read: '200' });
    expect(row!['after_cursor']).toEqual(expect.any(String));

    const resumedProgress = new ScriptedProgress();
    const resumed = await importOf({ portalId: portal.portalId, token: portal.token }, resumedProgress);
    expect(resumed).toMatchObject({
      status: 'completed',
      importId: failed.importId,
      pages: 3,
      read: 242,
      emitted: withEmail.length,
      withoutEmail: 242 - withEmail.length,
    });
    expect(resumedProgress.started).toEqual({ total: 242, done: 200 });
    expect(output.lines).toContain(
      `continuing contact import ${failed.importId} after 200 contacts (2 pages)`,
    );

    const again = await importOf({ portalId: portal.portalId, token: portal.token });
    expect(again).toMatchObject({ status: 'already-completed', importId: failed.importId, read: 242 });

    // Every list request pages at ≤ 100 and asks for the email only.
    const lists = hubspot
      .requests()
      .filter((r) => r.path === '/crm/v3/objects/contacts' && r.token === portal.token);
    expect(lists.length).toBeGreaterThanOrEqual(4);
    expect(lists.every((r) => Number(r.query['limit']) <= 100 && r.query['properties'] === 'email')).toBe(
      true,
    );

    const topic = await collect(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      uniqueName('contacts-it-check'),
      ends,
      (r) => r.value.portalId === portal.portalId,
    );
    try {
      await eventually(() => topic.records.length >= withEmail.length, {
        timeoutMs: 30_000,
        message: 'every backfill record on the topic',
      });
      const got = topic.records
        .map((r) => ({ key: r.key, ...r.value, rawJson: JSON.parse(r.value.rawJson) as { id: string } }))
        .sort((a, b) => Number(a.objectId) - Number(b.objectId));
      expect(got.map((r) => r.objectId)).toEqual(withEmail.map((c) => c.id)); // none twice, none missing
      got.forEach((r, i) => {
        const contact = withEmail[i]!;
        expect(r).toMatchObject({
          key: `${portal.portalId}:${contact.id}`,
          portalId: portal.portalId,
          eventId: `backfill:${contact.id}`,
          subscriptionType: 'contact.propertyChange',
          propertyName: 'email',
          propertyValue: contact.properties['email'],
          changeSource: 'HUBHEAP_BACKFILL',
          occurredAt: Date.parse(contact.updatedAt),
          mergedObjectIds: [],
        });
        expect(r.rawJson.id).toBe(contact.id);
      });
      // The fixture contacts: user9 is 201's email, 651 carries it only as an additional email.
      expect(got.find((r) => r.objectId === '201')?.propertyValue).toBe('user9@example.com');
      expect(got.find((r) => r.objectId === '651')?.propertyValue).toBe('user12@example.com');
      expect(got.some((r) => r.objectId === '3234574')).toBe(false); // hull contact: no email property
    } finally {
      await topic.stop();
    }
  }, 120_000);

  it('--since reads only contacts modified since then, through search pages keyed by hs_object_id', async () => {
    const portal = seedPortal(230);
    const sinceMs = Date.UTC(2025, 0, 1) + 100_000; // generated contact i is modified at 2025-01-01 + i s
    const modified = portal.contacts.filter((c) => Date.parse(c.updatedAt) >= sinceMs);
    const withEmail = modified.filter((c) => (c.properties['email'] ?? '').trim() !== '');
    expect(modified.length).toBeGreaterThan(100); // more than one search page
    expect(modified.length).toBeLessThan(portal.contacts.length);
    const ends = await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name);

    const result = await importOf({ portalId: portal.portalId, token: portal.token, sinceMs });
    expect(result).toMatchObject({
      status: 'completed',
      pages: 2,
      read: modified.length,
      total: modified.length,
      emitted: withEmail.length,
      withoutEmail: modified.length - withEmail.length,
    });
    const searches = hubspot
      .requests()
      .filter((r) => r.path === '/crm/v3/objects/contacts/search' && r.token === portal.token);
    expect(searches.length).toBeGreaterThanOrEqual(3); // the total, then two pages
    expect(
      hubspot.requests().some((r) => r.path === '/crm/v3/objects/contacts' && r.token === portal.token),
    ).toBe(false);

    const topic = await collect(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      uniqueName('contacts-it-since'),
      ends,
      (r) => r.value.portalId === portal.portalId,
    );
    try {
      await eventually(() => topic.records.length >= withEmail.length, {
        timeoutMs: 30_000,
        message: 'every modified contact on the topic',
      });
      expect(topic.records.map((r) => r.value.objectId).sort()).toEqual(withEmail.map((c) => c.id).sort());
    } finally {
      await topic.stop();
    }
  }, 60_000);

  it('an interrupted run (abort after page 1) is continued by the next run', async () => {
    const portal = seedPortal(150);
    const controller = new AbortController();
    const interrupted = await runContactBackfill(
      { baseUrl: hubspot.baseUrl, portalId: portal.portalId, token: portal.token },
      {
        output,
        progress: new ScriptedProgress(() => controller.abort()),
        gate,
        signal: controller.signal,
        env: { ...process.env, ...dbEnv() },
      },
    );
    expect(interrupted).toMatchObject({ status: 'interrupted', pages: 1, read: 100 });
    expect(await jobRow(interrupted.importId!)).toMatchObject({ status: 'failed', pages: 1 });
    const resumed = await importOf({ portalId: portal.portalId, token: portal.token });
    expect(resumed).toMatchObject({
      status: 'completed',
      importId: interrupted.importId,
      pages: 2,
      read: 162,
    });
  }, 60_000);

  it('--restart starts a new job; a dry run records nothing', async () => {
    const portal = seedPortal(0);
    // A 429 on the first page: the rate budget waits out the window and retries, nothing is lost.
    hubspot.failNext(1, { status: 429, path: '/crm/v3/objects/contacts' });
    const first = await importOf({ portalId: portal.portalId, token: portal.token });
    expect(first).toMatchObject({ status: 'completed', pages: 1, read: 12, withoutEmail: 2, emitted: 10 });
    const lists = hubspot
      .requests()
      .filter((r) => r.path === '/crm/v3/objects/contacts' && r.token === portal.token);
    expect(lists.map((r) => r.status)).toEqual([429, 200]);
    const restarted = await importOf({ portalId: portal.portalId, token: portal.token, restart: true });
    expect(restarted).toMatchObject({ status: 'completed', read: 12, emitted: 10 });
    expect(restarted.importId).not.toBe(first.importId);
    const dry = await importOf({ portalId: portal.portalId, token: portal.token, dryRun: true });
    expect(dry).toMatchObject({ status: 'dry-run', importId: null, read: 12, emitted: 0, withoutEmail: 2 });
    const rows = (await db.query(
      `SELECT count(*)::int AS n FROM ${OPS_CLI_DB_SCHEMA}.contact_import_job WHERE portal_id = $1`,
      [portal.portalId],
    )) as Array<{ n: number }>;
    expect(rows[0]!.n).toBe(2);
  }, 60_000);

  it('an unknown token fails with a clear error and the contact_import_job migration is reversible', async () => {
    const portalId = randomInt(100_000_000, 999_999_999);
    testPortals.push(portalId);
    const failed = await importOf({ portalId, token: 'not-a-token' });
    expect(failed).toMatchObject({ status: 'failed', read: 0 });
    expect(failed.error).toMatch(/HubSpotAuthError/);

    const schema = uniqueName('ops_cli_contacts_it').replace(/-/g, '_');
    const scratch = await openContactImportDatabase(stackEndpoints().databaseUrl, schema);
    const tables = async () =>
      (await scratch.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
        schema,
      ])) as unknown[];
    try {
      expect(await tables()).toContainEqual({ table_name: 'contact_import_job' });
      for (let i = 0; i < CONTACT_IMPORT_MIGRATIONS.length; i += 1) await scratch.undoLastMigration();
      expect(await tables()).not.toContainEqual({ table_name: 'contact_import_job' });
    } finally {
      await scratch.query(`DROP SCHEMA "${schema}" CASCADE`);
      await scratch.destroy();
    }
  });
});
