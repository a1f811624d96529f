import type { HubSpotEmailEvent } from '@hubheap/schemas';
import type { FetchedWindow, ImportEventSource } from './email-events.source';
import { runImportWindows, type ImportRunnerDeps, type ImportTotals } from './email-import.runner';
import type { WindowCommit } from './import-job.repository';
import type { ImportWindow } from './import-window.planner';

const PORTAL = 62515;
const HOUR = 3_600_000;
const range = { fromMs: 0, toMs: 4 * HOUR, windowMs: HOUR };
const empty = (): ImportTotals => ({ fetched: 0, produced: 0, windowsDone: 0, typeCounts: {}, skipped: 0 });

/** In-memory HubSpot: newest first, like the API; counts calls; can fail from a given call on. */
class MemorySource implements ImportEventSource {
  calls: ImportWindow[] = [];
  failFromCall = Infinity;
  constructor(private readonly events: Record<string, unknown>[]) {}
  async fetch(window: ImportWindow, maxEvents: number): Promise<FetchedWindow> {
    this.calls.push(window);
    if (this.calls.length >= this.failFromCall) throw new Error('HubSpot down');
    const inside = this.events
      .filter((e) => (e['created'] as number) >= window.startMs && (e['created'] as number) < window.endMs)
      .sort((a, b) => (b['created'] as number) - (a['created'] as number));
    return inside.length > maxEvents
      ? { events: inside.slice(0, maxEvents + 1), overflow: true }
      : { events: inside, overflow: false };
  }
}

const event = (created: number, type = 'OPEN', extra: Record<string, unknown> = {}) => ({
  id: `e-${created}`,
  created,
  type,
  recipient: `r${created % 3}@example.com`,
  portalId: 1, // a raw portalId that differs: the imported portal wins
  ...extra,
});

const harness = (source: MemorySource, maxWindowEvents = 1_000) => {
  const produced: HubSpotEmailEvent[] = [];
  const commits: Array<{ previousStart: number; commit: WindowCommit }> = [];
  const deps: ImportRunnerDeps = {
    source,
    produce: async (records) => void produced.push(...records),
    commit: async (previousStart, commit) => void commits.push({ previousStart, commit }),
    onWindow: () => undefined,
    maxWindowEvents,
    now: () => 42,
  };
  return { produced, commits, deps };
};

describe('runImportWindows', () => {
  it('produces every event once, oldest first, as the imported portal with source "import"', async () => {
    const events = [event(3 * HOUR + 5, 'CLICK'), event(10), event(HOUR), event(HOUR - 1, 'SENT')];
    const { produced, commits, deps } = harness(new MemorySource(events));
    const totals = await runImportWindows(PORTAL, range, 0, empty(), deps);
    expect(produced.map((r) => r.created)).toEqual([10, HOUR - 1, HOUR, 3 * HOUR + 5]);
    expect(produced.every((r) => r.portalId === PORTAL && r.source === 'import' && r.polledAt === 42)).toBe(
      true,
    );
    expect(totals).toEqual({
      fetched: 4,
      produced: 4,
      windowsDone: 4,
      typeCounts: { OPEN: 2, SENT: 1, CLICK: 1 },
      skipped: 0,
    });
    expect(commits.map((c) => [c.previousStart, c.commit.nextWindowStart])).toEqual([
      [0, HOUR],
      [HOUR, 2 * HOUR],
      [2 * HOUR, 3 * HOUR],
      [3 * HOUR, 4 * HOUR],
    ]);
  });

  it('halves a window that holds more than the cap and keeps the narrowed span for the rest of the cell', async () => {
    const dense = Array.from({ length: 8 }, (_, i) => event(i * (HOUR / 8)));
    const source = new MemorySource([...dense, event(2 * HOUR + 1)]);
    const { produced, commits, deps } = harness(source, 2);
    const totals = await runImportWindows(PORTAL, range, 0, empty(), deps);
    expect(produced.map((r) => r.created)).toEqual([...dense, event(2 * HOUR + 1)].map((e) => e.created));
    expect(totals.windowsDone).toBe(4);
    // The first cell was read in quarters after two halvings; the later cells whole.
    expect(commits.map((c) => c.commit.nextWindowStart)).toEqual([
      HOUR / 4,
      HOUR / 2,
      (3 * HOUR) / 4,
      HOUR,
      2 * HOUR,
      3 * HOUR,
      4 * HOUR,
    ]);
    expect(source.calls[0]).toEqual({ startMs: 0, endMs: HOUR });
    expect(source.calls[1]).toEqual({ startMs: 0, endMs: HOUR / 2 });
    expect(source.calls[2]).toEqual({ startMs: 0, endMs: HOUR / 4 });
  });

  it('reads a 1 ms window whole even past the cap', async () => {
    const same = Array.from({ length: 5 }, (_, i) => event(7, 'OPEN', { id: `same-${i}` }));
    const { produced, deps } = harness(new MemorySource(same), 2);
    await runImportWindows(PORTAL, { fromMs: 0, toMs: 16, windowMs: 16 }, 0, empty(), deps);
    expect(produced.map((r) => r.id)).toEqual(['same-0', 'same-1', 'same-2', 'same-3', 'same-4']);
  });

  it('stops at the failing window without committing it; resuming from the last commit leaves no gap', async () => {
    const events = Array.from({ length: 8 }, (_, i) => event(i * (HOUR / 2) + 1));
    const source = new MemorySource(events);
    source.failFromCall = 3;
    const first = harness(source);
    await expect(runImportWindows(PORTAL, range, 0, empty(), first.deps)).rejects.toThrow('HubSpot down');
    const last = first.commits.at(-1)!.commit;
    expect(last.nextWindowStart).toBe(2 * HOUR);
    expect(first.produced).toHaveLength(4);

    source.failFromCall = Infinity;
    const second = harness(source);
    const totals = await runImportWindows(
      PORTAL,
      range,
      last.nextWindowStart,
      { ...last, skipped: 0 },
      second.deps,
    );
    expect([...first.produced, ...second.produced].map((r) => r.created)).toEqual(
      events.map((e) => e.created),
    );
    expect(totals).toMatchObject({ fetched: 8, produced: 8, windowsDone: 4 });
  });

  it('skips events without a valid EventId and counts them', async () => {
    const { produced, deps } = harness(new MemorySource([event(5), { created: 6, type: 'OPEN' }]));
    const totals = await runImportWindows(PORTAL, range, 0, empty(), deps);
    expect(produced).toHaveLength(1);
    expect(totals.skipped).toBe(1);
  });

  it('on a dry run produces and commits nothing but still counts', async () => {
    const { deps } = harness(new MemorySource([event(5), event(HOUR + 5)]));
    const totals = await runImportWindows(PORTAL, range, 0, empty(), {
      ...deps,
      produce: undefined,
      commit: undefined,
    });
    expect(totals).toMatchObject({ fetched: 2, produced: 0, windowsDone: 4, typeCounts: { OPEN: 2 } });
  });

  it('after a burst, widens the windows again instead of walking the quiet rest of the cell in tiny steps', async () => {
    const burst = Array.from({ length: 16 }, (_, i) => event(i));
    const source = new MemorySource([...burst, event(HOUR - 10)]);
    const { produced, deps } = harness(source, 4);
    await runImportWindows(PORTAL, { fromMs: 0, toMs: HOUR, windowMs: HOUR }, 0, empty(), deps);
    expect(produced).toHaveLength(17);
    expect(source.calls.length).toBeLessThan(60);
  });
});
