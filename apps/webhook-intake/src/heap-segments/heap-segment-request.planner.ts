import type { HeapSegmentDelta } from '@hubheap/schemas';
import { verifyHeapHash, type HeapHashWindow } from '@hubheap/heap';
import { parseHeapSegmentPayload } from './heap-segment-payload';
import type { HeapSegmentWebhookTenant } from './heap-segment-tenants';

/** A Segments Sync delivery as received (heap-api.md §8.1). */
export interface HeapSegmentDelivery {
  /** Value of the `Heap-Hash` header, if any. */
  heapHash: string | undefined;
  /** The raw, unparsed body bytes (the HMAC covers exactly these). */
  rawBody: Buffer;
  /** Arrival time, ms epoch: checks `ts` and becomes `receivedAt`. */
  receivedAt: number;
}

/** A refusal: status and `{error, reason}` (Heap expects 403 for a bad signature). */
export interface HeapSegmentRefusal {
  kind: 'refuse';
  status: 400 | 403 | 503;
  error: string;
  reason: string;
}

export type HeapSegmentVerdict = HeapSegmentRefusal | { kind: 'produce'; delta: HeapSegmentDelta };

/**
 * Where the candidate tenants came from (HEAP_CREDENTIALS_SOURCE): `config` → HEAP_SEGMENT_WEBHOOKS;
 * `control-api` → the secrets control-api returned for the known portals, plus why the others could
 * not be read (control-api down, 5xx, or tenant settings not loaded yet — never a secret).
 */
export type HeapSegmentTenantLookup =
  { source: 'config' } | { source: 'control-api'; unavailable: ReadonlyArray<string> };

/**
 * Decides about one delivery, first failing check answers: no tenant configured (`config` source, empty
 * HEAP_SEGMENT_WEBHOOKS) → 503; `Heap-Hash` missing, malformed, stale or in the future → 403 (before any
 * JSON parsing); matching no candidate's secret → 403, unless some candidate's secret could not be read
 * from control-api → 503 `control_api_unavailable` (Heap retries; the page may be theirs); body not a
 * valid `segment.users.sync`/`segment.users.drain` → 400; else one HeapSegmentDelta for the page,
 * attributed to the tenant whose secret matched. A portal control-api has no secret for is simply not a
 * candidate: its pages get the 403 of an unknown tenant. Pure.
 */
export const decideHeapSegmentDelivery = (
  delivery: HeapSegmentDelivery,
  tenants: ReadonlyArray<HeapSegmentWebhookTenant>,
  window: HeapHashWindow,
  lookup: HeapSegmentTenantLookup = { source: 'config' },
): HeapSegmentVerdict => {
  if (tenants.length === 0 && lookup.source === 'config') {
    return refuse(503, 'not_configured', 'HEAP_SEGMENT_WEBHOOKS lists no tenant on this service');
  }
  const check = verifyHeapHash(
    delivery.heapHash,
    delivery.rawBody,
    tenants.map((t) => t.secret),
    delivery.receivedAt,
    window,
  );
  if (!check.ok && check.reason === 'bad-signature' && lookup.source === 'control-api') {
    if (lookup.unavailable.length > 0) {
      return refuse(
        503,
        'control_api_unavailable',
        `no readable Segments Sync secret matched; not read from control-api: ${lookup.unavailable.join('; ')}`,
      );
    }
  }
  if (!check.ok) return refuse(403, 'invalid_signature', check.reason);
  const tenant = tenants[check.index]!;
  const parsed = parseHeapSegmentPayload(delivery.rawBody.toString('utf8'));
  if (!parsed.ok) return refuse(400, 'invalid_payload', parsed.reason);
  const p = parsed.payload;
  return {
    kind: 'produce',
    delta: {
      portalId: tenant.portalId,
      heapAppId: tenant.heapAppId ?? null,
      idToken: p.idToken ?? null,
      action: p.action,
      segmentId: p.segmentId,
      segmentName: p.segmentName ?? null,
      syncTaskId: p.syncTaskId ?? null,
      pageNumber: p.pageNumber ?? null,
      totalPages: p.totalPages ?? null,
      add: p.add,
      remove: p.remove,
      receivedAt: delivery.receivedAt,
      source: 'webhook',
    },
  };
};

const refuse = (status: HeapSegmentRefusal['status'], error: string, reason: string): HeapSegmentRefusal => ({
  kind: 'refuse',
  status,
  error,
  reason,
});
