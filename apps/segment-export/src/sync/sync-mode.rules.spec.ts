import {
  decideSyncMode,
  MAX_RECURRING_SEGMENTS,
  nextSyncAfterRun,
  type SegmentSchedule,
} from './sync-mode.rules';

const NOW = 1_700_000_000_000;
const OFF: SegmentSchedule = { mode: 'off', nextSyncAt: null, recurringSince: null };

describe('decideSyncMode (30 recurring segments per portal)', () => {
  it('the 30th recurring segment is accepted, the 31st refused with a clear error', () => {
    expect(decideSyncMode(OFF, 'recurring', MAX_RECURRING_SEGMENTS - 1, NOW)).toEqual({
      ok: true,
      schedule: { mode: 'recurring', nextSyncAt: NOW, recurringSince: NOW },
    });
    const refused = decideSyncMode(OFF, 'recurring', MAX_RECURRING_SEGMENTS, NOW);
    expect(refused).toEqual({
      ok: false,
      error: expect.stringMatching(/30 recurring segments.*limit is 30/),
    });
  });

  it('one-time syncs do not count and are never refused', () => {
    expect(decideSyncMode(OFF, 'one_time', 500, NOW)).toEqual({
      ok: true,
      schedule: { mode: 'one_time', nextSyncAt: NOW, recurringSince: null },
    });
  });

  it('re-asking recurring for a recurring segment is accepted at the limit and keeps its schedule', () => {
    const current: SegmentSchedule = { mode: 'recurring', nextSyncAt: NOW + 5, recurringSince: NOW - 5 };
    expect(decideSyncMode(current, 'recurring', MAX_RECURRING_SEGMENTS, NOW)).toEqual({
      ok: true,
      schedule: current,
    });
  });

  it('off cancels the plan', () => {
    const current: SegmentSchedule = { mode: 'recurring', nextSyncAt: NOW, recurringSince: NOW };
    expect(decideSyncMode(current, 'off', 0, NOW)).toEqual({ ok: true, schedule: OFF });
  });
});

describe('nextSyncAfterRun', () => {
  it.each([
    ['recurring', 'completed', NOW + 4 * 3_600_000],
    ['one_time', 'completed', null],
    ['off', 'completed', null],
    ['recurring', 'failed', NOW + 60_000],
    ['one_time', 'failed', NOW + 60_000],
    ['off', 'failed', null],
  ] as const)('%s + %s → %s', (mode, status, expected) => {
    expect(nextSyncAfterRun(mode, status, NOW, 4 * 3_600_000, 60_000)).toBe(expected);
  });
});
