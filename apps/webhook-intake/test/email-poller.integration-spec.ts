import type { KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_EMAIL_EVENTS, type HubSpotEmailEvent } from '@hubheap/schemas';
import {
  HubSpotFake,
  eventually,
  loadEmailEventFixtures,
  rateLimitBody,
  testPlatform,
} from '@hubheap/testing';
import { DataSource } from 'typeorm';
import { EmailPollStateRepository } from '../src/database/email-poll-state.repository';
import type { WebhookIntakeModuleOptions } from '../src/webhook-intake.module';
import { randomPortalId, startIntakeApp, type IntakeApp } from './intake-app.harness';
import { producedSince, topicEnds, type Offsets } from './topic-probe';

const fixtures = loadEmailEventFixtures();
const maxCreated = Math.max(...fixtures.map((e) => e['created'] as number));
const fixtureKeys = fixtures.map((e) => `${e['created']}/${e['id']}`).sort();
const keyOf = (e: HubSpotEmailEvent) => `${e.created}/${e.id}`;

describe('Email Events poller (real Kafka, registry, Postgres; HubSpot fake)', () => {
  let platform: KafkaPlatform;
  let hubspot: HubSpotFake;
  let baseUrl: string;
  const apps: IntakeApp[] = [];
  const portals: number[] = [];

  beforeAll(async () => {
    platform = testPlatform('webhook-intake-poller-it');
    hubspot = new HubSpotFake();
    ({ baseUrl } = await hubspot.start());
  });

  afterAll(async () => {
    const db = apps.find((a) => a.app.get(DataSource).isInitialized)?.app.get(DataSource);
    for (const table of ['seen_email_event', 'email_poll_cursor']) {
      await db?.query(`DELETE FROM webhook_intake.${table} WHERE portal_id = ANY($1)`, [portals]);
    }
    await Promise.all(apps.map((a) => a.close()));
    await hubspot?.stop();
    await platform?.close();
  });

  /** A portal with its own token, seeded with the 52 fixtures, and an app polling it (no background ticks). */
  const setUp = async (options: WebhookIntakeModuleOptions = {}) => {
    const portalId = randomPortalId();
    portals.push(portalId);
    const token = `token-${portalId}`;
    hubspot.addAccessToken(token, portalId);
    hubspot.seedEmailEvents(portalId, fixtures);
    const boot = async (extra: WebhookIntakeModuleOptions = {}) => {
      const app = await startIntakeApp({
        rateBudget: { windowMs: 100, transientStartingDelayMs: 10, dailyWaitMs: 400, maxWaitMs: 200 },
        ...options,
        ...extra,
        config: {
          hubspotBaseUrl: baseUrl,
          hubspotPortals: [{ portalId, accessToken: token }],
          pollInitialStart: Date.UTC(2014, 0, 1),
          pollIntervalMs: 3_600_000,
          ...options.config,
          ...extra.config,
        },
      });
      apps.push(app);
      return app;
    };
    const ours = (v: HubSpotEmailEvent) => v.portalId === portalId;
    const since = (before: Offsets) => producedSince(platform, HUBSPOT_EMAIL_EVENTS, before, ours);
    const ends = () => topicEnds(platform, HUBSPOT_EMAIL_EVENTS.name);
    const requestsOf = () => hubspot.requests().filter((r) => r.token === token);
    return { portalId, token, boot, since, ends, requestsOf };
  };

  const resultOf = (body: Awaited<ReturnType<IntakeApp['runOnce']>>, portalId: number) =>
    body.portals.find((p) => p.portalId === portalId)!;

  it('(d) 52 fixtures → exactly 52; again → 0; 3 more (one sharing the newest ms, one late) → exactly 3', async () => {
    const t = await setUp();
    const app = await t.boot();
    let before = await t.ends();
    expect(resultOf(await app.runOnce(), t.portalId)).toMatchObject({
      status: 'polled',
      produced: 52,
      watermark: maxCreated,
    });
    const first = await t.since(before);
    expect(first.map(keyOf).sort()).toEqual(fixtureKeys);

    before = await t.ends();
    expect(resultOf(await app.runOnce(), t.portalId)).toMatchObject({
      status: 'polled',
      produced: 0,
      fetched: expect.any(Number),
    });
    expect(await t.since(before)).toEqual([]);

    const newest = fixtures.find((e) => e['created'] === maxCreated)!;
    const more = [
      { ...newest, id: 'same-ms-as-newest' },
      { ...newest, id: 'late-within-lookback', created: maxCreated - 30 * 60_000 },
      { ...newest, id: 'newer', created: maxCreated + 1 },
    ];
    hubspot.seedEmailEvents(t.portalId, more);
    before = await t.ends();
    expect(resultOf(await app.runOnce(), t.portalId)).toMatchObject({
      status: 'polled',
      produced: 3,
      watermark: maxCreated + 1,
    });
    expect((await t.since(before)).map((e) => e.id).sort()).toEqual([
      'late-within-lookback',
      'newer',
      'same-ms-as-newest',
    ]);
    // filtered (bot) events are kept for the downstream mapper: excludeFilteredEvents=false
    expect(t.requestsOf().every((r) => r.query['excludeFilteredEvents'] === 'false')).toBe(true);
  });

  it('(d) crash after the produce, before the commit: the next run re-produces that window, no gap', async () => {
    const t = await setUp();
    const crashed = await t.boot();
    const repo = crashed.app.get(EmailPollStateRepository);
    jest
      .spyOn(repo, 'commitWindow')
      .mockRejectedValueOnce(new Error('simulated crash between produce and commit'));
    const before = await t.ends();
    expect(resultOf(await crashed.runOnce(), t.portalId)).toMatchObject({ status: 'error' });
    expect((await t.since(before)).map(keyOf).sort()).toEqual(fixtureKeys);
    await crashed.close(); // the "crashed" replica goes away, releasing its lock

    const restarted = await t.boot();
    expect(resultOf(await restarted.runOnce(), t.portalId)).toMatchObject({
      status: 'polled',
      produced: 52,
      watermark: maxCreated,
    });
    const all = await t.since(before);
    expect(all).toHaveLength(104); // at-least-once: exactly the uncommitted window again
    expect([...new Set(all.map(keyOf))].sort()).toEqual(fixtureKeys);
    expect(resultOf(await restarted.runOnce(), t.portalId)).toMatchObject({ status: 'polled', produced: 0 });

    // seen rows are kept only where a later window can reach: created >= watermark − lookback (1 h)
    const db = restarted.app.get(DataSource);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM webhook_intake.seen_email_event WHERE portal_id = $1`,
      [t.portalId],
    );
    expect(count).toBe(fixtures.filter((e) => (e['created'] as number) >= maxCreated - 3_600_000).length);
  });

  it('(d) two replicas polling one portal: only the advisory-lock holder polls; the other takes over when it stops', async () => {
    const t = await setUp();
    const [a, b] = [await t.boot(), await t.boot()];
    const before = await t.ends();
    const results = await Promise.all([a.runOnce(), b.runOnce()]);
    const statuses = results.map((r) => resultOf(r, t.portalId).status).sort();
    expect(statuses).toEqual(['not-leader', 'polled']);
    const [leader, follower] = resultOf(results[0]!, t.portalId).status === 'polled' ? [a, b] : [b, a];
    const requestsAfterFirst = t.requestsOf().length;
    expect(resultOf(await follower.runOnce(), t.portalId).status).toBe('not-leader');
    expect(t.requestsOf()).toHaveLength(requestsAfterFirst);
    expect(await t.since(before)).toHaveLength(52);

    await leader.close();
    expect(resultOf(await follower.runOnce(), t.portalId)).toMatchObject({ status: 'polled', produced: 0 });
  });

  it('(d) a TEN_SECONDLY_ROLLING 429 burst only delays the poll: every event once, nothing lost', async () => {
    const t = await setUp();
    const app = await t.boot();
    hubspot.failNext(3, { status: 429, path: '/email/public/v1/events' });
    const before = await t.ends();
    expect(resultOf(await app.runOnce(), t.portalId)).toMatchObject({ status: 'polled', produced: 52 });
    expect(t.requestsOf().filter((r) => r.status === 429)).toHaveLength(3);
    expect((await t.since(before)).map(keyOf).sort()).toEqual(fixtureKeys);
  });

  it('(d) a DAILY 429 blocks the portal longer than a poll waits: retriable error, no advance; a run after the block succeeds', async () => {
    const t = await setUp();
    const app = await t.boot();
    hubspot.failNext(1, { status: 429, body: rateLimitBody('DAILY'), path: '/email/public/v1/events' });
    const before = await t.ends();
    const failed = resultOf(await app.runOnce(), t.portalId);
    expect(failed).toMatchObject({ status: 'retriable-error' });
    expect(String(failed['error'])).toMatch(/DAILY/);
    expect(await app.app.get(EmailPollStateRepository).loadCursor(t.portalId, 0)).toMatchObject({
      watermark: null,
    });
    expect(await t.since(before)).toEqual([]);
    await eventually(async () => resultOf(await app.runOnce(), t.portalId)['status'] === 'polled', {
      timeoutMs: 10_000,
      message: 'a poll succeeds once the DAILY block is over',
    });
    expect((await t.since(before)).map(keyOf).sort()).toEqual(fixtureKeys);
  });

  it('(d) a window over POLL_MAX_WINDOW_EVENTS is halved until it fits; every event once, oldest first per partition', async () => {
    const t = await setUp({ config: { pollMaxWindowEvents: 10, pollPageLimit: 5 } });
    const app = await t.boot();
    const before = await t.ends();
    const result = resultOf(await app.runOnce(), t.portalId);
    expect(result).toMatchObject({ status: 'polled', produced: 52 });
    expect(result['windows']).toBeGreaterThan(5);
    const records = await t.since(before);
    expect(records.map(keyOf).sort()).toEqual(fixtureKeys);
    const byKey = new Map<string, number[]>();
    for (const r of records)
      byKey.set(HUBSPOT_EMAIL_EVENTS.keyOf(r), [
        ...(byKey.get(HUBSPOT_EMAIL_EVENTS.keyOf(r)) ?? []),
        r.created,
      ]);
    for (const createds of byKey.values()) expect(createds).toEqual([...createds].sort((x, y) => x - y));
  });

  it('(d) 401 from HubSpot: the portal is reported and logged by id, nothing produced', async () => {
    const t = await setUp();
    const app = await t.boot({
      config: { hubspotPortals: [{ portalId: t.portalId, accessToken: 'revoked-token' }] },
    });
    expect(resultOf(await app.runOnce(), t.portalId)).toMatchObject({ status: 'auth-error' });
    expect(
      app.logger.lines.some(
        (l) => l.startsWith('error') && l.includes(`portal ${t.portalId}`) && !l.includes('revoked-token'),
      ),
    ).toBe(true);
  });

  it('exposes Prometheus counters', async () => {
    const t = await setUp();
    const app = await t.boot();
    await app.runOnce();
    const metrics = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(metrics).toContain(`webhook_intake_email_events_produced_total{portal_id="${t.portalId}"} 52`);
    expect(metrics).toContain(
      `webhook_intake_email_polls_total{portal_id="${t.portalId}",status="polled"} 1`,
    );
  });
});
