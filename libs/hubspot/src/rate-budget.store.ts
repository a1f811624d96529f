import { Pool } from 'pg';
import { planBlock, planGrant, type PortalWindowState, type WindowLimit } from './rate-budget.planner';

/** Answer of {@link RateBudgetStore.acquire}: 0 = granted (the call is counted), else wait this long (ms). */
export interface BudgetAnswer {
  waitMs: number;
  /** The 429 policyName the portal is blocked by, when the wait comes from a block. */
  blockedBy: string | null;
}

/** Where portal windows live: Postgres across processes, or memory inside one (unit tests). */
export interface RateBudgetStore {
  /** Grants one call of `portalId` at `nowMs` (default: the store's clock) or says how long to wait. */
  acquire(portalId: number, limit: WindowLimit, nowMs?: number): Promise<BudgetAnswer>;
  /** Blocks `portalId` for `waitMs` from `nowMs` (never shortens a longer block). */
  block(portalId: number, waitMs: number, policy: string, nowMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The schema this lib owns in every app's database (shared by all apps on the same Postgres). */
export const RATE_BUDGET_SCHEMA = 'hubspot_budget';
const TABLE = `${RATE_BUDGET_SCHEMA}.portal_window`;

// UNLOGGED: the state is worth at most one window; losing it on a crash costs nothing (HubSpot's 429s
// rebuild it), and skipping the WAL keeps one grant one cheap row update.
const DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${RATE_BUDGET_SCHEMA}`,
  `CREATE UNLOGGED TABLE IF NOT EXISTS ${TABLE} (
     portal_id      bigint PRIMARY KEY,
     grants         bigint[] NOT NULL DEFAULT '{}',
     blocked_until  bigint NOT NULL DEFAULT 0,
     blocked_policy text,
     last_wait_ms   bigint NOT NULL DEFAULT 0,
     updated_at     timestamptz NOT NULL DEFAULT now()
   )`,
];

const NOW_MS = `COALESCE($NOW::bigint, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;

// One round trip, atomic per portal: ON CONFLICT locks the portal's row and evaluates the SET on its
// newest version, so concurrent callers (any replica, any app) queue on that row. Same rule as planGrant.
const ACQUIRE = `
WITH clock AS (SELECT ${NOW_MS.replace('$NOW', '$4')} AS now_ms)
INSERT INTO ${TABLE} AS w (portal_id, grants, last_wait_ms)
SELECT $1::bigint, ARRAY[clock.now_ms], 0 FROM clock
ON CONFLICT (portal_id) DO UPDATE SET (grants, last_wait_ms, updated_at) = (
  SELECT CASE WHEN d.wait_ms = 0 THEN d.live || d.now_ms ELSE d.live END, d.wait_ms, now()
  FROM (
    SELECT l.now_ms, l.live,
      CASE
        WHEN w.blocked_until > l.now_ms THEN w.blocked_until - l.now_ms
        WHEN cardinality(l.live) >= $2::int
          THEN l.live[cardinality(l.live) - $2::int + 1] + $3::bigint - l.now_ms
        ELSE 0
      END AS wait_ms
    FROM (
      SELECT c.now_ms,
        ARRAY(SELECT g FROM unnest(w.grants) AS g WHERE g > c.now_ms - $3::bigint ORDER BY g) AS live
      FROM clock c
    ) l
  ) d
)
RETURNING last_wait_ms::text AS wait_ms,
  CASE WHEN blocked_until > ${NOW_MS.replace('$NOW', '$4')} THEN blocked_policy END AS blocked_by`;

const BLOCK = `
WITH clock AS (SELECT ${NOW_MS.replace('$NOW', '$4')} AS now_ms)
INSERT INTO ${TABLE} AS w (portal_id, blocked_until, blocked_policy)
SELECT $1::bigint, clock.now_ms + $2::bigint, $3::text FROM clock
ON CONFLICT (portal_id) DO UPDATE SET
  blocked_policy = CASE WHEN EXCLUDED.blocked_until >= w.blocked_until THEN EXCLUDED.blocked_policy ELSE w.blocked_policy END,
  blocked_until = GREATEST(w.blocked_until, EXCLUDED.blocked_until),
  updated_at = now()`;

/**
 * Portal windows in Postgres (schema `hubspot_budget`, created on first use), shared by every replica
 * of every app pointing at the same database. Time is Postgres' `clock_timestamp()` so replicas with
 * skewed clocks still agree; `nowMs` overrides it (tests). Throws pg errors when Postgres is unreachable.
 */
export class PostgresRateBudgetStore implements RateBudgetStore {
  private schemaReady?: Promise<void>;
  private closed = false;

  /** @param ownsPool true → {@link close} ends `pool`. */
  constructor(
    private readonly pool: Pool,
    private readonly ownsPool = false,
  ) {}

  /** A store on its own small pool (2 connections) to `databaseUrl` (DATABASE_URL). */
  static fromDatabaseUrl(databaseUrl: string): PostgresRateBudgetStore {
    return new PostgresRateBudgetStore(new Pool({ connectionString: databaseUrl, max: 2 }), true);
  }

  /**
   * Creates schema and table if missing. Idempotent and safe when several processes boot at once: a
   * transaction-scoped advisory lock serialises the DDL (plain `IF NOT EXISTS` can still collide).
   */
  ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((error: unknown) => {
      this.schemaReady = undefined;
      throw error;
    });
    return this.schemaReady;
  }

  async acquire(portalId: number, limit: WindowLimit, nowMs?: number): Promise<BudgetAnswer> {
    await this.ensureSchema();
    const { rows } = await this.pool.query<{ wait_ms: string; blocked_by: string | null }>(ACQUIRE, [
      portalId,
      limit.limit,
      limit.windowMs,
      nowMs ?? null,
    ]);
    return { waitMs: Number(rows[0]!.wait_ms), blockedBy: rows[0]!.blocked_by };
  }

  async block(portalId: number, waitMs: number, policy: string, nowMs?: number): Promise<void> {
    await this.ensureSchema();
    await this.pool.query(BLOCK, [portalId, Math.max(0, Math.ceil(waitMs)), policy, nowMs ?? null]);
  }

  /** Ends an owned pool; idempotent. */
  async close(): Promise<void> {
    if (!this.ownsPool || this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async createSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('${TABLE}', 0))`);
      for (const ddl of DDL) await client.query(ddl);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Portal windows in process memory (one process only): unit tests and tools without Postgres. */
export class InMemoryRateBudgetStore implements RateBudgetStore {
  private readonly states = new Map<number, PortalWindowState & { blockedBy: string | null }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async acquire(portalId: number, limit: WindowLimit, nowMs = this.clock()): Promise<BudgetAnswer> {
    const state = this.states.get(portalId) ?? { grants: [], blockedUntil: 0, blockedBy: null };
    const decision = planGrant(state, nowMs, limit);
    this.states.set(portalId, { ...decision.state, blockedBy: state.blockedBy });
    if (decision.granted) return { waitMs: 0, blockedBy: null };
    return { waitMs: decision.waitMs, blockedBy: state.blockedUntil > nowMs ? state.blockedBy : null };
  }

  async block(portalId: number, waitMs: number, policy: string, nowMs = this.clock()): Promise<void> {
    const state = this.states.get(portalId) ?? { grants: [], blockedUntil: 0, blockedBy: null };
    const until = nowMs + Math.max(0, Math.ceil(waitMs));
    const blockedBy = until >= state.blockedUntil ? policy : state.blockedBy;
    this.states.set(portalId, { ...planBlock(state, until), blockedBy });
  }

  async close(): Promise<void> {}
}
