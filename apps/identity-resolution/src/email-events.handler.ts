import { mapEmailEventToHeap, type SkipReason } from '@hubheap/hubspot';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapTrackEvent, HubSpotEmailEvent } from '@hubheap/schemas';
import {
  EMPTY_IDENTITY_VIEW,
  identityKey,
  type IdentityView,
  resolveIdentity,
} from './identity/identity-map';
import { resolveTenant, type TenantDirectory } from './tenants.config';

type EmailEventRecord = ConsumedRecord<HubSpotEmailEvent>;

/** What to do with a batch of `hubspot.email-events.v1` records; every input record lands in exactly one list. */
export interface EmailEventPlan {
  /** Heap events to produce to `heap.track-events.v1`, in input (offset) order. */
  track: HeapTrackEvent[];
  /** Records deliberately not sent to Heap, with the mapper's reason (counted and logged, then committed). */
  skipped: Array<{ record: EmailEventRecord; reason: SkipReason }>;
  /**
   * Records of tenants with a custom email property whose email has no Heap identity yet (or whose
   * email already has records waiting): they wait in `pending_records`, `event` without identity.
   */
  pending: Array<{ record: EmailEventRecord; appId: string; email: string; event: HeapTrackEvent }>;
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
 *    `invalid-created`);
 * 3. the Heap identity ({@link resolveIdentity}): the normalised recipient for emailProperty `identity`,
 *    else the `heap_identities` row of the tenant's app_id; none yet, or records of that email already
 *    waiting → `pending` (released in offset order when the identity arrives, so one person's events
 *    keep their order).
 */
export const planEmailEvents = (
  records: readonly EmailEventRecord[],
  tenants: TenantDirectory,
  identities: IdentityView = EMPTY_IDENTITY_VIEW,
): EmailEventPlan => {
  const plan: EmailEventPlan = { track: [], pending: [], skipped: [], deadLetters: [] };
  const parked = new Set<string>();
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
    if (decision.kind !== 'track') {
      plan.skipped.push({ record, reason: decision.reason });
      continue;
    }
    // The mapper's identity is the recipient trimmed and lower-cased: the normalised email.
    const email = decision.event.identity;
    const key = identityKey(tenant.heapAppId, email);
    const resolved = resolveIdentity(tenant, email, identities);
    if (resolved.kind === 'too-long') {
      plan.skipped.push({ record, reason: 'identity-too-long' });
    } else if (
      resolved.kind === 'identity' &&
      !parked.has(key) &&
      !identities.isWaiting(tenant.heapAppId, email)
    ) {
      plan.track.push({ ...decision.event, identity: resolved.identity });
    } else {
      parked.add(key);
      plan.pending.push({
        record,
        appId: tenant.heapAppId,
        email,
        event: { ...decision.event, identity: '' },
      });
    }
  }
  return plan;
};
