import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { backOff } from 'exponential-backoff';
import type { Registry } from 'prom-client';
import { HubSpotRetriableError } from './hubspot.errors';
import type { HubSpotCallGate, HubSpotCallOptions } from './portal-access';
import { RateBudgetMetrics } from './rate-budget.metrics';
import { effectiveLimit, type WindowLimit } from './rate-budget.planner';
import {
  classifyHubSpotFailure,
  isTransientFailure,
  rateLimitBackoff,
  type RateLimitWaits,
} from './rate-budget.policy';
import { PostgresRateBudgetStore, type RateBudgetStore } from './rate-budget.store';

/** Tuning of {@link HubSpotRateBudget}; every duration in ms. Defaults follow hubspot-api.md §6. */
export interface HubSpotRateBudgetOptions {
  /** Length of the rolling window; HubSpot's is 10 000. Also the wait after a `TEN_SECONDLY_ROLLING` 429. */
  windowMs?: number;
  /** HubSpot's calls per window for portals without an override: 100, the lowest tier (§6). */
  requestsPerWindow?: number;
  /** Per-portal HubSpot limit per window (e.g. 190 for Professional), from `HUBSPOT_PORTALS` `requestsPer10s`. */
  portalRequestsPerWindow?: ReadonlyMap<number, number>;
  /** Share of the limit kept free for latency jitter and callers outside the budget, 0–<1. Default 0.1. */
  safetyMarginRatio?: number;
  /** Wait after a search `SECONDLY` 429. Default 1 000. */
  secondlyWaitMs?: number;
  /** Wait after a `DAILY` 429 (we do not know the portal's midnight). Default 3 600 000 (1 h). */
  dailyWaitMs?: number;
  /** Longest single wait `run` accepts before throwing HubSpotRetriableError instead. Default: no limit. */
  maxWaitMs?: number;
  /** Attempts for 5xx / 408 / 423 / 477 / no answer (exponential backoff, full jitter). Default 5. */
  transientAttempts?: number;
  /** First backoff delay after a transient failure; doubles per attempt. Default 500. */
  transientStartingDelayMs?: number;
  /** Largest backoff delay. Default 5 000 (keeps a Kafka consumer's heartbeats inside its session). */
  transientMaxDelayMs?: number;
  /** Where the metrics go (default: prom-client's global registry). */
  registry?: Registry;
}

/** A non-429 failure of `call`, carrying the classed error and its `Retry-After` (internal). */
class CallFailed extends Error {
  constructor(
    readonly error: unknown,
    readonly retryAfterMs: number | undefined,
  ) {
    super('HubSpot call failed');
  }
}

/** Default HubSpot window (hubspot-api.md §6). */
export const HUBSPOT_WINDOW_MS = 10_000;
/** Default HubSpot calls per window: the lowest tier (Free/Starter private apps, §6). */
export const HUBSPOT_DEFAULT_REQUESTS_PER_WINDOW = 100;
/** Longest sleep between two heartbeats while waiting. */
const HEARTBEAT_SLICE_MS = 1_000;

/**
 * The HubSpot rate budget: every HubSpot call of a portal, from every replica of every app on the same
 * Postgres, spends one slot of that portal's rolling window (hubspot-api.md §6). Implements
 * {@link HubSpotCallGate}.
 *
 * - Before a call: one SQL round trip grants a slot or says how long to wait (sliding-window log in
 *   `hubspot_budget.portal_window`, see rate-budget.planner.ts); the caller sleeps and asks again.
 *   Limit per portal = `requestsPerWindow` (or the portal's override) × (1 − `safetyMarginRatio`).
 * - A 429 blocks the portal in Postgres for the policy's wait (`TEN_SECONDLY_ROLLING` → one window,
 *   `SECONDLY` → 1 s, `DAILY` → 1 h, logged as an error; `Retry-After` wins), so every replica and app
 *   backs off; then the same call is retried. A 429 never drops the call.
 * - 5xx, 408, 423, 477 and no answer are retried with exponential backoff and full jitter
 *   (`exponential-backoff`), then the last HubSpotRetriableError is thrown (a Kafka consumer keeps its
 *   offsets uncommitted and retries the batch).
 * - 401/403 and other 4xx are thrown at once as HubSpotAuthError / HubSpotRequestError; errors that are
 *   not HubSpot answers (thrown by the caller's own code inside `call`) are rethrown unchanged.
 *
 * `call` must be one HTTP request with SDK retries off (`numberOfApiCallRetries: 0`, no `limiterOptions`,
 * §7), or retries and throttling are doubled.
 */
export class HubSpotRateBudget implements HubSpotCallGate {
  private readonly logger = new Logger(HubSpotRateBudget.name);
  private readonly metrics: RateBudgetMetrics;
  private readonly waits: RateLimitWaits;
  private readonly closing = new AbortController();

  constructor(
    private readonly store: RateBudgetStore,
    private readonly options: HubSpotRateBudgetOptions = {},
  ) {
    const windowMs = options.windowMs ?? HUBSPOT_WINDOW_MS;
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    const margin = options.safetyMarginRatio ?? 0.1;
    if (!(margin >= 0 && margin < 1)) throw new RangeError(`safetyMarginRatio must be 0–<1, got ${margin}`);
    this.metrics = new RateBudgetMetrics(options.registry);
    this.waits = {
      windowMs,
      secondlyMs: options.secondlyWaitMs ?? 1_000,
      dailyMs: options.dailyWaitMs ?? 3_600_000,
    };
  }

  /** A budget on Postgres at `databaseUrl` (DATABASE_URL) with its own 2-connection pool. */
  static fromDatabaseUrl(databaseUrl: string, options: HubSpotRateBudgetOptions = {}): HubSpotRateBudget {
    return new HubSpotRateBudget(PostgresRateBudgetStore.fromDatabaseUrl(databaseUrl), options);
  }

  /** The window `portalId`'s calls are granted in (limit after the safety margin). */
  limitOf(portalId: number): WindowLimit {
    const requests =
      this.options.portalRequestsPerWindow?.get(portalId) ??
      this.options.requestsPerWindow ??
      HUBSPOT_DEFAULT_REQUESTS_PER_WINDOW;
    return {
      limit: effectiveLimit(requests, this.options.safetyMarginRatio ?? 0.1),
      windowMs: this.waits.windowMs,
    };
  }

  /**
   * Runs `call` for `portalId` inside the budget (see the class doc).
   * @throws HubSpotRetriableError after the transient retries, when a wait exceeds `maxWaitMs`, or
   *   after {@link close}; HubSpotAuthError / HubSpotRequestError at once; pg errors when Postgres is down.
   */
  async run<T>(portalId: number, call: () => Promise<T>, options: HubSpotCallOptions = {}): Promise<T> {
    let retryAfterMs: number | undefined;
    const attempt = async (): Promise<T> => {
      try {
        return await this.runRateLimited(portalId, call, options);
      } catch (failure) {
        if (!(failure instanceof CallFailed)) throw failure;
        retryAfterMs = failure.retryAfterMs;
        throw failure.error;
      }
    };
    return backOff(attempt, {
      numOfAttempts: this.options.transientAttempts ?? 5,
      startingDelay: this.options.transientStartingDelayMs ?? 500,
      maxDelay: this.options.transientMaxDelayMs ?? 5_000,
      timeMultiple: 2,
      jitter: 'full',
      retry: async (error: unknown, failures: number) => {
        if (!isTransientFailure(error) || this.closing.signal.aborted) return false;
        this.logger.warn(`portal ${portalId}: ${error.message} (failure ${failures}); retrying with backoff`);
        if (retryAfterMs) await this.sleep(portalId, retryAfterMs, options);
        await options.heartbeat?.();
        return true;
      },
    });
  }

  /** Ends waits in progress (their `run` throws HubSpotRetriableError) and closes the store; idempotent. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.store.close();
  }

  /** One call, repeated after every 429; rejects with {@link CallFailed} for other failures of `call`. */
  private async runRateLimited<T>(
    portalId: number,
    call: () => Promise<T>,
    options: HubSpotCallOptions,
  ): Promise<T> {
    for (;;) {
      await this.acquire(portalId, options);
      try {
        const result = await call();
        this.metrics.called(portalId, 'ok');
        return result;
      } catch (raw) {
        const failure = classifyHubSpotFailure(raw);
        const backoff = rateLimitBackoff(failure, this.waits);
        if (!backoff) {
          this.metrics.called(portalId, isTransientFailure(failure.error) ? 'transient' : 'failed');
          throw new CallFailed(failure.error, failure.retryAfterMs);
        }
        this.metrics.called(portalId, 'rate_limited');
        this.metrics.rateLimited(portalId, backoff.policy);
        const text = `portal ${portalId}: HubSpot 429 ${backoff.policy}; every replica pauses this portal for ${backoff.waitMs} ms, then the call is retried`;
        if (backoff.policy === 'DAILY')
          this.logger.error(`${text} (DAILY quota used up: check what spends it)`);
        else this.logger.warn(text);
        await this.store.block(portalId, backoff.waitMs, backoff.policy);
      }
    }
  }

  /** Waits until the store grants `portalId` a slot. */
  private async acquire(portalId: number, options: HubSpotCallOptions): Promise<void> {
    const limit = this.limitOf(portalId);
    const maxWaitMs = options.maxWaitMs ?? this.options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    for (;;) {
      this.throwIfClosed(portalId);
      const { waitMs, blockedBy } = await this.store.acquire(portalId, limit);
      if (waitMs <= 0) return;
      if (waitMs > maxWaitMs) {
        throw new HubSpotRetriableError(
          `portal ${portalId}: HubSpot rate budget needs a wait of ${waitMs} ms (> ${maxWaitMs} ms)${blockedBy ? ` after a ${blockedBy} 429` : ''}`,
          { status: 429, body: undefined, policyName: blockedBy ?? undefined },
        );
      }
      this.metrics.waited(portalId, waitMs);
      await this.sleep(portalId, waitMs, options);
    }
  }

  /** Sleeps `ms` in slices, heartbeating between them; ends early (throwing) on {@link close}. */
  private async sleep(portalId: number, ms: number, options: HubSpotCallOptions): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0; left = until - Date.now()) {
      try {
        await delay(Math.min(left, HEARTBEAT_SLICE_MS), undefined, { signal: this.closing.signal });
      } catch {
        this.throwIfClosed(portalId);
      }
      if (until - Date.now() > 0) await options.heartbeat?.();
    }
  }

  private throwIfClosed(portalId: number): void {
    if (this.closing.signal.aborted) {
      throw new HubSpotRetriableError(`portal ${portalId}: HubSpot rate budget closed (shutting down)`, {
        status: 0,
        body: undefined,
      });
    }
  }
}
