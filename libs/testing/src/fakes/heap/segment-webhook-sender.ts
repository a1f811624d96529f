import { createHmac, randomUUID } from 'node:crypto';
import { SeededRandom } from '../../prng';

/** Heap segment as sent in `data.segment` (heap-api.md §8.1): int64 `id`, display `name`. */
export interface HeapSegmentRef {
  id: number;
  name: string;
}

/** Retry policy of the sender: `count` retries after the first attempt (default 3), `delayMs` between (default 10). */
export interface SegmentRetryOptions {
  count?: number;
  delayMs?: number;
}

/** Options shared by {@link sendSegmentSync} and {@link sendSegmentDrain}. */
export interface SegmentWebhookCommonOptions {
  /** Where the POST goes (the segment-export receiver). */
  targetUrl: string;
  /** Webhook secret of the Heap Developer Hub integration; signs `Heap-Hash`. */
  secret: string;
  segment: HeapSegmentRef;
  /** `id_token` (customer account uuid); default a random uuid, returned in the result. */
  idToken?: string;
  /** Fixed `ts` (ms epoch) for every attempt, e.g. a stale one; default `now()` afresh per attempt. */
  ts?: number;
  /** Sign with a wrong secret (negative tests). */
  badSignature?: boolean;
  /** Retries of attempts that did not get HTTP 200 (Heap retries 429 and any other 4xx/5xx, §8.1). */
  retries?: SegmentRetryOptions;
  /** `customer_config` sent with every request; default `{ fields: [] }`. */
  customerConfig?: { fields: unknown[] };
  /** Per-attempt timeout in ms (an attempt that times out counts as failed); default 5000. */
  timeoutMs?: number;
  /** Clock (ms epoch) for default `ts`; default `Date.now`. */
  now?: () => number;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** Options of {@link sendSegmentSync}. */
export interface SegmentSyncOptions extends SegmentWebhookCommonOptions {
  /** Ids (values of the identity-matching property, e.g. emails) that entered the segment. */
  add: readonly string[];
  /** Ids that left the segment. */
  remove: readonly string[];
  /** Ids (add + remove together) per page; default 1000. Adds fill pages first, then removes. */
  pageSize?: number;
  /** `sync_task_id` shared by every page; default a random uuid. */
  syncTaskId?: string;
  /** 1-based page numbers to deliver a second time (identical body, fresh signature) right after the original. */
  duplicatePages?: readonly number[];
  /** Deliver pages out of order (a seeded shuffle that never keeps the natural order when there are ≥ 2 pages). */
  shuffle?: boolean;
  /** Seed of the shuffle; default 1. */
  shuffleSeed?: number;
}

/** One HTTP attempt: `status`, or `error` for a connection failure/timeout. */
export interface SegmentWebhookAttempt {
  /** 1-based page number (1 for a drain). */
  pageNumber: number;
  /** 0 for the first attempt of a delivery, 1.. for retries. */
  attempt: number;
  /** True for the extra delivery of a page listed in `duplicatePages`. */
  duplicate: boolean;
  status?: number;
  error?: string;
  /** `ts` used in `Heap-Hash` (ms epoch, decimal string). */
  ts: string;
  /** The `Heap-Hash` header sent. */
  heapHash: string;
  /** The exact body sent (UTF-8 JSON). */
  body: string;
}

/** Outcome: `delivered` when every delivery (page, and duplicate) finally got 200; attempts in send order. */
export interface SegmentWebhookResult {
  delivered: boolean;
  syncTaskId?: string;
  idToken: string;
  totalPages: number;
  attempts: SegmentWebhookAttempt[];
}

/**
 * `Heap-Hash` header value (heap-api.md §8.1): `ts:<ts>,hmac:<hex HMAC-SHA256(secret, ts + body)>`, where `ts` is
 * the ms-epoch timestamp as a decimal string and `body` the exact raw request body.
 */
export function heapHash(secret: string, ts: number | string, body: string): string {
  const hmac = createHmac('sha256', secret).update(`${ts}${body}`, 'utf8').digest('hex');
  return `ts:${ts},hmac:${hmac}`;
}

/**
 * Sends a Heap Segments Sync (`action_type: "segment.users.sync"`, heap-api.md §8.1) the way Heap does: splits
 * `add`/`remove` into pages of `pageSize` ids (`data.sync_info {page_number, total_pages, sync_task_id}`; an empty
 * sync is one page with empty arrays), POSTs each page as JSON with `Heap-Hash` signed over `ts + raw body`, and
 * retries any non-200 answer with a fresh `ts`. Pages go out sequentially, optionally shuffled or duplicated.
 * Never throws for HTTP failures.
 */
export async function sendSegmentSync(options: SegmentSyncOptions): Promise<SegmentWebhookResult> {
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be ≥ 1, got ${pageSize}`);
  const idToken = options.idToken ?? randomUUID();
  const syncTaskId = options.syncTaskId ?? randomUUID();
  const items = [
    ...options.add.map((id) => ({ id, op: 'add' as const })),
    ...options.remove.map((id) => ({ id, op: 'remove' as const })),
  ];
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  const bodies = Array.from({ length: totalPages }, (_, i) => {
    const chunk = items.slice(i * pageSize, (i + 1) * pageSize);
    return JSON.stringify({
      id_token: idToken,
      action_type: 'segment.users.sync',
      customer_config: options.customerConfig ?? { fields: [] },
      data: {
        segment: { id: options.segment.id, name: options.segment.name },
        sync_info: { page_number: i + 1, total_pages: totalPages, sync_task_id: syncTaskId },
        add: chunk.filter((c) => c.op === 'add').map((c) => ({ id: c.id })),
        remove: chunk.filter((c) => c.op === 'remove').map((c) => ({ id: c.id })),
      },
    });
  });
  const order = pageOrder(totalPages, options.shuffle === true, options.shuffleSeed ?? 1);
  const attempts: SegmentWebhookAttempt[] = [];
  let delivered = true;
  for (const pageNumber of order) {
    const body = bodies[pageNumber - 1] ?? '';
    const copies = options.duplicatePages?.includes(pageNumber) ? [false, true] : [false];
    for (const duplicate of copies) {
      const ok = await deliver(options, body, pageNumber, duplicate, attempts);
      delivered &&= ok;
    }
  }
  return { delivered, syncTaskId, idToken, totalPages, attempts };
}

/**
 * Sends `action_type: "segment.users.drain"` (heap-api.md §8.1: the segment was turned off or emptied; body
 * `{id_token, action_type, customer_config, data: {segment}}`), signed and retried like {@link sendSegmentSync}.
 */
export async function sendSegmentDrain(options: SegmentWebhookCommonOptions): Promise<SegmentWebhookResult> {
  const idToken = options.idToken ?? randomUUID();
  const body = JSON.stringify({
    id_token: idToken,
    action_type: 'segment.users.drain',
    customer_config: options.customerConfig ?? { fields: [] },
    data: { segment: { id: options.segment.id, name: options.segment.name } },
  });
  const attempts: SegmentWebhookAttempt[] = [];
  const delivered = await deliver(options, body, 1, false, attempts);
  return { delivered, idToken, totalPages: 1, attempts };
}

function pageOrder(totalPages: number, shuffle: boolean, seed: number): number[] {
  const order = Array.from({ length: totalPages }, (_, i) => i + 1);
  if (!shuffle || totalPages < 2) return order;
  const random = new SeededRandom(seed);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  if (order.every((p, i) => p === i + 1)) order.reverse();
  return order;
}

async function deliver(
  options: SegmentWebhookCommonOptions,
  body: string,
  pageNumber: number,
  duplicate: boolean,
  attempts: SegmentWebhookAttempt[],
): Promise<boolean> {
  const retries = options.retries?.count ?? 3;
  const delayMs = options.retries?.delayMs ?? 10;
  const now = options.now ?? Date.now;
  const secret = options.badSignature ? `${options.secret}-wrong` : options.secret;
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (attempt > 0 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const ts = String(options.ts ?? now());
    const hash = heapHash(secret, ts, body);
    const base = { pageNumber, attempt, duplicate, ts, heapHash: hash, body };
    try {
      const res = await fetch(options.targetUrl, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        headers: { 'Content-Type': 'application/json', 'Heap-Hash': hash, ...options.headers },
      });
      await res.arrayBuffer();
      attempts.push({ ...base, status: res.status });
      if (res.status === 200) return true;
    } catch (err) {
      attempts.push({ ...base, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return false;
}
