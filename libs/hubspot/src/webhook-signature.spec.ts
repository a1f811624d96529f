import { createHash, createHmac } from 'node:crypto';
import {
  decodeWebhookUri,
  verifyWebhookSignature,
  type VerifyWebhookSignatureInput,
} from './webhook-signature';

// hubspot-api.md §1.7 synthetic fixture.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const URI = 'https://hooks.example.com/hubspot/webhooks?source=hubspot';
const TIMESTAMP = 1700000000000;
const BODY =
  '[{"eventId":100,"subscriptionId":2001,"portalId":62515,"appId":54321,"occurredAt":1700000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":5101,"propertyName":"email","propertyValue":"jane@example.com","changeSource":"CRM_UI"}]';
const V3 = 'NkG/RTDPQeF5Dv7fWK5glK1hIrkws5HNAI/L96Np4z0=';
const V1 = '4c8cbfe92b01b27eec690a40533f331bd8eed0cfcdf696d67df1869b1b9cbeb5';

/** Independent v3 signer (not the SDK), as HubSpot describes it in §1.7 steps 3–4. */
const signV3 = (uri: string, body: string | Buffer, timestamp: string): string =>
  createHmac('sha256', SECRET)
    .update(Buffer.concat([Buffer.from(`POST${uri}`), Buffer.from(body), Buffer.from(timestamp)]))
    .digest('base64');

const v3Input = (overrides: Partial<VerifyWebhookSignatureInput> = {}): VerifyWebhookSignatureInput => ({
  method: 'POST',
  uri: URI,
  rawBody: Buffer.from(BODY, 'utf8'),
  headers: { 'x-hubspot-signature-v3': V3, 'x-hubspot-request-timestamp': String(TIMESTAMP) },
  clientSecret: SECRET,
  now: TIMESTAMP + 1_000,
  ...overrides,
});

describe('verifyWebhookSignature — v3', () => {
  it('accepts the §1.7 synthetic fixture (Buffer and string body)', () => {
    expect(verifyWebhookSignature(v3Input())).toEqual({ ok: true });
    expect(verifyWebhookSignature(v3Input({ rawBody: BODY }))).toEqual({ ok: true });
  });

  it('matches header names case-insensitively and upper-cases the method', () => {
    const headers = { 'X-HubSpot-Signature-V3': V3, 'X-HubSpot-Request-Timestamp': String(TIMESTAMP) };
    expect(verifyWebhookSignature(v3Input({ headers, method: 'post' }))).toEqual({ ok: true });
  });

  it('rejects a tampered body, secret, URI or timestamp', () => {
    expect(verifyWebhookSignature(v3Input({ rawBody: BODY.replace('5101', '5102') }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhookSignature(v3Input({ clientSecret: 'other' }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhookSignature(v3Input({ uri: `${URI}&x=1` }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const headers = { 'x-hubspot-signature-v3': V3, 'x-hubspot-request-timestamp': String(TIMESTAMP + 1) };
    expect(verifyWebhookSignature(v3Input({ headers }))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a signature of another length without throwing', () => {
    const headers = { 'x-hubspot-signature-v3': 'short', 'x-hubspot-request-timestamp': String(TIMESTAMP) };
    expect(verifyWebhookSignature(v3Input({ headers }))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('applies the 5-minute window both ways (boundary included)', () => {
    expect(verifyWebhookSignature(v3Input({ now: TIMESTAMP + 300_000 }))).toEqual({ ok: true });
    expect(verifyWebhookSignature(v3Input({ now: TIMESTAMP + 300_001 }))).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(verifyWebhookSignature(v3Input({ now: TIMESTAMP - 300_000 }))).toEqual({ ok: true });
    expect(verifyWebhookSignature(v3Input({ now: TIMESTAMP - 300_001 }))).toEqual({
      ok: false,
      reason: 'future-timestamp',
    });
    expect(verifyWebhookSignature(v3Input({ now: TIMESTAMP + 61_000, maxAgeMs: 60_000 }))).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
  });

  it('missing timestamp → missing-signature; malformed timestamp → stale-timestamp', () => {
    expect(verifyWebhookSignature(v3Input({ headers: { 'x-hubspot-signature-v3': V3 } }))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    for (const ts of ['', 'abc', '01700000000000', '1700000000000.0', ' 1700000000000']) {
      const headers = { 'x-hubspot-signature-v3': V3, 'x-hubspot-request-timestamp': ts };
      expect(verifyWebhookSignature(v3Input({ headers }))).toEqual({ ok: false, reason: 'stale-timestamp' });
    }
  });

  it('verifies a non-ASCII body as UTF-8 bytes', () => {
    const body =
      '[{"eventId":1,"propertyName":"firstname","propertyValue":"Zoë Ångström 日本 😀","portalId":62515}]';
    const raw = Buffer.from(body, 'utf8');
    const headers = {
      'x-hubspot-signature-v3': signV3(URI, raw, String(TIMESTAMP)),
      'x-hubspot-request-timestamp': String(TIMESTAMP),
    };
    expect(verifyWebhookSignature(v3Input({ rawBody: raw, headers }))).toEqual({ ok: true });
    expect(verifyWebhookSignature(v3Input({ rawBody: body, headers }))).toEqual({ ok: true });
    // A body re-encoded as latin1 (what a careless body parser does) no longer verifies.
    const mangled = Buffer.from(body, 'latin1');
    expect(verifyWebhookSignature(v3Input({ rawBody: mangled, headers }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('decodes the §1.7 percent-sequences of the URI before checking, and only those', () => {
    const encoded =
      'https://hooks.example.com/hubspot/webhooks?next=https%3A%2F%2Fa.example%2Fp%3Fq%40x%21%24%27%28%29%2A%2C%3Bz&s=a%20b%26c';
    const signedAs =
      "https://hooks.example.com/hubspot/webhooks?next=https://a.example/p?q@x!$'()*,;z&s=a%20b%26c";
    const headers = {
      'x-hubspot-signature-v3': signV3(signedAs, BODY, String(TIMESTAMP)),
      'x-hubspot-request-timestamp': String(TIMESTAMP),
    };
    expect(verifyWebhookSignature(v3Input({ uri: encoded, headers }))).toEqual({ ok: true });
    expect(verifyWebhookSignature(v3Input({ uri: signedAs, headers }))).toEqual({ ok: true });
    expect(verifyWebhookSignature(v3Input({ uri: encoded.replace('%20', ' '), headers }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('never downgrades to v1 when a v3 header is present', () => {
    const headers = {
      'x-hubspot-signature-v3': 'AAAA',
      'x-hubspot-request-timestamp': String(TIMESTAMP),
      'x-hubspot-signature': V1,
      'x-hubspot-signature-version': 'v1',
    };
    expect(verifyWebhookSignature(v3Input({ headers }))).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('verifyWebhookSignature — v1 fallback', () => {
  const v1Input = (
    headers: Record<string, string | undefined>,
    allowV1?: boolean,
  ): VerifyWebhookSignatureInput => ({
    ...v3Input({ headers }),
    ...(allowV1 === undefined ? {} : { allowV1 }),
  });

  it('accepts the §1.7 v1 value of the synthetic body, with or without a version header', () => {
    expect(
      verifyWebhookSignature(v1Input({ 'x-hubspot-signature': V1, 'x-hubspot-signature-version': 'v1' })),
    ).toEqual({ ok: true });
    expect(verifyWebhookSignature(v1Input({ 'x-hubspot-signature': V1 }))).toEqual({ ok: true });
  });

  it("accepts HubSpot's own v1 worked example", () => {
    const body =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    const input = v1Input({
      'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    });
    expect(verifyWebhookSignature({ ...input, rawBody: body })).toEqual({ ok: true });
  });

  it('v1 has no timestamp window (it cannot have one)', () => {
    const input = v1Input({ 'x-hubspot-signature': V1 });
    expect(verifyWebhookSignature({ ...input, now: TIMESTAMP + 86_400_000 })).toEqual({ ok: true });
  });

  it('rejects a wrong v1 value, or another version', () => {
    const wrong = createHash('sha256').update(`${SECRET}[]`).digest('hex');
    expect(verifyWebhookSignature(v1Input({ 'x-hubspot-signature': wrong }))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(
      verifyWebhookSignature(v1Input({ 'x-hubspot-signature': V1, 'x-hubspot-signature-version': 'v2' })),
    ).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('missing-signature without headers, or for v1 when allowV1 is false', () => {
    expect(verifyWebhookSignature(v1Input({}))).toEqual({ ok: false, reason: 'missing-signature' });
    expect(verifyWebhookSignature(v1Input({ 'x-hubspot-signature': undefined }))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
    expect(verifyWebhookSignature(v1Input({ 'x-hubspot-signature': V1 }, false))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
  });
});

describe('decodeWebhookUri', () => {
  it('decodes the 12 listed sequences in either hex case and leaves others alone', () => {
    expect(decodeWebhookUri('%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(":/?@!$'()*,;");
    expect(decodeWebhookUri('%3a%2f')).toBe(':/');
    expect(decodeWebhookUri('a%20b%26c%3D%25')).toBe('a%20b%26c%3D%25');
  });
});
