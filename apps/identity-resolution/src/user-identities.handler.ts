import { HEAP_LIMITS } from '@hubheap/heap';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapUserIdentity } from '@hubheap/schemas';
import type { UserIdentityUpdate } from './database/identity-map.repository';
import { normaliseEmail } from './identity/identity-map';
import type { TenantDirectory } from './tenants.config';

/** Why a `heap.user-identities.v1` record changes nothing. */
export type UserIdentitySkipReason = 'invalid-identity' | 'other-email-property';

/** What a batch of `heap.user-identities.v1` records does to the identity map. */
export interface UserIdentitiesPlan {
  /** Updates in offset order (email normalised; undefined = the user has no email any more). */
  updates: UserIdentityUpdate[];
  skipped: Array<{ record: ConsumedRecord<HeapUserIdentity>; reason: UserIdentitySkipReason }>;
}

/**
 * Turns Heap user identity values into identity-map updates (pure):
 * - identity empty or over 255 characters (heap-api.md §11) → `invalid-identity`;
 * - a value of another property than the one the app's tenants use as email property (a feed may
 *   carry several) → `other-email-property`; an app no tenant lists is applied anyway, so the map is
 *   ready when the tenant is added;
 * - the email trimmed and lower-cased; blank/null → the user no longer has one (its row goes).
 */
export const planUserIdentities = (
  records: readonly ConsumedRecord<HeapUserIdentity>[],
  tenants: TenantDirectory,
): UserIdentitiesPlan => {
  const plan: UserIdentitiesPlan = { updates: [], skipped: [] };
  const propertiesOf = new Map<string, Set<string>>();
  for (const t of tenants.byPortal.values()) {
    const set = propertiesOf.get(t.heapAppId) ?? new Set<string>();
    set.add(t.emailProperty);
    propertiesOf.set(t.heapAppId, set);
  }
  for (const record of records) {
    const { appId, identity, emailProperty, email, observedAt } = record.value;
    if (identity.trim() === '' || identity.length > HEAP_LIMITS.maxIdentityLength) {
      plan.skipped.push({ record, reason: 'invalid-identity' });
      continue;
    }
    const used = propertiesOf.get(appId);
    if (used && !used.has(emailProperty)) {
      plan.skipped.push({ record, reason: 'other-email-property' });
      continue;
    }
    plan.updates.push({ appId, identity, email: normaliseEmail(email), observedAt });
  }
  return plan;
};
