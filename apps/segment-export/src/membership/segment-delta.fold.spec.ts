import type { HeapSegmentDelta } from '@hubheap/schemas';
import { applySegmentDelta, type MemberState, type SegmentFoldState } from './segment-delta.fold';

const T1 = 1_000;
const T2 = 2_000;

const page = (
  syncTaskId: string,
  pageNumber: number,
  add: string[],
  remove: string[] = [],
): HeapSegmentDelta => ({
  portalId: 1,
  action: 'sync',
  segmentId: '4242',
  syncTaskId,
  pageNumber,
  totalPages: 3,
  add,
  remove,
  receivedAt: 0,
  source: 'webhook',
});
const drain = (receivedAt: number): HeapSegmentDelta => ({
  ...page('', 0, []),
  action: 'drain',
  syncTaskId: null,
  pageNumber: null,
  receivedAt,
});

/** Applies deltas one after the other, like the consumer does with its rows, and returns value → present. */
const run = (
  steps: Array<[HeapSegmentDelta, number]>,
  start: SegmentFoldState = { drainedAt: null, members: [] },
) => {
  const rows = new Map(start.members.map((m) => [m.matchValue, m]));
  let drainedAt = start.drainedAt;
  for (const [delta, order] of steps) {
    const result = applySegmentDelta({ drainedAt, members: [...rows.values()] }, delta, order);
    drainedAt = result.drainedAt;
    for (const m of result.changed) rows.set(m.matchValue, m);
  }
  const present = Object.fromEntries([...rows.values()].map((m) => [m.matchValue, m.present]));
  return { present, rows, drainedAt };
};

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((x, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]),
      );

describe('applySegmentDelta (pure fold of Heap segment pages)', () => {
  it('a page adds and removes normalised values, recording task and page', () => {
    const { rows } = run([[page('t1', 2, [' Jane@Example.COM '], ['omar@example.com']), T1]]);
    expect(rows.get('jane@example.com')).toEqual({
      matchValue: 'jane@example.com',
      present: true,
      taskOrder: T1,
      lastSyncTaskId: 't1',
      lastPage: 2,
    });
    expect(rows.get('omar@example.com')?.present).toBe(false);
  });

  it('a re-delivered page changes nothing', () => {
    const first = run([[page('t1', 1, ['a@x.io'], ['b@x.io']), T1]]);
    const again = applySegmentDelta(
      { drainedAt: null, members: [...first.rows.values()] },
      page('t1', 1, ['a@x.io'], ['b@x.io']),
      T1,
    );
    expect(again.changed).toEqual([]);
  });

  it('pages of one task (with duplicates) give the same result in every order', () => {
    const pages: Array<[HeapSegmentDelta, number]> = [
      [page('t1', 1, ['a@x.io', 'b@x.io']), T1],
      [page('t1', 2, ['c@x.io'], ['b@x.io']), T1],
      [page('t1', 3, ['d@x.io', 'A@x.io']), T1],
      [page('t1', 2, ['c@x.io'], ['b@x.io']), T1],
    ];
    const results = permutations(pages).map((order) =>
      JSON.stringify([...run(order).rows.values()].sort((x, y) => x.matchValue.localeCompare(y.matchValue))),
    );
    expect(new Set(results).size).toBe(1);
    expect(run(pages).present).toEqual({ 'a@x.io': true, 'b@x.io': false, 'c@x.io': true, 'd@x.io': true });
  });

  it('within one task remove wins over add, in either order and within one page', () => {
    expect(
      run([
        [page('t1', 1, ['a@x.io']), T1],
        [page('t1', 2, [], ['a@x.io']), T1],
      ]).present,
    ).toEqual({ 'a@x.io': false });
    expect(
      run([
        [page('t1', 2, [], ['a@x.io']), T1],
        [page('t1', 1, ['a@x.io']), T1],
      ]).present,
    ).toEqual({ 'a@x.io': false });
    expect(run([[page('t1', 1, ['a@x.io'], ['a@x.io']), T1]]).present).toEqual({ 'a@x.io': false });
  });

  it('a later sync task wins; a late re-delivery of an older task is ignored', () => {
    expect(
      run([
        [page('t1', 1, [], ['a@x.io']), T1],
        [page('t2', 1, ['a@x.io']), T2],
      ]).present,
    ).toEqual({ 'a@x.io': true });
    expect(
      run([
        [page('t1', 1, ['a@x.io']), T1],
        [page('t2', 1, [], ['a@x.io']), T2],
        [page('t1', 1, ['a@x.io']), T1],
      ]).present,
    ).toEqual({
      'a@x.io': false,
    });
  });

  it('a drain clears every present member and voids older tasks arriving later; a newer task re-adds', () => {
    const drained = run([
      [page('t1', 1, ['a@x.io', 'b@x.io']), T1],
      [drain(1_500), 0],
    ]);
    expect(drained.present).toEqual({ 'a@x.io': false, 'b@x.io': false });
    expect(drained.drainedAt).toBe(1_500);
    const late = run([
      [page('t1', 1, ['a@x.io', 'b@x.io']), T1],
      [drain(1_500), 0],
      [page('t1', 2, ['c@x.io']), T1],
    ]);
    expect(late.present['c@x.io']).toBeUndefined();
    const next = run([
      [page('t1', 1, ['a@x.io']), T1],
      [drain(1_500), 0],
      [page('t2', 1, ['a@x.io']), T2],
    ]);
    expect(next.present).toEqual({ 'a@x.io': true });
  });

  it('a drain twice changes nothing the second time; empty values are kept as ""', () => {
    const once = run([
      [page('t1', 1, ['a@x.io', '  ']), T1],
      [drain(1_500), 0],
    ]);
    expect(
      applySegmentDelta({ drainedAt: once.drainedAt, members: [...once.rows.values()] }, drain(1_500), 0)
        .changed,
    ).toEqual([]);
    expect(run([[page('t1', 1, ['  ']), T1]]).present).toEqual({ '': true });
  });

  it('an unknown action throws (the consumer dead-letters it)', () => {
    expect(() =>
      applySegmentDelta(
        { drainedAt: null, members: [] as MemberState[] },
        { ...page('t', 1, []), action: 'merge' },
        T1,
      ),
    ).toThrow(/merge/);
  });
});
