import { signV1, signV3 } from '@hubheap/testing';
import {
  decideWebhookDelivery,
  type WebhookCheckSettings,
  type WebhookDelivery,
} from './webhook-request.planner';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
/** The target URL of hubspot-api.md §1.7's worked example. */
const URI = 'https://hooks.example.com/hubspot/webhooks?source=hubspot';
const NOW = 1_700_000_000_000;
const settings: WebhookCheckSettings = { clientSecret: SECRET, allowV1: false, maxEvents: 100 };
const event = (eventId: number) => ({
  eventId,
  subscriptionId: 2001,
  portalId: 62515,
  appId: 54321,
  occurredAt: NOW,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 5101,
});

/** A delivery signed v3 over URI (overrides adjust any part after signing). */
const delivery = (
  body: string,
  overrides: Partial<WebhookDelivery> & { timestamp?: number; secret?: string } = {},
): WebhookDelivery => {
  const timestamp = String(overrides.timestamp ?? NOW);
  return {
    method: 'POST',
    uri: URI,
    receivedAt: NOW,
    rawBody: Buffer.from(body, 'utf8'),
    ...overrides,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signV3({
        clientSecret: overrides.secret ?? SECRET,
        uri: URI,
        body,
        timestamp,
      }),
      'x-hubspot-request-timestamp': timestamp,
      ...overrides.headers,
    },
  };
};

const batch = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => event(i + 1)));

describe('decideWebhookDelivery', () => {
  it('produces a valid signed batch (HubSpot docs v3 fixture)', () => {
    const body =
      '[{"eventId":100,"subscriptionId":2001,"portalId":62515,"appId":54321,"occurredAt":1700000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":5101,"propertyName":"email","propertyValue":"jane@example.com","changeSource":"CRM_UI"}]';
    const d = delivery(body);
    expect(d.headers['x-hubspot-signature-v3']).toBe('NkG/RTDPQeF5Dv7fWK5glK1hIrkws5HNAI/L96Np4z0=');
    const verdict = decideWebhookDelivery(d, settings);
    expect(verdict).toMatchObject({
      kind: 'produce',
      events: [{ portalId: 62515, eventId: '100', receivedAt: NOW }],
    });
  });

  it.each([
    [
      'no secret configured → 503 before anything else',
      delivery('{bad'),
      { ...settings, clientSecret: undefined },
      503,
      'not_configured',
    ],
    [
      'malformed JSON with a bad signature → 401 (signature first)',
      delivery('{bad', { secret: 'wrong' }),
      settings,
      401,
      'bad-signature',
    ],
    [
      'missing signature headers → 401',
      { ...delivery(batch(1)), headers: { 'content-type': 'application/json' } },
      settings,
      401,
      'missing-signature',
    ],
    [
      'timestamp 5 min + 1 ms old → 401',
      delivery(batch(1), { timestamp: NOW - 300_001 }),
      settings,
      401,
      'stale-timestamp',
    ],
    [
      'signed for the public URI, checked against the internal one → 401',
      { ...delivery(batch(1)), uri: 'http://10.0.0.7:3001/webhooks/hubspot' },
      settings,
      401,
      'bad-signature',
    ],
    [
      'signed but text/plain → 415',
      delivery(batch(1), { headers: { 'content-type': 'text/plain' } }),
      settings,
      415,
      'Content-Type',
    ],
    ['signed malformed JSON → 400', delivery('[{"eventId":'), settings, 400, 'not valid JSON'],
    ['101 events → 400', delivery(batch(101)), settings, 400, '101'],
    ['empty array → 400', delivery('[]'), settings, 400, 'empty'],
    ['an object, not an array → 400', delivery(JSON.stringify(event(1))), settings, 400, 'array'],
  ])('%s', (_name, d, s, status, reasonPart) => {
    const verdict = decideWebhookDelivery(d, s);
    expect(verdict).toMatchObject({ kind: 'refuse', status });
    if (verdict.kind === 'refuse') expect(`${verdict.error} ${verdict.reason}`).toContain(reasonPart);
  });

  it('accepts exactly 100 events and application/json with parameters', () => {
    const d = delivery(batch(100), { headers: { 'Content-Type': 'Application/JSON; charset=utf-8' } });
    const verdict = decideWebhookDelivery(d, settings);
    expect(verdict.kind === 'produce' && verdict.events.length).toBe(100);
  });

  it('v1-only deliveries need WEBHOOK_ALLOW_V1', () => {
    const body = batch(1);
    const v1Only: WebhookDelivery = {
      method: 'POST',
      uri: URI,
      receivedAt: NOW,
      rawBody: Buffer.from(body),
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature': signV1(SECRET, body),
        'x-hubspot-signature-version': 'v1',
      },
    };
    expect(decideWebhookDelivery(v1Only, settings)).toMatchObject({ kind: 'refuse', status: 401 });
    expect(decideWebhookDelivery(v1Only, { ...settings, allowV1: true })).toMatchObject({ kind: 'produce' });
  });

  it('verifies the exact bytes: non-ASCII text and key order are not re-serialised', () => {
    const body =
      '[{"portalId":62515,"eventId":1,"objectId":5101,"occurredAt":1700000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"propertyName":"firstname","propertyValue":"Zoë – “quoted”"}]';
    const verdict = decideWebhookDelivery(delivery(body), settings);
    expect(verdict).toMatchObject({ kind: 'produce', events: [{ propertyValue: 'Zoë – “quoted”' }] });
  });
});
