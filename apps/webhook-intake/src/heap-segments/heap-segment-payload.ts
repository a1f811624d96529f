import { z } from 'zod';
import { isRawJsonNumber, parseJsonLossless } from '@hubheap/hubspot';

/** Heap action types this endpoint accepts (heap-api.md §8.1). */
export const HEAP_SEGMENT_ACTIONS = { 'segment.users.sync': 'sync', 'segment.users.drain': 'drain' } as const;

/** A Segments Sync request body, checked and flattened (ids as decimal strings). */
export interface HeapSegmentPayload {
  action: 'sync' | 'drain';
  idToken: string | undefined;
  segmentId: string;
  segmentName: string | undefined;
  syncTaskId: string | undefined;
  pageNumber: number | undefined;
  totalPages: number | undefined;
  /** Match values (e.g. emails) as Heap sent them. */
  add: string[];
  remove: string[];
}

/** int64 ids: a safe integer, an exact raw-JSON integer above 2^53, or a decimal string. */
const int64Id = z.unknown().transform((value, ctx): string => {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (isRawJsonNumber(value) && /^\d+$/.test(value.rawJSON)) return value.rawJSON;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a non-negative integer id' });
  return z.NEVER;
});

const member = z.object({ id: z.union([z.string(), z.number()]).transform(String) }).passthrough();

const segment = z.object({ id: int64Id, name: z.string().optional() }).passthrough();

const syncBody = z.object({
  id_token: z.string().optional(),
  action_type: z.literal('segment.users.sync'),
  data: z.object({
    segment,
    sync_info: z.object({
      page_number: z.number().int().positive(),
      total_pages: z.number().int().positive(),
      sync_task_id: z.string().min(1),
    }),
    add: z.array(member).default([]),
    remove: z.array(member).default([]),
  }),
});

const drainBody = z.object({
  id_token: z.string().optional(),
  action_type: z.literal('segment.users.drain'),
  data: z.object({ segment }),
});

const body = z.discriminatedUnion('action_type', [syncBody, drainBody]);

/**
 * Parses a Segments Sync body (heap-api.md §8.1): `segment.users.sync` needs `data.segment.id`,
 * `data.sync_info {page_number, total_pages, sync_task_id}` and `add`/`remove` arrays of `{id}`;
 * `segment.users.drain` needs `data.segment` only. Unknown extra fields are ignored. Pure.
 * @returns the payload, or the first problem as `path: message`.
 */
export const parseHeapSegmentPayload = (
  text: string,
): { ok: true; payload: HeapSegmentPayload } | { ok: false; reason: string } => {
  let json: unknown;
  try {
    json = parseJsonLossless(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
  }
  const value = parsed.data;
  const common = {
    idToken: value.id_token,
    segmentId: value.data.segment.id,
    segmentName: value.data.segment.name,
  };
  if (value.action_type === 'segment.users.drain') {
    return {
      ok: true,
      payload: {
        ...common,
        action: 'drain',
        syncTaskId: undefined,
        pageNumber: undefined,
        totalPages: undefined,
        add: [],
        remove: [],
      },
    };
  }
  const { sync_info: info, add, remove } = value.data;
  return {
    ok: true,
    payload: {
      ...common,
      action: 'sync',
      syncTaskId: info.sync_task_id,
      pageNumber: info.page_number,
      totalPages: info.total_pages,
      add: add.map((m) => m.id),
      remove: remove.map((m) => m.id),
    },
  };
};
