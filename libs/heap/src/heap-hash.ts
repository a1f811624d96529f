import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a Heap-Hash check failed (the 403 body's `reason`). */
export type HeapHashFailure =
  'missing-signature' | 'malformed-signature' | 'stale-timestamp' | 'future-timestamp' | 'bad-signature';

/** Window of accepted `ts` values, in ms. */
export interface HeapHashWindow {
  /** Oldest accepted age of `ts` (ms); Heap's reference validator uses 60 000, we default to 300 000. */
  maxAgeMs: number;
  /** Largest accepted clock skew into the future (ms). */
  futureSkewMs: number;
}

/** `ts` (ms epoch, and its exact text, which is what was signed) and the HMAC bytes of a `Heap-Hash: ts:<ms>,hmac:<hex>` header, or undefined if malformed. */
export const parseHeapHash = (header: string): { ts: number; tsText: string; hmac: Buffer } | undefined => {
  const fields = new Map<string, string>();
  for (const part of header.split(',')) {
    const at = part.indexOf(':');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const ts = fields.get('ts');
  const hmac = fields.get('hmac');
  if (!ts || !/^\d{1,16}$/.test(ts) || !hmac || !/^[0-9a-fA-F]{64}$/.test(hmac)) return undefined;
  return { ts: Number(ts), tsText: ts, hmac: Buffer.from(hmac, 'hex') };
};

/** Hex HMAC-SHA256 of `<ts><raw body>` with `secret` (heap-api.md §8.1); tests sign deliveries with it. */
export const heapHashHex = (secret: string, ts: number | string, rawBody: Buffer | string): string =>
  createHmac('sha256', secret).update(String(ts)).update(rawBody).digest('hex');

/**
 * Checks a `Heap-Hash` header against every candidate secret (heap-api.md §8.1): the header must parse,
 * `ts` (ms epoch) must lie in [now − maxAgeMs, now + futureSkewMs], and the HMAC over the **raw** body
 * bytes must equal one secret's (constant-time compare). Returns the index of the matching secret, which
 * identifies the tenant. Pure (`now` in ms epoch).
 */
export const verifyHeapHash = (
  header: string | undefined,
  rawBody: Buffer,
  secrets: ReadonlyArray<string>,
  now: number,
  window: HeapHashWindow,
): { ok: true; index: number } | { ok: false; reason: HeapHashFailure } => {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing-signature' };
  const parsed = parseHeapHash(header);
  if (!parsed) return { ok: false, reason: 'malformed-signature' };
  if (now - parsed.ts > window.maxAgeMs) return { ok: false, reason: 'stale-timestamp' };
  if (parsed.ts - now > window.futureSkewMs) return { ok: false, reason: 'future-timestamp' };
  let match = -1;
  // Every secret is tried (no early exit), so timing does not tell which tenant matched.
  secrets.forEach((secret, index) => {
    const expected = Buffer.from(heapHashHex(secret, parsed.tsText, rawBody), 'hex');
    if (timingSafeEqual(expected, parsed.hmac) && match < 0) match = index;
  });
  return match >= 0 ? { ok: true, index: match } : { ok: false, reason: 'bad-signature' };
};
