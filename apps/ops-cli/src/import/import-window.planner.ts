/**
 * Pure window planning of the historical email-event import (hubspot-api.md §2.2, §2.6). No I/O.
 *
 * An import covers the half-open range [fromMs, toMs) (ms epoch), cut into a fixed grid of windows of
 * `windowMs` starting at `fromMs`; the last one is cut at `toMs`. A window that holds too many events to
 * page reliably is narrowed (halved, repeatedly) and the rest of its grid cell follows as further windows.
 * The only resume state is `nextWindowStart` (ms): everything before it is on Kafka.
 *
 * This is the import's own planner rather than webhook-intake's: apps may not import each other, and the
 * poller's windows are inclusive, watermark-driven and look back, where the import's are fixed and
 * half-open.
 */

/** The fixed part of an import (all ms; `fromMs`/`toMs` are epoch, `windowMs` a duration). */
export interface ImportRange {
  fromMs: number;
  toMs: number;
  windowMs: number;
}

/** One import window, half-open: events with `startMs <= created < endMs` (ms epoch). */
export interface ImportWindow {
  startMs: number;
  endMs: number;
}

/** An event with a well-formed HubSpot EventId (`id`, `created`; hubspot-api.md §2.3). */
export interface KeyedEvent<R> {
  id: string;
  created: number;
  raw: R;
}

/** Number of grid windows of the range (the progress bar's total). */
export const gridWindowCount = (range: ImportRange): number =>
  range.toMs <= range.fromMs ? 0 : Math.ceil((range.toMs - range.fromMs) / range.windowMs);

/** End (ms epoch, exclusive) of the grid cell holding `atMs`, never past `toMs`. */
export const gridCellEnd = (range: ImportRange, atMs: number): number => {
  const index = Math.floor((atMs - range.fromMs) / range.windowMs);
  return Math.min(range.toMs, range.fromMs + (index + 1) * range.windowMs);
};

/** Grid windows entirely before `nextWindowStart` (resume point, ms epoch): the bar's starting value. */
export const gridWindowsDone = (range: ImportRange, nextWindowStart: number): number => {
  if (nextWindowStart >= range.toMs) return gridWindowCount(range);
  return Math.max(0, Math.floor((nextWindowStart - range.fromMs) / range.windowMs));
};

/**
 * The window to fetch next, starting at `nextWindowStart` (the resume point, ms epoch), or `null` when the
 * range is done. It ends at the end of its grid cell, or sooner when `spanHintMs` (the span that last fitted
 * after halving) is given, so a dense period is not re-read at full size for every piece of it.
 */
export const planWindow = (
  range: ImportRange,
  nextWindowStart: number,
  spanHintMs?: number,
): ImportWindow | null => {
  if (nextWindowStart >= range.toMs) return null;
  const cellEnd = gridCellEnd(range, nextWindowStart);
  const endMs = spanHintMs === undefined ? cellEnd : Math.min(cellEnd, nextWindowStart + spanHintMs);
  return { startMs: nextWindowStart, endMs };
};

/** The older half of a window that overflowed; `null` for a 1 ms window, which cannot shrink. */
export const halveWindow = (window: ImportWindow): ImportWindow | null => {
  const span = window.endMs - window.startMs;
  if (span <= 1) return null;
  return { startMs: window.startMs, endMs: window.startMs + Math.floor(span / 2) };
};

/** The inclusive `startTimestamp`/`endTimestamp` query bounds (ms epoch) of a half-open window (§2.2). */
export const toQueryBounds = (window: ImportWindow): { startTimestamp: number; endTimestamp: number } => ({
  startTimestamp: window.startMs,
  endTimestamp: window.endMs - 1,
});

/**
 * The span hint (ms) for the window after `done`: `undefined` (full grid cell) once the cell is closed;
 * the narrowed span after a halving; doubled after a window that held at most half the cap, so a dense
 * burst does not leave the rest of a long cell to be walked in tiny windows.
 */
export const nextSpanHint = (
  range: ImportRange,
  done: ImportWindow,
  previousHint: number | undefined,
  outcome: { narrowed: boolean; events: number; maxEvents: number },
): number | undefined => {
  if (closesGridCell(range, done.endMs)) return undefined;
  const span = done.endMs - done.startMs;
  if (outcome.narrowed) return span;
  if (previousHint !== undefined && outcome.events * 2 <= outcome.maxEvents) return previousHint * 2;
  return previousHint;
};

/** True when a committed window end (ms epoch) closes its grid cell: the windows-done counter moves. */
export const closesGridCell = (range: ImportRange, endMs: number): boolean =>
  endMs >= range.toMs || (endMs - range.fromMs) % range.windowMs === 0;

/**
 * Orders a window's fetched events for producing: keeps those with a valid EventId inside `window`,
 * drops repeats (pages can overlap), sorts oldest first (`created`, then `id`). Events without a string
 * `id` or an integer `created` come back in `invalid` (the same leniency as toEmailEventRecord: a
 * numeric `id` or a digit-string `created` is accepted).
 */
export const orderWindowEvents = <R extends Record<string, unknown>>(
  fetched: ReadonlyArray<R>,
  window: ImportWindow,
): { ordered: KeyedEvent<R>[]; invalid: R[] } => {
  const invalid: R[] = [];
  const byKey = new Map<string, KeyedEvent<R>>();
  for (const raw of fetched) {
    const id = eventIdOf(raw['id']);
    const created = createdOf(raw['created']);
    if (id === null || created === null) {
      invalid.push(raw);
      continue;
    }
    if (created < window.startMs || created >= window.endMs) continue;
    byKey.set(`${created}/${id}`, { id, created, raw });
  }
  const ordered = [...byKey.values()].sort(
    (a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { ordered, invalid };
};

const eventIdOf = (id: unknown): string | null =>
  typeof id === 'string' && id !== ''
    ? id
    : Number.isSafeInteger(id) && (id as number) >= 0
      ? String(id)
      : null;

const createdOf = (created: unknown): number | null => {
  const ms = typeof created === 'string' && /^\d+$/.test(created) ? Number(created) : created;
  return typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= 0 ? ms : null;
};
