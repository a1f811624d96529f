import type { HeapSegmentDelta } from '@hubheap/schemas';
import { normaliseMatchValue } from './match-value';

/** One `segment_member` row as the fold sees it. */
export interface MemberState {
  /** Normalised match value ({@link normaliseMatchValue}). */
  matchValue: string;
  present: boolean;
  /**
   * Order of the change that set the row, ms epoch: for a sync page, when the consumer first saw that
   * page's sync task (`heap_sync_task.first_received_at`); for a drain, the drain's `receivedAt`.
   */
  taskOrder: number;
  /** Sync task that set the row; null when a drain did. */
  lastSyncTaskId: string | null;
  /** Page (1-based) that set the row; null for a drain. */
  lastPage: number | null;
}

/** What the fold reads about one segment. */
export interface SegmentFoldState {
  /** `receivedAt` (ms) of the latest drain applied; pages of tasks first seen at or before it are void. */
  drainedAt: number | null;
  /** Rows of the values the delta names (sync), or every present row (drain); other rows are not needed. */
  members: ReadonlyArray<MemberState>;
}

/** What to write: the rows that changed (upsert) and the segment's new `drainedAt`. */
export interface SegmentFoldResult {
  drainedAt: number | null;
  changed: MemberState[];
}

const DRAIN_TASK_KEY = '\uffff';

/**
 * Precedence of a change: (taskOrder, sync task id, remove over add, page number). The fold keeps the maximum, and a
 * maximum is idempotent, commutative and associative: re-delivered pages change nothing and the pages
 * of one task can arrive in any order.
 */
const compare = (a: MemberState, b: MemberState): number =>
  a.taskOrder - b.taskOrder ||
  (a.lastSyncTaskId ?? DRAIN_TASK_KEY).localeCompare(b.lastSyncTaskId ?? DRAIN_TASK_KEY) ||
  Number(!a.present) - Number(!b.present) ||
  (a.lastPage ?? 0) - (b.lastPage ?? 0);

/**
 * Folds one Heap Segments Sync delta (heap-api.md §8.1) into a segment's membership. Pure. Rules:
 * - a `sync` page sets its `remove` values absent and its `add` values present;
 * - a `drain` sets every present member absent and voids later-arriving pages of older tasks;
 * - for one value, the change of the later sync task wins (task order = when the consumer first saw
 *   the task, `taskOrder` ms), whatever order pages arrive in;
 * - within one task, **remove wins over add** (a person Heap reports both ways is not targeted);
 * - a page already applied (same task, page and values) changes nothing.
 * @param taskOrder the sync task's order (ms epoch); ignored for a drain (its `receivedAt` is used).
 * @throws Error for an action other than `sync` or `drain` (the consumer dead-letters the record).
 */
export const applySegmentDelta = (
  state: SegmentFoldState,
  delta: HeapSegmentDelta,
  taskOrder: number,
): SegmentFoldResult => {
  if (delta.action === 'drain') return applyDrain(state, delta.receivedAt);
  if (delta.action !== 'sync') throw new Error(`unknown segment delta action "${delta.action}"`);
  if (state.drainedAt !== null && taskOrder <= state.drainedAt) {
    return { drainedAt: state.drainedAt, changed: [] };
  }
  const candidates = new Map<string, MemberState>();
  const offer = (raw: string, present: boolean): void => {
    const next: MemberState = {
      matchValue: normaliseMatchValue(raw),
      present,
      taskOrder,
      lastSyncTaskId: delta.syncTaskId ?? '',
      lastPage: delta.pageNumber ?? null,
    };
    const seen = candidates.get(next.matchValue);
    if (!seen || compare(next, seen) > 0) candidates.set(next.matchValue, next);
  };
  delta.add.forEach((value) => offer(value, true));
  delta.remove.forEach((value) => offer(value, false));
  const current = new Map(state.members.map((m) => [m.matchValue, m]));
  const changed = [...candidates.values()].filter((next) => {
    const now = current.get(next.matchValue);
    return !now || compare(next, now) > 0;
  });
  return { drainedAt: state.drainedAt, changed };
};

const applyDrain = (state: SegmentFoldState, receivedAt: number): SegmentFoldResult => {
  const drainedAt = Math.max(state.drainedAt ?? receivedAt, receivedAt);
  const drained = (m: MemberState): MemberState => ({
    matchValue: m.matchValue,
    present: false,
    taskOrder: receivedAt,
    lastSyncTaskId: null,
    lastPage: null,
  });
  const changed = state.members.filter((m) => m.present && compare(drained(m), m) > 0).map(drained);
  return { drainedAt, changed };
};
