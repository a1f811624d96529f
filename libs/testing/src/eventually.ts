/** Options of {@link eventually}: overall deadline and pause between attempts, both in ms. */
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Prefix of the error thrown at the deadline, e.g. `heap received 3 events`. */
  message?: string;
}

/**
 * Polls `fn` until it returns without throwing — and, when it returns a boolean, returns `true` — then resolves
 * with its value. At least one attempt is always made. After `timeoutMs` (default 15,000) it rejects with an
 * Error whose message holds `message`, the time waited and the last error (also set as `cause`).
 * Use it to wait on conditions instead of fixed sleeps; `intervalMs` (default 100) is the pause between tries.
 */
export async function eventually<T>(fn: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 100;
  const started = Date.now();
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      if (value !== false) return value;
      lastError = new Error('condition returned false');
    } catch (err) {
      lastError = err;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const last = lastError instanceof Error ? lastError.message : String(lastError);
      const prefix = options.message ?? 'eventually: condition not met';
      throw new Error(`${prefix} (after ${attempts} attempts in ${elapsed} ms); last error: ${last}`, {
        cause: lastError,
      });
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, timeoutMs - elapsed)));
  }
}
