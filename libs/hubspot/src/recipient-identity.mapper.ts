import { HEAP_LIMITS } from '@hubheap/heap';

export type RecipientIdentity =
  { ok: true; identity: string } | { ok: false; reason: 'no-recipient' | 'identity-too-long' };

const PLACEHOLDERS = new Set(['', 'null', 'undefined']);

/**
 * Heap identity for a HubSpot email `recipient` (heap-api.md §2, §11): trimmed and lower-cased, so
 * `Jane@Example.com ` and `jane@example.com` are one Heap user. Empty values, the placeholders
 * `"null"`/`"undefined"` and strings without `@` give `no-recipient`; more than 255 characters after
 * normalisation gives `identity-too-long` (Heap's identity limit; cutting would merge users). Pure.
 */
export const recipientToIdentity = (recipient: string | null | undefined): RecipientIdentity => {
  const identity = (recipient ?? '').trim().toLowerCase();
  if (PLACEHOLDERS.has(identity) || !identity.includes('@')) return { ok: false, reason: 'no-recipient' };
  if (identity.length > HEAP_LIMITS.maxIdentityLength) return { ok: false, reason: 'identity-too-long' };
  return { ok: true, identity };
};
