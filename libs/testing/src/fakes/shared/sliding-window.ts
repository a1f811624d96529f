/** A limit of `max` units (requests or events) per rolling `windowMs` milliseconds. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * Rolling-window usage counter keyed by an arbitrary string (token, `appId|identity`, ...). Time comes
 * from the caller so fakes can use an injectable clock. Entries older than the window are pruned lazily.
 */
export class SlidingWindow {
  private readonly log = new Map<string, Array<{ at: number; units: number }>>();

  constructor(private readonly limit: WindowLimit) {}

  /** Units used by `key` in the window ending at `now` (ms epoch), i.e. entries with `at > now - windowMs`. */
  used(key: string, now: number): number {
    const entries = this.prune(key, now);
    return entries.reduce((sum, e) => sum + e.units, 0);
  }

  /** True when adding `units` for `key` at `now` would go over the limit. */
  wouldExceed(key: string, units: number, now: number): boolean {
    return this.used(key, now) + units > this.limit.max;
  }

  /** Records `units` for `key` at `now`. */
  record(key: string, units: number, now: number): void {
    const entries = this.prune(key, now);
    entries.push({ at: now, units });
    this.log.set(key, entries);
  }

  /** Ms until the oldest entry of `key` leaves the window (0 when nothing is recorded). */
  msUntilFree(key: string, now: number): number {
    const oldest = this.prune(key, now)[0];
    return oldest ? Math.max(0, oldest.at + this.limit.windowMs - now) : 0;
  }

  /** The configured limit. */
  get max(): number {
    return this.limit.max;
  }

  /** Forgets all usage. */
  clear(): void {
    this.log.clear();
  }

  private prune(key: string, now: number): Array<{ at: number; units: number }> {
    const entries = (this.log.get(key) ?? []).filter((e) => e.at > now - this.limit.windowMs);
    this.log.set(key, entries);
    return entries;
  }
}
