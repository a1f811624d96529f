import {
  eventKey,
  halveWindow,
  nextWindow,
  planFirstWindow,
  selectNewEvents,
  type PollCursor,
  type PollSettings,
  type RawEmailEvent,
} from './email-poll.planner';

const HOUR = 3_600_000;
const settings: PollSettings = { lookbackMs: HOUR, safetyLagMs: 5_000 };
const NOW = 1_700_000_000_000;
const cursor = (watermark: number | null, startFloor = NOW - 24 * HOUR): PollCursor => ({
  portalId: 62515,
  watermark,
  startFloor,
});
const ev = (id: string, created: number, extra: RawEmailEvent = {}): RawEmailEvent => ({
  id,
  created,
  type: 'OPEN',
  ...extra,
});
const ids = (events: { id: string }[]) => events.map((e) => e.id);

describe('planFirstWindow', () => {
  it.each([
    [
      'no watermark: from the floor to now − lag',
      cursor(null),
      { startTimestamp: NOW - 24 * HOUR, endTimestamp: NOW - 5_000 },
    ],
    [
      'watermark: re-reads the lookback',
      cursor(NOW - 10 * 60_000),
      { startTimestamp: NOW - 70 * 60_000, endTimestamp: NOW - 5_000 },
    ],
    [
      'never before the floor',
      cursor(NOW - 24 * HOUR + 1_000),
      { startTimestamp: NOW - 24 * HOUR, endTimestamp: NOW - 5_000 },
    ],
    [
      'old watermark (quiet portal): starts lookback before it',
      cursor(NOW - 30 * HOUR, 0),
      { startTimestamp: NOW - 31 * HOUR, endTimestamp: NOW - 5_000 },
    ],
  ])('%s', (_name, c, expected) => {
    expect(planFirstWindow(c, NOW, settings)).toEqual(expected);
  });

  it('includes the watermark millisecond itself even with a 1 ms lookback', () => {
    const w = planFirstWindow(cursor(NOW - HOUR), NOW, { lookbackMs: 1, safetyLagMs: 0 });
    expect(w?.startTimestamp).toBeLessThanOrEqual(NOW - HOUR);
  });

  it('is null while the floor lies in the future', () => {
    expect(planFirstWindow(cursor(null, NOW + 1), NOW, settings)).toBeNull();
  });
});

describe('halveWindow / nextWindow', () => {
  it('halves to the older half and walks forward without gap or overlap', () => {
    const first = halveWindow({ startTimestamp: 100, endTimestamp: 201 });
    expect(first).toEqual({ startTimestamp: 100, endTimestamp: 150 });
    expect(nextWindow(first!, 201)).toEqual({ startTimestamp: 151, endTimestamp: 201 });
    expect(nextWindow({ startTimestamp: 151, endTimestamp: 201 }, 201)).toBeNull();
  });

  it('cannot halve a single millisecond', () => {
    expect(halveWindow({ startTimestamp: 5, endTimestamp: 5 })).toBeNull();
    expect(halveWindow({ startTimestamp: 5, endTimestamp: 6 })).toEqual({
      startTimestamp: 5,
      endTimestamp: 5,
    });
  });
});

describe('selectNewEvents', () => {
  const window = { startTimestamp: NOW - 2 * HOUR, endTimestamp: NOW };

  it('first poll: everything in the window is new, oldest first, watermark = newest created', () => {
    const d = selectNewEvents(
      [ev('c', NOW - 10), ev('a', NOW - 30), ev('b', NOW - 20)],
      new Set(),
      window,
      cursor(null),
      settings,
    );
    expect(ids(d.fresh)).toEqual(['a', 'b', 'c']);
    expect(d.watermark).toBe(NOW - 10);
    expect(d.pruneBefore).toBe(NOW - 10 - HOUR);
  });

  it('steady state: re-read events already seen are not produced again and the watermark stays', () => {
    const fetched = [ev('a', NOW - 30), ev('b', NOW - 20)];
    const seen = new Set([eventKey('a', NOW - 30), eventKey('b', NOW - 20)]);
    const d = selectNewEvents(fetched, seen, window, cursor(NOW - 20), settings);
    expect(d.fresh).toEqual([]);
    expect(d.watermark).toBe(NOW - 20);
  });

  it('same millisecond at the window edge: a second event sharing the watermark ms is new', () => {
    const t = NOW - 20;
    const d = selectNewEvents(
      [ev('x', t), ev('y', t)],
      new Set([eventKey('x', t)]),
      window,
      cursor(t),
      settings,
    );
    expect(ids(d.fresh)).toEqual(['y']);
    expect(d.watermark).toBe(t);
  });

  it('events sharing one ms are ordered by id and both kept', () => {
    const d = selectNewEvents(
      [ev('z', NOW - 5), ev('m', NOW - 5)],
      new Set(),
      window,
      cursor(null),
      settings,
    );
    expect(ids(d.fresh)).toEqual(['m', 'z']);
  });

  it('late event inside the lookback (older than the watermark) is new; the watermark does not move back', () => {
    const late = ev('late', NOW - 50 * 60_000);
    const d = selectNewEvents(
      [late, ev('a', NOW - 10)],
      new Set([eventKey('a', NOW - 10)]),
      window,
      cursor(NOW - 10),
      settings,
    );
    expect(ids(d.fresh)).toEqual(['late']);
    expect(d.watermark).toBe(NOW - 10);
  });

  it('same id with another created is another event; an exact repeat across pages is produced once', () => {
    const d = selectNewEvents(
      [ev('a', NOW - 10), ev('a', NOW - 10), ev('a', NOW - 11)],
      new Set(),
      window,
      cursor(null),
      settings,
    );
    expect(d.fresh.map((e) => eventKey(e.id, e.created))).toEqual([
      eventKey('a', NOW - 11),
      eventKey('a', NOW - 10),
    ]);
  });

  it('events outside the window are ignored (defensive against the API)', () => {
    const d = selectNewEvents(
      [ev('old', window.startTimestamp - 1), ev('new', window.endTimestamp + 1)],
      new Set(),
      window,
      cursor(null),
      settings,
    );
    expect(d.fresh).toEqual([]);
    expect(d.watermark).toBeNull();
    expect(d.pruneBefore).toBeNull();
  });

  it('events without a usable EventId are reported as invalid, not produced', () => {
    const bad = [
      { created: NOW - 1 },
      { id: 'x', created: '1700000000000' },
      { id: '', created: NOW - 1 },
      { id: 7, created: NOW - 1 },
    ];
    const d = selectNewEvents(bad, new Set(), window, cursor(null), settings);
    expect(d.fresh).toEqual([]);
    expect(d.invalid).toHaveLength(4);
  });

  it('keeps the raw event untouched for the mapper', () => {
    const raw = ev('a', NOW - 1, { recipient: 'user1@example.com', browser: null });
    expect(selectNewEvents([raw], new Set(), window, cursor(null), settings).fresh[0]!.raw).toBe(raw);
  });
});
