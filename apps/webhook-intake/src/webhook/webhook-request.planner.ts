import { parseWebhookBatch, verifyWebhookSignature } from '@hubheap/hubspot';
import type { HubSpotWebhookEvent } from '@hubheap/schemas';

/** A HubSpot webhook delivery as received (hubspot-api.md §1.1, §1.3). */
export interface WebhookDelivery {
  method: string;
  /** Public URI HubSpot called (scheme, host, path, query), for the v3 signature (§1.7). */
  uri: string;
  /** Header names in any case; repeated headers joined with `, `. */
  headers: Record<string, string | undefined>;
  /** The raw, unparsed body bytes. */
  rawBody: Buffer;
  /** Arrival time, ms epoch: checks the signature timestamp and becomes `receivedAt`. */
  receivedAt: number;
}

/** How deliveries are checked. */
export interface WebhookCheckSettings {
  /** App client secret; `undefined` refuses every delivery (503, nothing unverified gets in). */
  clientSecret: string | undefined;
  /** Accept v1 signatures when no v3 header is present. */
  allowV1: boolean;
  /** Largest batch (HubSpot sends ≤ 100, §1.1). */
  maxEvents: number;
}

/** A refusal: HTTP status and the JSON body `{ error, reason }`. */
export interface WebhookRefusal {
  kind: 'refuse';
  status: 400 | 401 | 415 | 503;
  error: string;
  reason: string;
}

/** What to do with a delivery: refuse it, or produce its events (in one Kafka request). */
export type WebhookVerdict = WebhookRefusal | { kind: 'produce'; events: HubSpotWebhookEvent[] };

/** Most events HubSpot puts in one delivery (§1.1). */
export const HUBSPOT_MAX_BATCH = 100;

/** HubSpot's signature window (§1.7 step 1). */
export const SIGNATURE_MAX_AGE_MS = 300_000;

/**
 * Decides about one delivery, in this order (a later check never runs before an earlier one):
 * secret not configured → 503; missing/bad/stale v3 signature → 401 (checked on the raw bytes, before
 * any JSON parsing); Content-Type not `application/json` → 415; body not a JSON array of
 * 1..`maxEvents` valid events → 400 with the parser's reason; else produce. Pure (time comes in
 * `receivedAt`). The 413 for oversized bodies happens earlier, while reading the body.
 */
export const decideWebhookDelivery = (
  delivery: WebhookDelivery,
  settings: WebhookCheckSettings,
): WebhookVerdict => {
  if (settings.clientSecret === undefined) {
    return refuse(503, 'not_configured', 'HUBSPOT_CLIENT_SECRET is not set on this service');
  }
  const signature = verifyWebhookSignature({
    method: delivery.method,
    uri: delivery.uri,
    rawBody: delivery.rawBody,
    headers: delivery.headers,
    clientSecret: settings.clientSecret,
    now: delivery.receivedAt,
    maxAgeMs: SIGNATURE_MAX_AGE_MS,
    allowV1: settings.allowV1,
  });
  if (!signature.ok) return refuse(401, 'invalid_signature', signature.reason);
  if (!isJson(headerOf(delivery.headers, 'content-type'))) {
    return refuse(415, 'unsupported_media_type', 'Content-Type must be application/json');
  }
  const batch = parseWebhookBatch(delivery.rawBody.toString('utf8'), delivery.receivedAt, {
    maxEvents: settings.maxEvents,
  });
  if (!batch.ok) return refuse(400, 'invalid_batch', batch.reason);
  return { kind: 'produce', events: batch.events };
};

const refuse = (status: WebhookRefusal['status'], error: string, reason: string): WebhookRefusal => ({
  kind: 'refuse',
  status,
  error,
  reason,
});

const headerOf = (headers: Record<string, string | undefined>, name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

/** `application/json`, with or without parameters (`; charset=utf-8`), any case. */
const isJson = (contentType: string | undefined): boolean =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
