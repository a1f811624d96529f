import { effectiveLimit, planBlock, planGrant, type PortalWindowState } from './rate-budget.planner';

const W = { limit: 3, windowMs: 10_000 };
const state = (grants: number[], blockedUntil = 0): PortalWindowState => ({ grants, blockedUntil });

describe('planGrant (sliding-window log)', () => {
  it.each([
    ['empty window: granted', state([]), 50_000, { granted: true, grants: [50_000] }],
    [
      'below the limit: granted',
      state([41_000, 45_000]),
      50_000,
      { granted: true, grants: [41_000, 45_000, 50_000] },
    ],
    [
      'full: waits until the oldest leaves',
      state([41_000, 45_000, 49_000]),
      50_000,
      { granted: false, waitMs: 1_000 },
    ],
    [
      'a grant exactly one window old has left',
      state([40_000, 45_000, 49_000]),
      50_000,
      { granted: true, grants: [45_000, 49_000, 50_000] },
    ],
    [
      'a grant 1 ms inside the window still counts',
      state([40_001, 45_000, 49_000]),
      50_000,
      { granted: false, waitMs: 1 },
    ],
    ['expired grants are dropped', state([1_000, 2_000, 3_000]), 50_000, { granted: true, grants: [50_000] }],
    [
      'blocked after a 429: waits for the block even with room',
      state([], 52_500),
      50_000,
      { granted: false, waitMs: 2_500 },
    ],
    ['block over: granted', state([], 50_000), 50_000, { granted: true, grants: [50_000] }],
  ])('%s', (_name, s, now, expected) => {
    const decision = planGrant(s, now, W);
    const seen = decision.granted
      ? { granted: true, grants: decision.state.grants }
      : { granted: false, waitMs: decision.waitMs };
    expect(seen).toEqual(expected);
  });

  it('after the limit was lowered, waits until enough grants left to get under the new limit', () => {
    const decision = planGrant(state([41_000, 42_000, 43_000, 44_000, 45_000]), 50_000, W);
    expect(decision).toMatchObject({ granted: false, waitMs: 3_000 });
  });

  it('unsorted input is handled (grants from several writers)', () => {
    expect(planGrant(state([49_000, 41_000, 45_000]), 50_000, W)).toMatchObject({ waitMs: 1_000 });
  });

  it('never lets more than `limit` calls into any window (random arrivals, asking again after each wait)', () => {
    let s = state([]);
    const granted: number[] = [];
    let now = 0;
    for (let i = 0; i < 200; i += 1) {
      now += (i * 7919) % 4_000;
      for (;;) {
        const d = planGrant(s, now, W);
        s = d.state;
        if (d.granted) break;
        now += d.waitMs;
      }
      granted.push(now);
    }
    for (const at of granted) {
      expect(granted.filter((t) => t > at - W.windowMs && t <= at).length).toBeLessThanOrEqual(W.limit);
    }
  });
});

describe('planBlock', () => {
  it('extends a block but never shortens it', () => {
    expect(planBlock(state([1], 5_000), 9_000).blockedUntil).toBe(9_000);
    expect(planBlock(state([1], 9_000), 5_000).blockedUntil).toBe(9_000);
  });
});

describe('effectiveLimit', () => {
  it.each([
    [100, 0.1, 90],
    [190, 0.1, 171],
    [110, 0, 110],
    [1, 0.5, 1],
  ])('%i per window with margin %f → %i', (requests, margin, limit) => {
    expect(effectiveLimit(requests, margin)).toBe(limit);
  });
});
