import { SlidingWindow, type WindowLimit } from '../shared/sliding-window';

/**
 * Heap ingestion limits (heap-api.md §2, §3, §12 item 15), all rolling windows on the fake's clock:
 * single-record calls 30 requests / 30 s per (app_id, identity) per endpoint; bulk track 1000 events / 60 s per
 * (app_id, identity) and 15,000 events / 60 s per app_id. `retryAfter` adds a `Retry-After` header (off by default).
 */
export interface HeapRateLimitOptions {
  enabled: boolean;
  singlePerIdentity: WindowLimit;
  bulkEventsPerIdentity: WindowLimit;
  bulkEventsPerApp: WindowLimit;
  retryAfter: boolean;
}

/** Defaults of {@link HeapRateLimitOptions}: enabled with Heap's documented numbers. */
export const DEFAULT_HEAP_RATE_LIMITS: HeapRateLimitOptions = {
  enabled: true,
  singlePerIdentity: { max: 30, windowMs: 30_000 },
  bulkEventsPerIdentity: { max: 1000, windowMs: 60_000 },
  bulkEventsPerApp: { max: 15_000, windowMs: 60_000 },
  retryAfter: false,
};

/** What a request asks of the limiter: `who` is one identity (or `user_id`) per event/user. */
export interface HeapRateLimitRequest {
  route: string;
  appId: string;
  form: 'single' | 'bulk';
  kind: 'track' | 'users';
  who: string[];
}

/** Verdict: allowed (and recorded), or throttled with the plain-text message and seconds until a slot frees. */
export type HeapRateLimitVerdict =
  { allowed: true } | { allowed: false; message: string; retryAfterSec: number };

/**
 * Admits or throttles Heap requests. A throttled request records nothing, so it uses no budget; an admitted one
 * is recorded in every window it touches. Bulk add_user_properties has no documented limit and is never throttled.
 */
export class HeapRateLimiter {
  private readonly single: SlidingWindow;
  private readonly bulkIdentity: SlidingWindow;
  private readonly bulkApp: SlidingWindow;

  constructor(private readonly options: HeapRateLimitOptions) {
    this.single = new SlidingWindow(options.singlePerIdentity);
    this.bulkIdentity = new SlidingWindow(options.bulkEventsPerIdentity);
    this.bulkApp = new SlidingWindow(options.bulkEventsPerApp);
  }

  /** Checks `request` at `now` (ms) and records it when allowed. */
  admit(request: HeapRateLimitRequest, now: number): HeapRateLimitVerdict {
    if (!this.options.enabled) return { allowed: true };
    if (request.form === 'single') {
      const key = `${request.route}|${request.appId}|${request.who[0] ?? ''}`;
      if (this.single.wouldExceed(key, 1, now)) {
        return this.throttled(
          this.single,
          key,
          now,
          `${this.options.singlePerIdentity.max} requests`,
          request.who[0],
        );
      }
      this.single.record(key, 1, now);
      return { allowed: true };
    }
    if (request.kind !== 'track') return { allowed: true };
    const perIdentity = new Map<string, number>();
    for (const who of request.who) perIdentity.set(who, (perIdentity.get(who) ?? 0) + 1);
    if (this.bulkApp.wouldExceed(request.appId, request.who.length, now)) {
      return this.throttled(this.bulkApp, request.appId, now, `${this.options.bulkEventsPerApp.max} events`);
    }
    for (const [who, n] of perIdentity) {
      const key = `${request.appId}|${who}`;
      if (this.bulkIdentity.wouldExceed(key, n, now)) {
        return this.throttled(
          this.bulkIdentity,
          key,
          now,
          `${this.options.bulkEventsPerIdentity.max} events`,
          who,
        );
      }
    }
    this.bulkApp.record(request.appId, request.who.length, now);
    for (const [who, n] of perIdentity) this.bulkIdentity.record(`${request.appId}|${who}`, n, now);
    return { allowed: true };
  }

  /** Forgets all usage. */
  clear(): void {
    this.single.clear();
    this.bulkIdentity.clear();
    this.bulkApp.clear();
  }

  private throttled(
    window: SlidingWindow,
    key: string,
    now: number,
    what: string,
    who?: string,
  ): HeapRateLimitVerdict {
    const ms = window.msUntilFree(key, now);
    const scope = who === undefined ? `app_id ${key}` : `identity ${who}`;
    return {
      allowed: false,
      message: `Too Many Requests: more than ${what} for ${scope}`,
      retryAfterSec: Math.ceil(ms / 1000),
    };
  }
}
