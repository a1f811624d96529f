/**
 * Pure decisions of the Email Events poller (hubspot-api.md §2.2, §2.6). No I/O: the service feeds in the
 * cursor, the clock and what HubSpot returned, and executes what comes back. All times are ms epoch.
 */

/** Persisted poll state of one portal. */
export interface PollCursor {
  portalId: number;
  /** Newest `created` (ms) among events already produced and committed; `null` before the first one. */
  watermark: number | null;
  /** Events created before this (ms) are never polled; fixed when the cursor row is created. */
  startFloor: number;
}

/** Poll tuning (ms). */
export interface PollSettings {
  /** How far behind the watermark every poll re-reads, for late-indexed events. */
  lookbackMs: number;
  /** How far behind now a window ends. */
  safetyLagMs: number;
}

/** An Email Events query window; both bounds inclusive (`startTimestamp`/`endTimestamp` of §2.2), ms epoch. */
export interface PollWindow {
  startTimestamp: number;
  endTimestamp: number;
}

/** The fields of a raw HubSpot email event the planner reads (§2.3); everything else passes through. */
export type RawEmailEvent = Record<string, unknown>;

/** A raw event whose EventId (`id`, `created`) is well-formed. */
export interface KeyedEmailEvent {
  id: string;
  created: number;
  raw: RawEmailEvent;
}

/** What to do with one fetched window. */
export interface WindowDecision {
  /** Events not produced before, deduplicated, oldest first (`created`, then `id`). */
  fresh: KeyedEmailEvent[];
  /** Fetched events without a string `id` or an integer `created`: cannot be keyed, are skipped. */
  invalid: RawEmailEvent[];
  /** Watermark to store once `fresh` is on Kafka (never moves back). */
  watermark: number | null;
  /** Seen rows older than this (ms) can be deleted: no later window reaches them. `null` = keep all. */
  pruneBefore: number | null;
}

/** Dedupe key of an event: (`created`, `id`) is HubSpot's EventId (§2.3). */
export const eventKey = (id: string, created: number): string => `${created}/${id}`;

/**
 * The first window of a poll: from `watermark − lookback` (never before `startFloor`; `startFloor` itself
 * when nothing was produced yet) to `now − safetyLag`. Starting at or before the watermark re-reads the
 * watermark's own millisecond, so an event sharing it with an already-produced one is not lost.
 * `null` when the window would be empty (the floor is still in the future).
 */
export const planFirstWindow = (
  cursor: PollCursor,
  nowMs: number,
  settings: PollSettings,
): PollWindow | null => {
  const from = cursor.watermark === null ? cursor.startFloor : cursor.watermark - settings.lookbackMs;
  const startTimestamp = Math.max(cursor.startFloor, from);
  const endTimestamp = nowMs - settings.safetyLagMs;
  return endTimestamp >= startTimestamp ? { startTimestamp, endTimestamp } : null;
};

/**
 * The older half of a window that held too many events to keep in memory; `null` when it is a single
 * millisecond and cannot shrink.
 */
export const halveWindow = (window: PollWindow): PollWindow | null => {
  if (window.endTimestamp <= window.startTimestamp) return null;
  const middle = window.startTimestamp + Math.floor((window.endTimestamp - window.startTimestamp) / 2);
  return { startTimestamp: window.startTimestamp, endTimestamp: middle };
};

/** The window after `done` up to `targetEnd` (the first window's end), or `null` when `done` reached it. */
export const nextWindow = (done: PollWindow, targetEnd: number): PollWindow | null =>
  done.endTimestamp >= targetEnd ? null : { startTimestamp: done.endTimestamp + 1, endTimestamp: targetEnd };

/**
 * Decides which fetched events are new: keeps well-formed events inside `window`, drops those whose
 * key is in `seen` (already produced) or repeated within `fetched` (pages can overlap), and orders
 * the rest oldest first. The new watermark is the newest `created` produced so far.
 */
export const selectNewEvents = (
  fetched: ReadonlyArray<RawEmailEvent>,
  seen: ReadonlySet<string>,
  window: PollWindow,
  cursor: PollCursor,
  settings: PollSettings,
): WindowDecision => {
  const invalid: RawEmailEvent[] = [];
  const fresh = new Map<string, KeyedEmailEvent>();
  for (const raw of fetched) {
    const keyed = keyOf(raw);
    if (!keyed) {
      invalid.push(raw);
      continue;
    }
    const key = eventKey(keyed.id, keyed.created);
    const inWindow = keyed.created >= window.startTimestamp && keyed.created <= window.endTimestamp;
    if (inWindow && !seen.has(key) && !fresh.has(key)) fresh.set(key, keyed);
  }
  const ordered = [...fresh.values()].sort(oldestFirst);
  const newest = ordered.length > 0 ? ordered[ordered.length - 1]!.created : null;
  const watermark = maxOrNull(cursor.watermark, newest);
  const pruneBefore = watermark === null ? null : watermark - settings.lookbackMs;
  return { fresh: ordered, invalid, watermark, pruneBefore };
};

const keyOf = (raw: RawEmailEvent): KeyedEmailEvent | null => {
  const { id, created } = raw;
  if (typeof id !== 'string' || id === '' || typeof created !== 'number' || !Number.isSafeInteger(created))
    return null;
  return { id, created, raw };
};

const oldestFirst = (a: KeyedEmailEvent, b: KeyedEmailEvent): number =>
  a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const maxOrNull = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);

/** The tenant switches the poller obeys (integration.settings.v1 `state` and `sourceEnabled`). */
export interface TenantSwitch {
  state: string;
  sourceEnabled: boolean;
}

/** Whether a portal's Email Events are polled now. */
export type PortalPollDecision = 'poll' | 'paused';

/**
 * Polls a portal only while its tenant is `active` with the HubSpot → Heap source enabled. A paused
 * portal keeps its cursor, so turning the source on again resumes exactly where it stopped (the events
 * wait in HubSpot meanwhile). `tenant` undefined: with `requireSettings` (SETTINGS_SOURCE=topic) an
 * unknown tenant is paused; without (SETTINGS_SOURCE=env) every configured portal is polled. Pure.
 */
export const decidePortalPoll = (
  tenant: TenantSwitch | undefined,
  requireSettings: boolean,
): PortalPollDecision => {
  if (!tenant) return requireSettings ? 'paused' : 'poll';
  return tenant.state === 'active' && tenant.sourceEnabled ? 'poll' : 'paused';
};
