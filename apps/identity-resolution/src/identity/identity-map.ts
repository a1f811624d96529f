import { HEAP_LIMITS } from '@hubheap/heap';
import { emailIsIdentity, type Tenant } from '../tenants.config';

/**
 * An email as the identity map keys it: trimmed and lower-cased (`' Jane@Example.com '` →
 * `'jane@example.com'`). `undefined` for null, blank values and the placeholders `null`/`undefined`.
 * Pure. Values without `@` are kept: a custom Heap property may hold anything the customer wrote.
 */
export const normaliseEmail = (raw: string | null | undefined): string | undefined => {
  const email = (raw ?? '').trim().toLowerCase();
  return email === '' || email === 'null' || email === 'undefined' ? undefined : email;
};

/** What the planners may know about the identity map (read from Postgres before planning). */
export interface IdentityView {
  /** Heap identity of `email` (normalised) in Heap app `appId`, from `heap_identities`. */
  identityOf(appId: string, email: string): string | undefined;
  /** True when records for `email` already wait in `pending_records` (new ones queue behind them). */
  isWaiting(appId: string, email: string): boolean;
}

/** A view that knows nothing (every tenant on `identity` needs none). */
export const EMPTY_IDENTITY_VIEW: IdentityView = {
  identityOf: () => undefined,
  isWaiting: () => false,
};

/** A view over plain maps keyed by {@link identityKey}. Pure. */
export const identityView = (
  identities: ReadonlyMap<string, string>,
  waiting: ReadonlySet<string> = new Set(),
): IdentityView => ({
  identityOf: (appId, email) => identities.get(identityKey(appId, email)),
  isWaiting: (appId, email) => waiting.has(identityKey(appId, email)),
});

/** `<app_id>:<email normalised>`, the key of the maps of {@link identityView}. */
export const identityKey = (appId: string, email: string): string => `${appId}:${email}`;

/** How the Heap identity of one email is known (or not). */
export type IdentityResolution =
  { kind: 'identity'; identity: string } | { kind: 'wait' } | { kind: 'too-long' };

/**
 * The Heap identity of a normalised `email` for `tenant` (heap-api.md §11): the email itself when the
 * tenant's emailProperty is `identity` (≤ 255 characters, else `too-long`), else the `heap_identities`
 * row of the tenant's app_id, else `wait` (the record waits in `pending_records`). Pure.
 */
export const resolveIdentity = (
  tenant: Pick<Tenant, 'emailProperty' | 'heapAppId'>,
  email: string,
  view: IdentityView,
): IdentityResolution => {
  if (emailIsIdentity(tenant))
    return email.length > HEAP_LIMITS.maxIdentityLength
      ? { kind: 'too-long' }
      : { kind: 'identity', identity: email };
  const identity = view.identityOf(tenant.heapAppId, email);
  return identity === undefined ? { kind: 'wait' } : { kind: 'identity', identity };
};
