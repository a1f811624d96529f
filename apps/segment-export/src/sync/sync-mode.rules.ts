/** How a segment syncs to its HubSpot list. */
export type SyncMode = 'off' | 'one_time' | 'recurring';

export const SYNC_MODES: ReadonlyArray<SyncMode> = ['off', 'one_time', 'recurring'];

/** Most recurring segments per portal (one-time syncs do not count). */
export const MAX_RECURRING_SEGMENTS = 30;

/** A segment's schedule (ms epoch; null = none). */
export interface SegmentSchedule {
  mode: SyncMode;
  nextSyncAt: number | null;
  recurringSince: number | null;
}

/**
 * The schedule after `PUT …/sync-mode`, or a 409 refusal. Pure. Rules:
 * - `recurring` is refused when the portal already has {@link MAX_RECURRING_SEGMENTS} *other* recurring
 *   segments; otherwise its first sync is due now (unless one is already planned) and `recurringSince` is kept;
 * - `one_time` makes one sync due now; after it the segment stays `one_time` with nothing planned;
 * - `off` cancels the planned sync; the list and its members stay as they are.
 * @param otherRecurring recurring segments of the portal, this one excluded.
 * @param now ms epoch.
 */
export const decideSyncMode = (
  current: SegmentSchedule,
  requested: SyncMode,
  otherRecurring: number,
  now: number,
): { ok: true; schedule: SegmentSchedule } | { ok: false; error: string } => {
  if (requested === 'recurring') {
    if (current.mode !== 'recurring' && otherRecurring >= MAX_RECURRING_SEGMENTS) {
      return {
        ok: false,
        error: `portal already has ${otherRecurring} recurring segments (the limit is ${MAX_RECURRING_SEGMENTS}); turn one off or use a one-time sync`,
      };
    }
    const keep = current.mode === 'recurring';
    return {
      ok: true,
      schedule: {
        mode: 'recurring',
        nextSyncAt: keep ? (current.nextSyncAt ?? now) : now,
        recurringSince: keep ? (current.recurringSince ?? now) : now,
      },
    };
  }
  if (requested === 'one_time') {
    return { ok: true, schedule: { mode: 'one_time', nextSyncAt: now, recurringSince: null } };
  }
  return { ok: true, schedule: { mode: 'off', nextSyncAt: null, recurringSince: null } };
};

/**
 * When the next sync is due after a run finished at `finishedAt` (ms). Completed: recurring → one
 * interval later (heap-api.md §8.1: Heap pushes every 4 h), one_time/off → none. Failed: recurring and
 * one_time retry after `retryAfterMs`; off → none. Pure.
 */
export const nextSyncAfterRun = (
  mode: SyncMode,
  status: 'completed' | 'failed',
  finishedAt: number,
  intervalMs: number,
  retryAfterMs: number,
): number | null => {
  if (mode === 'off') return null;
  if (status === 'failed') return finishedAt + retryAfterMs;
  return mode === 'recurring' ? finishedAt + intervalMs : null;
};
