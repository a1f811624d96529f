import { loadWebhookFixtures, signV1, signV3 } from '@hubheap/testing';

/** Where and how a case posts: the app with WEBHOOK_PUBLIC_URL (`public`) or the one rebuilding the URI. */
export interface WebhookTarget {
  /** Base URL of webhook-intake with WEBHOOK_PUBLIC_URL set (percent-encoded, see the spec). */
  publicApp: string;
  /** WEBHOOK_PUBLIC_URL of `publicApp`. */
  publicUrl: string;
  /** Base URL of webhook-intake without WEBHOOK_PUBLIC_URL (URI rebuilt from the request line). */
  plainApp: string;
  secret: string;
  maxBodyBytes: number;
}

/** One HTTP request to send. */
export interface WebhookRequest {
  url: string;
  body: string | Buffer;
  headers: Record<string, string>;
}

/**
 * A bad (or awkward but valid) delivery and its documented outcome (apps/webhook-intake/README.md
 * "POST /webhooks/hubspot"): the status, the `reason` text when the README names it, and how many
 * records land on hubspot.webhook-events.v1 for the case's own portal (0 on every refusal).
 */
export interface WebhookCase {
  name: string;
  build: (t: WebhookTarget, portalId: number) => WebhookRequest;
  status: number;
  reason?: RegExp;
  produced: number;
}

const WEBHOOK_PATH = '/webhooks/hubspot';
const FIVE_MIN_MS = 300_000;

/** A contact.propertyChange event of `portalId` (hubspot-api.md §1.6), overridable. */
export const webhookEvent = (portalId: number, n = 0, extra: Record<string, unknown> = {}) => ({
  eventId: 3_816_279_340 + n,
  subscriptionId: 2002,
  portalId,
  appId: 54321,
  occurredAt: 1_700_000_000_000 + n,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 5101 + n,
  propertyName: 'firstname',
  propertyValue: 'Jürgen Ångström 😀 日本語',
  changeSource: 'CRM_UI',
  ...extra,
});

/** v3 headers over `uri` (normalised by signV3 exactly as §1.7 step 2 says), plus JSON content type. */
export const signedHeaders = (
  secret: string,
  uri: string,
  body: string,
  timestamp: number | string = Date.now(),
  contentType = 'application/json',
): Record<string, string> => ({
  'Content-Type': contentType,
  'X-HubSpot-Signature-v3': signV3({ clientSecret: secret, method: 'POST', uri, body, timestamp }),
  'X-HubSpot-Request-Timestamp': String(timestamp),
});

/** A request to the public-URL app, signed over WEBHOOK_PUBLIC_URL. */
const toPublic = (
  t: WebhookTarget,
  body: string,
  opts: { timestamp?: number | string; contentType?: string; secret?: string } = {},
): WebhookRequest => ({
  url: `${t.publicApp}${WEBHOOK_PATH}`,
  body,
  headers: signedHeaders(opts.secret ?? t.secret, t.publicUrl, body, opts.timestamp, opts.contentType),
});

const json = (value: unknown): string => JSON.stringify(value);
const PERCENT_QUERY = '?source=hub%3Aspot&path=%2Fa%2Fb&name=J%C3%BCrgen%20M&at=%40x&check=%E2%9C%93';

export const WEBHOOK_CASES: WebhookCase[] = [
  {
    name: 'non-ASCII body, signed over the raw UTF-8 bytes',
    build: (t, p) => toPublic(t, json([webhookEvent(p)])),
    status: 200,
    produced: 1,
  },
  {
    name: 'pretty-printed non-ASCII body (whitespace and key order are part of the signature)',
    build: (t, p) => toPublic(t, JSON.stringify([webhookEvent(p, 0), webhookEvent(p, 1)], null, 2)),
    status: 200,
    produced: 2,
  },
  {
    name: 'percent-encoded query in the request URI (no WEBHOOK_PUBLIC_URL), §1.7 decoding',
    build: (t, p) => {
      const body = json([webhookEvent(p)]);
      const url = `${t.plainApp}${WEBHOOK_PATH}${PERCENT_QUERY}`;
      return { url, body, headers: signedHeaders(t.secret, url, body) };
    },
    status: 200,
    produced: 1,
  },
  {
    name: 'signed over a URI decoded beyond the §1.7 list (%20, %C3%BC) → bad signature',
    build: (t, p) => {
      const body = json([webhookEvent(p)]);
      return {
        url: `${t.publicApp}${WEBHOOK_PATH}`,
        body,
        headers: signedHeaders(t.secret, decodeURIComponent(t.publicUrl), body),
      };
    },
    status: 401,
    reason: /bad-signature/,
    produced: 0,
  },
  {
    name: 'stale timestamp (5 min + 1 s old)',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]), { timestamp: Date.now() - FIVE_MIN_MS - 1000 }),
    status: 401,
    reason: /stale-timestamp/,
    produced: 0,
  },
  {
    name: 'future timestamp (5 min + 1 s ahead)',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]), { timestamp: Date.now() + FIVE_MIN_MS + 1000 }),
    status: 401,
    reason: /future-timestamp/,
    produced: 0,
  },
  {
    name: 'timestamp not a canonical ms number ("0" + now)',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]), { timestamp: `0${Date.now()}` }),
    status: 401,
    reason: /stale-timestamp/,
    produced: 0,
  },
  {
    name: 'signature made with another secret',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]), { secret: `${t.secret}-wrong` }),
    status: 401,
    reason: /bad-signature/,
    produced: 0,
  },
  {
    name: 'signature of a different body (one character changed)',
    build: (t, p) => {
      const req = toPublic(t, json([webhookEvent(p)]));
      return { ...req, body: String(req.body).replace('Jürgen', 'Jurgen') };
    },
    status: 401,
    reason: /bad-signature/,
    produced: 0,
  },
  {
    name: 'no signature headers at all',
    build: (t, p) => ({
      url: `${t.publicApp}${WEBHOOK_PATH}`,
      body: json([webhookEvent(p)]),
      headers: { 'Content-Type': 'application/json' },
    }),
    status: 401,
    reason: /missing-signature/,
    produced: 0,
  },
  {
    name: 'v3 signature without X-HubSpot-Request-Timestamp',
    build: (t, p) => {
      const req = toPublic(t, json([webhookEvent(p)]));
      const { ['X-HubSpot-Request-Timestamp']: _dropped, ...headers } = req.headers;
      return { ...req, headers };
    },
    status: 401,
    reason: /missing-signature/,
    produced: 0,
  },
  {
    name: 'only a v1 signature (WEBHOOK_ALLOW_V1 defaults to false)',
    build: (t, p) => {
      const body = json([webhookEvent(p)]);
      return {
        url: `${t.publicApp}${WEBHOOK_PATH}`,
        body,
        headers: {
          'Content-Type': 'application/json',
          'X-HubSpot-Signature': signV1(t.secret, body),
          'X-HubSpot-Signature-Version': 'v1',
        },
      };
    },
    status: 401,
    reason: /missing-signature/,
    produced: 0,
  },
  {
    name: 'truncated JSON (validly signed)',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]).slice(0, 60)),
    status: 400,
    reason: /not valid JSON/,
    produced: 0,
  },
  {
    name: 'body larger than WEBHOOK_MAX_BODY_BYTES (validly signed)',
    build: (t, p) => {
      const filler = 'x'.repeat(1000);
      const events = Array.from({ length: 100 }, (_, i) => webhookEvent(p, i, { propertyValue: filler }));
      const body = json(events);
      if (Buffer.byteLength(body) <= t.maxBodyBytes) throw new Error('huge body is not huge enough');
      return toPublic(t, body);
    },
    status: 413,
    produced: 0,
  },
  {
    name: 'Content-Type text/plain',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]), { contentType: 'text/plain' }),
    status: 415,
    produced: 0,
  },
  {
    name: 'Content-Type application/x-www-form-urlencoded',
    build: (t, p) =>
      toPublic(t, json([webhookEvent(p)]), { contentType: 'application/x-www-form-urlencoded' }),
    status: 415,
    produced: 0,
  },
  {
    name: 'Content-Type application/json; charset=utf-8 (parameters allowed)',
    build: (t, p) => toPublic(t, json([webhookEvent(p)]), { contentType: 'application/json; charset=UTF-8' }),
    status: 200,
    produced: 1,
  },
  {
    name: 'a JSON object instead of an array',
    build: (t, p) => toPublic(t, json(webhookEvent(p))),
    status: 400,
    reason: /JSON array/,
    produced: 0,
  },
  {
    name: 'a JSON number',
    build: (t) => toPublic(t, '42'),
    status: 400,
    reason: /JSON array/,
    produced: 0,
  },
  {
    name: 'a JSON string',
    build: (t) => toPublic(t, '"[{}]"'),
    status: 400,
    reason: /JSON array/,
    produced: 0,
  },
  {
    name: 'JSON null',
    build: (t) => toPublic(t, 'null'),
    status: 400,
    reason: /JSON array/,
    produced: 0,
  },
  {
    name: 'an empty array',
    build: (t) => toPublic(t, '[]'),
    status: 400,
    reason: /empty/,
    produced: 0,
  },
  {
    name: '101 events (HubSpot sends at most 100)',
    build: (t, p) => toPublic(t, json(Array.from({ length: 101 }, (_, i) => webhookEvent(p, i)))),
    status: 400,
    reason: /101 events/,
    produced: 0,
  },
  {
    name: 'exactly 100 events',
    build: (t, p) => toPublic(t, json(Array.from({ length: 100 }, (_, i) => webhookEvent(p, i)))),
    status: 200,
    produced: 100,
  },
  {
    name: 'array of non-objects',
    build: (t) => toPublic(t, '[1,"two",null]'),
    status: 400,
    reason: /events\[0\]: must be a JSON object/,
    produced: 0,
  },
  {
    name: 'one invalid event among valid ones (no partial batch)',
    build: (t, p) => {
      const { portalId: _dropped, ...noPortal } = webhookEvent(p, 1);
      return toPublic(t, json([webhookEvent(p, 0), noPortal, webhookEvent(p, 2)]));
    },
    status: 400,
    reason: /events\[1\]\.portalId: Required/,
    produced: 0,
  },
  {
    name: 'unknown subscriptionType widget.creation (passed through as-is, §1.5 is an open set)',
    build: (t, p) => toPublic(t, json([webhookEvent(p, 0, { subscriptionType: 'widget.creation' })])),
    status: 200,
    produced: 1,
  },
  {
    name: 'no subscriptionType nor eventType',
    build: (t, p) => toPublic(t, json([webhookEvent(p, 0, { subscriptionType: undefined })])),
    status: 400,
    reason: /subscriptionType: Required/,
    produced: 0,
  },
  {
    name: 'numbers as strings (fixture webhooks.jsonl line 8)',
    build: (t, p) =>
      toPublic(t, loadWebhookFixtures()[7]!.raw.replace('"portalId":"2845818"', `"portalId":"${p}"`)),
    status: 200,
    produced: 1,
  },
  {
    name: 'legacy eventType instead of subscriptionType (fixture line 2)',
    build: (t, p) => {
      const events = loadWebhookFixtures()[1]!.events.map((e) => ({ ...e, portalId: p }));
      return toPublic(t, json(events));
    },
    status: 200,
    produced: loadWebhookFixtures()[1]!.events.length,
  },
  {
    name: 'ids above 2^53 (kept exact)',
    build: (t, p) =>
      toPublic(t, `[${json(webhookEvent(p)).replace(/"eventId":\d+/, '"eventId":90071992547409931')}]`),
    status: 200,
    produced: 1,
  },
  {
    name: 'negative objectId',
    build: (t, p) => toPublic(t, json([webhookEvent(p, 0, { objectId: -5 })])),
    status: 400,
    reason: /objectId/,
    produced: 0,
  },
  {
    name: 'nested object and 10 KB string in propertyValue',
    build: (t, p) =>
      toPublic(
        t,
        json([webhookEvent(p, 0, { propertyValue: 'y'.repeat(10_240), sourceId: { a: { b: 1 } } })]),
      ),
    status: 400,
    reason: /sourceId/,
    produced: 0,
  },
];
