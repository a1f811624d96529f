import { randomInt } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import { HubSpotFake, type HubSpotRequestRecord } from '@hubheap/testing';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { HubSpotRateBudget, type HubSpotRateBudgetOptions } from './rate-budget';
import type { WindowLimit } from './rate-budget.planner';
import { InMemoryRateBudgetStore, PostgresRateBudgetStore } from './rate-budget.store';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const randomPortalId = () => randomInt(900_000_000, 2_000_000_000);

/** Most requests of `log` inside any rolling window of `windowMs` (by arrival time at the fake). */
const busiestWindow = (log: HubSpotRequestRecord[], windowMs: number): number =>
  Math.max(0, ...log.map((r) => log.filter((o) => o.at > r.at - windowMs && o.at <= r.at).length));

describe('HubSpotRateBudget on Postgres (integration)', () => {
  const stores: PostgresRateBudgetStore[] = [];
  const budgets: HubSpotRateBudget[] = [];
  let db: Pool;
  let hubspot: HubSpotFake;
  const portals: number[] = [];

  const store = () => {
    const s = PostgresRateBudgetStore.fromDatabaseUrl(DATABASE_URL);
    stores.push(s);
    return s;
  };
  /** One "replica": its own pool and budget object, sharing nothing but Postgres. */
  const replica = (options: HubSpotRateBudgetOptions) => {
    const budget = new HubSpotRateBudget(store(), {
      safetyMarginRatio: 0,
      transientStartingDelayMs: 5,
      registry: new Registry(),
      ...options,
    });
    budgets.push(budget);
    return budget;
  };
  /** A portal with its own token at the fake, and an SDK client without its own retries (§7). */
  const portal = () => {
    const portalId = randomPortalId();
    portals.push(portalId);
    const token = `token-${portalId}`;
    hubspot.addAccessToken(token, portalId);
    const sdk = new Client({ accessToken: token, basePath: hubspot.baseUrl, numberOfApiCallRetries: 0 });
    const createList = (name: string) =>
      sdk.crm.lists.listsApi.create({ name, objectTypeId: '0-1', processingType: 'MANUAL' });
    const log = () => hubspot.requests().filter((r) => r.token === token);
    return { portalId, createList, log };
  };

  beforeAll(async () => {
    db = new Pool({ connectionString: DATABASE_URL, max: 1 });
    hubspot = new HubSpotFake();
    await hubspot.start();
  });

  afterAll(async () => {
    await Promise.all(budgets.map((b) => b.close()));
    await db.query('DELETE FROM hubspot_budget.portal_window WHERE portal_id = ANY($1)', [portals]);
    await db.end();
    await hubspot.stop();
  });

  it('creating the schema from several processes at once does not fail, and is idempotent', async () => {
    await Promise.all([store(), store(), store(), store()].map((s) => s.ensureSchema()));
    await store().ensureSchema();
    const { rows } = await db.query(
      "SELECT relpersistence FROM pg_class WHERE oid = 'hubspot_budget.portal_window'::regclass",
    );
    expect(rows).toEqual([{ relpersistence: 'u' }]);
  });

  it('the SQL statement and planGrant agree on a table of grants, waits and blocks', async () => {
    const limit: WindowLimit = { limit: 3, windowMs: 10_000 };
    const steps: Array<['acquire', number] | ['block', number, number]> = [
      ['acquire', 1_000],
      ['acquire', 1_000],
      ['acquire', 4_000],
      ['acquire', 5_000],
      ['acquire', 10_999],
      ['acquire', 11_000],
      ['acquire', 11_000],
      ['block', 11_500, 10_000],
      ['acquire', 12_000],
      ['block', 12_000, 2_000],
      ['acquire', 21_499],
      ['acquire', 21_500],
      ['acquire', 60_000],
    ];
    const sql = store();
    const memory = new InMemoryRateBudgetStore();
    const portalId = randomPortalId();
    portals.push(portalId);
    const answers = async (s: PostgresRateBudgetStore | InMemoryRateBudgetStore) => {
      const out: unknown[] = [];
      for (const step of steps) {
        if (step[0] === 'acquire') out.push(await s.acquire(portalId, limit, step[1]));
        else await s.block(portalId, step[2], 'TEN_SECONDLY_ROLLING', step[1]);
      }
      return out;
    };
    const fromSql = await answers(sql);
    expect(fromSql).toEqual(await answers(memory));
    expect(fromSql.map((a) => (a as { waitMs: number }).waitMs)).toEqual([
      0, 0, 0, 6_000, 1, 0, 0, 9_500, 1, 0, 0,
    ]);
  });

  it('a 429 marks the portal in Postgres: another replica waits for it too', async () => {
    const { portalId } = portal();
    const limit = { limit: 100, windowMs: 10_000 };
    await store().block(portalId, 5_000, 'TEN_SECONDLY_ROLLING');
    const answer = await store().acquire(portalId, limit);
    expect(answer.blockedBy).toBe('TEN_SECONDLY_ROLLING');
    expect(answer.waitMs).toBeGreaterThan(4_000);
    expect(answer.waitMs).toBeLessThanOrEqual(5_000);
  });

  it('two replicas sharing a budget of N per window never send more than N in any window (fake: N per window, 429 beyond)', async () => {
    const N = 5;
    const fakeWindowMs = 1_000;
    hubspot.setRateLimit({ enabled: true, max: N, intervalMs: fakeWindowMs });
    const t = portal();
    // Budget window = HubSpot's + slack for the time between our grant and the request's arrival.
    const [a, b] = [1, 2].map(() => replica({ requestsPerWindow: N, windowMs: fakeWindowMs + 500 }));
    const names = Array.from({ length: 24 }, (_, i) => `budget-${t.portalId}-${i}`);
    const lists = await Promise.all(
      names.map((name, i) => (i % 2 ? a! : b!).run(t.portalId, () => t.createList(name))),
    );
    expect(lists.map((l) => l.list.name).sort()).toEqual([...names].sort());
    const log = t.log();
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    expect(log).toHaveLength(names.length);
    expect(busiestWindow(log, fakeWindowMs)).toBeLessThanOrEqual(N);
    expect(hubspot.lists(t.portalId)).toHaveLength(names.length);
  });

  it('a burst of TEN_SECONDLY_ROLLING 429s delays every replica, and every call succeeds exactly once', async () => {
    hubspot.setRateLimit({ enabled: false });
    const t = portal();
    const windowMs = 400;
    const [a, b] = [1, 2].map(() => replica({ requestsPerWindow: 50, windowMs }));
    hubspot.failNext(4, { status: 429 });
    const started = Date.now();
    const names = Array.from({ length: 10 }, (_, i) => `burst-${t.portalId}-${i}`);
    await Promise.all(
      names.map(async (name, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 20));
        return (i % 2 ? a! : b!).run(t.portalId, () => t.createList(name));
      }),
    );
    const log = t.log();
    const limited = log.filter((r) => r.status === 429);
    expect(limited).toHaveLength(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(windowMs);
    // Calls that started after the first 429 was marked only reach HubSpot once the block is over.
    const firstLimitedAt = limited[0]!.at;
    const successes = log.filter((r) => r.status < 300);
    expect(successes).toHaveLength(names.length);
    expect(
      successes.filter((r) => r.at > firstLimitedAt + 100 && r.at < firstLimitedAt + windowMs - 50),
    ).toEqual([]);
    expect(
      hubspot
        .lists(t.portalId)
        .map((l) => l.name)
        .sort(),
    ).toEqual([...names].sort());
  });
});
