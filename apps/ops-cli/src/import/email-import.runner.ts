import { InvalidEmailEventError, toEmailEventRecord, type RawEmailEvent } from '@hubheap/hubspot';
import type { HubSpotEmailEvent } from '@hubheap/schemas';
import type { ImportEventSource } from './email-events.source';
import type { WindowCommit } from './import-job.repository';
import {
  closesGridCell,
  halveWindow,
  nextSpanHint,
  orderWindowEvents,
  planWindow,
  type ImportRange,
  type ImportWindow,
} from './import-window.planner';

/** Running totals of an import (counts of events; `typeCounts` per email event `type`). */
export interface ImportTotals {
  fetched: number;
  produced: number;
  windowsDone: number;
  typeCounts: Record<string, number>;
  /** Events skipped in this run because they have no valid EventId (not persisted). */
  skipped: number;
}

/** What the progress display hears after each committed window. */
export interface WindowProgress {
  window: ImportWindow;
  /** Events fetched / produced in this window. */
  fetched: number;
  produced: number;
  /** True when the window was narrowed because its grid cell held more than the cap. */
  narrowed: boolean;
  totals: ImportTotals;
}

/** The runner's collaborators. `produce` and `commit` are absent on a dry run. */
export interface ImportRunnerDeps {
  source: ImportEventSource;
  /** Resolves once Kafka acked every record (acks=all). */
  produce?: (records: HubSpotEmailEvent[]) => Promise<void>;
  /** Stores the new resume point; `previousStart` guards against a concurrent writer. */
  commit?: (previousStart: number, commit: WindowCommit) => Promise<void>;
  onWindow: (progress: WindowProgress) => void;
  /** A window with more events than this is halved (default 10 000). */
  maxWindowEvents: number;
  /** Clock for `polledAt` (ms epoch). */
  now: () => number;
}

/**
 * Imports `range` for `portalId` from `nextWindowStart` (ms epoch) on: per window fetch (halving while it
 * overflows), order oldest first, produce, and only then commit the new resume point. A failure leaves the
 * resume point at the start of the failing window, so a resume re-reads that window alone. Returns the
 * final totals; throws whatever the source, producer or store threw.
 */
export const runImportWindows = async (
  portalId: number,
  range: ImportRange,
  nextWindowStart: number,
  totals: ImportTotals,
  deps: ImportRunnerDeps,
): Promise<ImportTotals> => {
  let next = nextWindowStart;
  let spanHint: number | undefined;
  for (let window = planWindow(range, next); window; window = planWindow(range, next, spanHint)) {
    const fitted = await fetchFitting(deps, window);
    const { ordered, invalid } = orderWindowEvents(fitted.events, fitted.window);
    const { records, refused } = toRecords(portalId, ordered, deps.now());
    if (deps.produce && records.length > 0) await deps.produce(records);
    const closes = closesGridCell(range, fitted.window.endMs);
    totals = {
      fetched: totals.fetched + fitted.events.length,
      produced: totals.produced + (deps.produce ? records.length : 0),
      windowsDone: totals.windowsDone + (closes ? 1 : 0),
      typeCounts: countTypes(totals.typeCounts, records),
      skipped: totals.skipped + invalid.length + refused,
    };
    await deps.commit?.(next, { ...totals, nextWindowStart: fitted.window.endMs });
    next = fitted.window.endMs;
    spanHint = nextSpanHint(range, fitted.window, spanHint, {
      narrowed: fitted.narrowed,
      events: fitted.events.length,
      maxEvents: deps.maxWindowEvents,
    });
    deps.onWindow({
      window: fitted.window,
      fetched: fitted.events.length,
      produced: deps.produce ? records.length : 0,
      narrowed: fitted.narrowed,
      totals,
    });
  }
  return totals;
};

/** Fetches `window`, halving it while it holds more than the cap; a 1 ms window is read whole. */
const fetchFitting = async (
  deps: ImportRunnerDeps,
  window: ImportWindow,
): Promise<{ window: ImportWindow; events: RawEmailEvent[]; narrowed: boolean }> => {
  let current = window;
  for (;;) {
    const fetched = await deps.source.fetch(current, deps.maxWindowEvents);
    if (!fetched.overflow) return { window: current, events: fetched.events, narrowed: current !== window };
    const half = halveWindow(current);
    if (!half) {
      const all = await deps.source.fetch(current, Number.POSITIVE_INFINITY);
      return { window: current, events: all.events, narrowed: current !== window };
    }
    current = half;
  }
};

/**
 * Records of the imported portal: the portal being imported is authoritative (the token decides the
 * tenant), so a raw `portalId` that differs never moves an event to another tenant. `source: 'import'`.
 */
const toRecords = (
  portalId: number,
  ordered: ReadonlyArray<{ raw: RawEmailEvent }>,
  polledAt: number,
): { records: HubSpotEmailEvent[]; refused: number } => {
  const records: HubSpotEmailEvent[] = [];
  let refused = 0;
  for (const event of ordered) {
    try {
      records.push({ ...toEmailEventRecord(event.raw, portalId, polledAt, 'import'), portalId });
    } catch (error) {
      if (!(error instanceof InvalidEmailEventError)) throw error;
      refused += 1;
    }
  }
  return { records, refused };
};

const countTypes = (
  counts: Record<string, number>,
  records: ReadonlyArray<HubSpotEmailEvent>,
): Record<string, number> => {
  const next = { ...counts };
  for (const record of records) {
    const type = record.type ?? 'UNKNOWN';
    next[type] = (next[type] ?? 0) + 1;
  }
  return next;
};
