import { createHash, createHmac } from 'node:crypto';

const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/**
 * Decodes exactly the percent-sequences HubSpot lists for v3 signing (hubspot-api.md §1.7 step 2:
 * `%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B`, either hex case); everything else stays encoded.
 */
export function normalizeSignatureUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (seq) => DECODED[seq.toUpperCase()] ?? seq);
}

/** Inputs of a v3 signature: `uri` is the full public URI (scheme, host, path, query); `timestamp` ms epoch. */
export interface SignV3Input {
  clientSecret: string;
  method?: string;
  uri: string;
  body: string;
  timestamp: number | string;
}

/**
 * `X-HubSpot-Signature-v3` (§1.7): base64(HMAC-SHA256(clientSecret, METHOD + uri + body + timestamp)),
 * no separators, method upper-cased (default `POST`), `uri` normalised by {@link normalizeSignatureUri},
 * `body` the exact UTF-8 text sent, `timestamp` exactly as the `X-HubSpot-Request-Timestamp` header text.
 */
export function signV3(input: SignV3Input): string {
  const method = (input.method ?? 'POST').toUpperCase();
  const source = `${method}${normalizeSignatureUri(input.uri)}${input.body}${String(input.timestamp)}`;
  return createHmac('sha256', input.clientSecret).update(source, 'utf8').digest('base64');
}

/** `X-HubSpot-Signature` v1 (§1.7): hex(SHA-256(clientSecret + body)) over the exact body text. */
export function signV1(clientSecret: string, body: string): string {
  return createHash('sha256')
    .update(clientSecret + body, 'utf8')
    .digest('hex');
}
