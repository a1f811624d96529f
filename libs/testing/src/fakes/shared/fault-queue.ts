/**
 * FIFO of injected faults shared by the fakes. `push(n, fault)` arms a fault for the next `n` matching
 * requests; `take(path)` consumes one use of the oldest fault whose optional `path` matches.
 */
export class FaultQueue<F extends { path?: string }> {
  private entries: Array<{ remaining: number; fault: F }> = [];

  /** Arms `fault` for the next `n` matching requests (n ≥ 1, integer). */
  push(n: number, fault: F): void {
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`failNext: n must be a positive integer, got ${n}`);
    this.entries.push({ remaining: n, fault });
  }

  /** Consumes and returns the next fault for a request to `path`, or undefined when none is armed. */
  take(path: string): F | undefined {
    const entry = this.entries.find((e) => e.fault.path === undefined || e.fault.path === path);
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.entries = this.entries.filter((e) => e !== entry);
    return entry.fault;
  }

  /** Number of armed fault uses left (all paths). */
  get pending(): number {
    return this.entries.reduce((sum, e) => sum + e.remaining, 0);
  }

  /** Drops every armed fault. */
  clear(): void {
    this.entries = [];
  }
}
