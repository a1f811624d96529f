import {
  closesGridCell,
  gridCellEnd,
  gridWindowCount,
  gridWindowsDone,
  halveWindow,
  nextSpanHint,
  orderWindowEvents,
  planWindow,
  toQueryBounds,
} from './import-window.planner';

const DAY = 86_400_000;
const range = { fromMs: 1_000, toMs: 1_000 + 3 * DAY + 5, windowMs: DAY };

/** Every window the planner yields when nothing overflows. */
const allWindows = (r: typeof range, from = r.fromMs) => {
  const out = [];
  for (let w = planWindow(r, from); w; w = planWindow(r, w.endMs)) out.push(w);
  return out;
};

describe('import window planner', () => {
  it('splits [from, to) into fixed windows, the last one cut at to, with no gap or overlap', () => {
    expect(allWindows(range)).toEqual([
      { startMs: 1_000, endMs: 1_000 + DAY },
      { startMs: 1_000 + DAY, endMs: 1_000 + 2 * DAY },
      { startMs: 1_000 + 2 * DAY, endMs: 1_000 + 3 * DAY },
      { startMs: 1_000 + 3 * DAY, endMs: 1_000 + 3 * DAY + 5 },
    ]);
    expect(gridWindowCount(range)).toBe(4);
  });

  it('plans nothing for an empty range or a finished one', () => {
    expect(gridWindowCount({ fromMs: 5, toMs: 5, windowMs: 10 })).toBe(0);
    expect(planWindow(range, range.toMs)).toBeNull();
    expect(planWindow(range, range.toMs + 1)).toBeNull();
  });

  it('queries HubSpot with inclusive bounds that end 1 ms before the window end', () => {
    expect(toQueryBounds({ startMs: 10, endMs: 20 })).toEqual({ startTimestamp: 10, endTimestamp: 19 });
  });

  it('halves down to a single millisecond, never below', () => {
    expect(halveWindow({ startMs: 0, endMs: 10 })).toEqual({ startMs: 0, endMs: 5 });
    expect(halveWindow({ startMs: 0, endMs: 3 })).toEqual({ startMs: 0, endMs: 1 });
    expect(halveWindow({ startMs: 0, endMs: 2 })).toEqual({ startMs: 0, endMs: 1 });
    expect(halveWindow({ startMs: 7, endMs: 8 })).toBeNull();
  });

  it('after a halving, continues with the narrowed span up to the end of the grid cell', () => {
    const half = halveWindow(planWindow(range, range.fromMs)!)!;
    expect(half).toEqual({ startMs: 1_000, endMs: 1_000 + DAY / 2 });
    const span = half.endMs - half.startMs;
    expect(planWindow(range, half.endMs, span)).toEqual({ startMs: 1_000 + DAY / 2, endMs: 1_000 + DAY });
    expect(planWindow(range, 1_000 + DAY / 4, DAY / 8)).toEqual({
      startMs: 1_000 + DAY / 4,
      endMs: 1_000 + DAY / 4 + DAY / 8,
    });
    expect(closesGridCell(range, half.endMs)).toBe(false);
    expect(closesGridCell(range, 1_000 + DAY)).toBe(true);
    expect(closesGridCell(range, range.toMs)).toBe(true);
  });

  it('resumes from next_window_start: mid-cell to the cell end, then the grid again', () => {
    const resumeAt = 1_000 + DAY + 123;
    expect(gridCellEnd(range, resumeAt)).toBe(1_000 + 2 * DAY);
    expect(allWindows(range, resumeAt)).toEqual([
      { startMs: resumeAt, endMs: 1_000 + 2 * DAY },
      { startMs: 1_000 + 2 * DAY, endMs: 1_000 + 3 * DAY },
      { startMs: 1_000 + 3 * DAY, endMs: range.toMs },
    ]);
    expect(gridWindowsDone(range, range.fromMs)).toBe(0);
    expect(gridWindowsDone(range, resumeAt)).toBe(1);
    expect(gridWindowsDone(range, 1_000 + 2 * DAY)).toBe(2);
    expect(gridWindowsDone(range, range.toMs)).toBe(4);
  });

  it('orders a window oldest first, drops repeats and out-of-window events, reports invalid ones', () => {
    const window = { startMs: 100, endMs: 200 };
    const fetched = [
      { id: 'b', created: 150 },
      { id: 'a', created: 150 },
      { id: 'c', created: 120 },
      { id: 'a', created: 150 }, // overlapping page
      { id: 'edge', created: 200 }, // belongs to the next window
      { id: 'early', created: 99 },
      { id: 7, created: '110' }, // numeric id, digit-string created: accepted like the mapper does
      { created: 130 },
      { id: 'x', created: 1.5 },
    ];
    const { ordered, invalid } = orderWindowEvents(fetched, window);
    expect(ordered.map((e) => `${e.created}/${e.id}`)).toEqual(['110/7', '120/c', '150/a', '150/b']);
    expect(invalid).toEqual([{ created: 130 }, { id: 'x', created: 1.5 }]);
  });

  it('keeps a narrowed span while windows stay busy, doubles it when they thin out, resets per cell', () => {
    const cap = { maxEvents: 100 };
    const piece = { startMs: 1_000, endMs: 1_000 + 60_000 };
    expect(nextSpanHint(range, piece, undefined, { ...cap, narrowed: true, events: 90 })).toBe(60_000);
    expect(nextSpanHint(range, piece, 60_000, { ...cap, narrowed: false, events: 51 })).toBe(60_000);
    expect(nextSpanHint(range, piece, 60_000, { ...cap, narrowed: false, events: 50 })).toBe(120_000);
    expect(nextSpanHint(range, piece, undefined, { ...cap, narrowed: false, events: 0 })).toBeUndefined();
    const closing = { startMs: 1_000 + DAY / 2, endMs: 1_000 + DAY };
    expect(nextSpanHint(range, closing, 60_000, { ...cap, narrowed: true, events: 90 })).toBeUndefined();
  });
});
