import { createHash, timingSafeEqual } from 'node:crypto';
import { Signature } from '@hubspot/api-client';

export type SignatureFailure = 'missing-signature' | 'stale-timestamp' | 'future-timestamp' | 'bad-signature';
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

export interface VerifyWebhookSignatureInput {
  /** HTTP method as received (`POST`); upper-cased before signing. */
  method: string;
  /**
   * Full public URI HubSpot called: scheme, host, path and query, e.g.
   * `https://hooks.example.com/hubspot/webhooks?source=hubspot`. Behind a TLS-terminating proxy, build
   * it from the configured public target URL, not from the internal request line (§1.7 pitfalls).
   */
  uri: string;
  /** The raw, unparsed request body bytes (decoded as UTF-8), never a re-serialised object. */
  rawBody: Buffer | string;
  /** Request headers; names are matched case-insensitively. */
  headers: Record<string, string | undefined>;
  /** The app's client secret. */
  clientSecret: string;
  /** Current time, ms since the Unix epoch. */
  now: number;
  /** Allowed clock distance either way for v3, in ms. Default 300 000 (5 min, §1.7 step 1). */
  maxAgeMs?: number;
  /** Accept legacy v1 signatures when no v3 header is present (§1.7 pitfalls). Default true. */
  allowV1?: boolean;
}

// §1.7 step 2: only these sequences are decoded. Hex digits are case-insensitive (RFC 3986 §2.1).
const DECODED_SEQUENCES: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};
const DECODABLE = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/**
 * Decodes exactly the percent-sequences HubSpot decodes before signing a v3 request (§1.7 step 2):
 * `%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B`. Everything else (`%20`, `%26`, …) stays as is. Pure.
 */
export const decodeWebhookUri = (uri: string): string =>
  uri.replace(DECODABLE, (_match, hex: string) => DECODED_SEQUENCES[hex.toUpperCase()] ?? _match);

/**
 * Verifies a HubSpot webhook delivery (hubspot-api.md §1.3, §1.7). Pure (takes `now`), never throws.
 *
 * - v3 when `X-HubSpot-Signature-v3` is present: needs `X-HubSpot-Request-Timestamp` (ms epoch);
 *   older than `maxAgeMs` → `stale-timestamp`, more than `maxAgeMs` ahead → `future-timestamp`
 *   (a malformed timestamp counts as stale, a missing one as `missing-signature`); expected value
 *   `base64(HMAC-SHA256(secret, METHOD + decodedUri + body + timestamp))`. A present but wrong v3
 *   signature never falls back to v1 (no downgrade).
 * - Otherwise v1 when `allowV1` and `X-HubSpot-Signature` is present with version `v1` (or no version
 *   header): `hex(SHA-256(secret + body))`. Other versions → `bad-signature`.
 * - No usable header → `missing-signature`.
 * Expected values come from `Signature.getSignature` of @hubspot/api-client; the comparison is
 * constant-time over SHA-256 digests of both sides, so lengths do not leak either.
 */
export const verifyWebhookSignature = (input: VerifyWebhookSignatureInput): SignatureCheck => {
  const header = headerReader(input.headers);
  const v3 = header('x-hubspot-signature-v3');
  if (v3 !== undefined) return verifyV3(input, v3, header('x-hubspot-request-timestamp'));
  const v1 = header('x-hubspot-signature');
  if (v1 === undefined || input.allowV1 === false) return fail('missing-signature');
  const version = header('x-hubspot-signature-version');
  if (version !== undefined && version.toLowerCase() !== 'v1') return fail('bad-signature');
  const expected = Signature.getSignature(input.method.toUpperCase(), 'v1', {
    signature: v1,
    clientSecret: input.clientSecret,
    requestBody: bodyText(input.rawBody),
  });
  return safeEqual(expected, v1) ? { ok: true } : fail('bad-signature');
};

const verifyV3 = (
  input: VerifyWebhookSignatureInput,
  signature: string,
  timestampText?: string,
): SignatureCheck => {
  if (timestampText === undefined) return fail('missing-signature');
  const timestamp = parseTimestamp(timestampText);
  const maxAgeMs = input.maxAgeMs ?? 300_000;
  if (timestamp === undefined || input.now - timestamp > maxAgeMs) return fail('stale-timestamp');
  if (timestamp - input.now > maxAgeMs) return fail('future-timestamp');
  const expected = Signature.getSignature(input.method.toUpperCase(), 'v3', {
    signature,
    clientSecret: input.clientSecret,
    requestBody: bodyText(input.rawBody),
    url: decodeWebhookUri(input.uri),
    timestamp,
  });
  return safeEqual(expected, signature) ? { ok: true } : fail('bad-signature');
};

/**
 * The SDK signs `String(timestamp)`, while HubSpot signs the header text; both agree only for a
 * canonical decimal, so anything else (leading zeros, signs, spaces, > 2^53) is refused.
 */
const parseTimestamp = (text: string): number | undefined => {
  const value = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(value) && String(value) === text ? value : undefined;
};

const headerReader = (headers: Record<string, string | undefined>) => {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v] as const));
  return (name: string): string | undefined => lower.get(name) ?? undefined;
};

const bodyText = (raw: Buffer | string): string => (typeof raw === 'string' ? raw : raw.toString('utf8'));

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

const safeEqual = (expected: string, given: string): boolean =>
  timingSafeEqual(digest(expected), digest(given));

const fail = (reason: SignatureFailure): SignatureCheck => ({ ok: false, reason });
