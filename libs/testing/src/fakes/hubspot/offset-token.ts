import { createHash } from 'node:crypto';

/** Position of the last event returned on a page of `GET /email/public/v1/events`. */
export interface EventCursor {
  created: number;
  id: string;
}

/**
 * Fingerprint of the query an offset token belongs to: every parameter except `offset` and `limit`
 * (hubspot-api.md §2.2: the token is only valid with the same query parameters), plus the portal.
 */
export function queryFingerprint(portalId: number, query: Record<string, string>): string {
  const canonical = Object.keys(query)
    .filter((k) => k !== 'offset' && k !== 'limit')
    .sort()
    .map((k) => `${k}=${query[k]}`)
    .join('&');
  return createHash('sha256').update(`${portalId}?${canonical}`).digest('hex').slice(0, 16);
}

/** Encodes an opaque base64 offset token for `cursor` under query `fingerprint`. */
export function encodeOffset(fingerprint: string, cursor: EventCursor): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, c: cursor.created, i: cursor.id }), 'utf8').toString(
    'base64',
  );
}

/** Decodes an offset token; undefined when it is malformed or was issued for a different query. */
export function decodeOffset(token: string, fingerprint: string): EventCursor | undefined {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      f?: unknown;
      c?: unknown;
      i?: unknown;
    };
    if (raw.f !== fingerprint || typeof raw.c !== 'number' || typeof raw.i !== 'string') return undefined;
    return { created: raw.c, id: raw.i };
  } catch {
    return undefined;
  }
}
