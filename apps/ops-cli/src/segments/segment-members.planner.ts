import type { HeapSegmentDelta } from '@hubheap/schemas';

/** What `segments import-members` turns a members file into. */
export interface SegmentImportPlanInput {
  portalId: number;
  heapAppId?: string;
  segmentId: string;
  segmentName: string;
  members: string[];
  /** `snapshot`: the file is the whole segment (a drain first, then the members); `add`: only adds. */
  mode: 'snapshot' | 'add';
  /** Members per record (Heap's own pages hold up to 1000). */
  pageSize: number;
  syncTaskId: string;
  /** ms since the Unix epoch. */
  receivedAt: number;
}

/**
 * The `heap.segment-deltas.v1` records equivalent to Heap's Segments Sync webhook for a members file
 * (heap-api.md §8.1), with `source: 'import'`: in snapshot mode a `drain` (the segment's previous
 * membership is cleared) followed by `sync` pages of one new sync task; in add mode only the pages.
 * All records share the key `<portalId>:<segmentId>`, so they stay in this order on one partition.
 * The pages are stamped 1 ms after the drain: segment-export voids pages of a sync task first seen at
 * or before a drain, and this task must count as newer than the drain it follows.
 */
export const planSegmentImport = (input: SegmentImportPlanInput): HeapSegmentDelta[] => {
  const base = {
    portalId: input.portalId,
    heapAppId: input.heapAppId ?? null,
    idToken: null,
    segmentId: input.segmentId,
    segmentName: input.segmentName,
    receivedAt: input.receivedAt,
    source: 'import',
  };
  const totalPages = Math.max(1, Math.ceil(input.members.length / input.pageSize));
  const pages: HeapSegmentDelta[] = Array.from({ length: totalPages }, (_, i) => ({
    ...base,
    receivedAt: input.mode === 'snapshot' ? input.receivedAt + 1 : input.receivedAt,
    action: 'sync',
    syncTaskId: input.syncTaskId,
    pageNumber: i + 1,
    totalPages,
    add: input.members.slice(i * input.pageSize, (i + 1) * input.pageSize),
    remove: [],
  }));
  if (input.mode === 'add') return pages;
  const drain: HeapSegmentDelta = {
    ...base,
    action: 'drain',
    syncTaskId: null,
    pageNumber: null,
    totalPages: null,
    add: [],
    remove: [],
  };
  return [drain, ...pages];
};
