import { mapEmailEventToHeap, type SkipReason } from '@hubheap/hubspot';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapTrackEvent, HubSpotEmailEvent } from '@hubheap/schemas';
import { resolveTenant, type TenantDirectory } from './tenants.config';

type EmailEventRecord = ConsumedRecord<HubSpotEmailEvent>;

/** What to do with a batch of `hubspot.email-events.v1` records; every input record lands in exactly one list. */
export interface EmailEventPlan {
  /** Heap events to produce to `heap.track-events.v1`, in input (offset) order. */
  track: HeapTrackEvent[];
  /** Records deliberately not sent to Heap, with the mapper's reason (counted and logged, then committed). */
  skipped: Array<{ record: EmailEventRecord; reason: SkipReason }>;
  /** Records no tenant claims (`no tenant for portal N`), for `hubspot.email-events.v1.dlq`. */
  deadLetters: Array<{ record: EmailEventRecord; reason: string }>;
}

/**
 * Decides what each email event becomes (pure, no I/O):
 * 1. the tenant of `portalId` ({@link resolveTenant}: listed tenant, else `DEFAULT_HEAP_APP_ID`);
 *    none → dead letter `no tenant for portal N` — a configuration gap must stay visible and redrivable,
 *    not be dropped;
 * 2. `mapEmailEventToHeap` (libs/hubspot; hubspot-api.md §2.3–2.4, heap-api.md §2–3, §11) with the
 *    tenant's app_id: a track event (Heap name such as `Opened Email`, identity = recipient trimmed and
 *    lower-cased, ISO 8601 UTC timestamp with ms, idempotency key `hs:<portalId>:<created>:<id>`), or a
 *    skip (`unsupported-type`, `obsoleted`, `filtered`, `no-recipient`, `identity-too-long`,
 *    `invalid-created`).
 */
export const planEmailEvents = (
  records: readonly EmailEventRecord[],
  tenants: TenantDirectory,
): EmailEventPlan => {
  const plan: EmailEventPlan = { track: [], skipped: [], deadLetters: [] };
  for (const record of records) {
    const tenant = resolveTenant(tenants, record.value.portalId);
    if (!tenant) {
      plan.deadLetters.push({ record, reason: `no tenant for portal ${record.value.portalId}` });
      continue;
    }
    const decision = mapEmailEventToHeap(record.value, {
      appId: tenant.heapAppId,
      includeFilteredEvents: tenants.includeFilteredEvents,
    });
    if (decision.kind === 'track') plan.track.push(decision.event);
    else plan.skipped.push({ record, reason: decision.reason });
  }
  return plan;
};
