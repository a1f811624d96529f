import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Signature } from '@hubspot/api-client';
import { sendWebhookBatch } from './webhook-sender';
import { normalizeSignatureUri, signV1, signV3 } from './webhook-signature';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const FIXTURE_BODY =
  '[{"eventId":100,"subscriptionId":2001,"portalId":62515,"appId":54321,"occurredAt":1700000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":5101,"propertyName":"email","propertyValue":"jane@example.com","changeSource":"CRM_UI"}]';

describe('webhook signatures (hubspot-api.md §1.7)', () => {
  it('computes the v3 synthetic fixture', () => {
    const v3 = signV3({
      clientSecret: SECRET,
      method: 'POST',
      uri: 'https://hooks.example.com/hubspot/webhooks?source=hubspot',
      body: FIXTURE_BODY,
      timestamp: '1700000000000',
    });
    expect(v3).toBe('NkG/RTDPQeF5Dv7fWK5glK1hIrkws5HNAI/L96Np4z0=');
  });

  it('computes v1 for the synthetic fixture and HubSpot worked example', () => {
    expect(signV1(SECRET, FIXTURE_BODY)).toBe(
      '4c8cbfe92b01b27eec690a40533f331bd8eed0cfcdf696d67df1869b1b9cbeb5',
    );
    const docsBody =
      '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
    expect(signV1(SECRET, docsBody)).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
  });

  it('decodes only the listed percent-sequences of the URI', () => {
    expect(normalizeSignatureUri('https://h.example.com/a%3Ab%2fc?x=%40y%20z&q=%3F')).toBe(
      'https://h.example.com/a:b/c?x=@y%20z&q=?',
    );
  });
});

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

describe('sendWebhookBatch', () => {
  let server: Server;
  let url: string;
  let received: Received[];
  let statuses: number[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(statuses.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hubspot/webhooks?source=hubspot`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received = [];
    statuses = [];
  });

  const events = [
    {
      eventId: 7,
      subscriptionId: 2001,
      portalId: 62515,
      appId: 54321,
      occurredAt: 1700000000000,
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: 5101,
    },
  ];

  it('POSTs exact compact bytes with v1 and v3 signatures over the public URI', async () => {
    const publicUrl = 'https://hooks.example.com/hubspot/webhooks?source=hubspot';
    const result = await sendWebhookBatch({
      targetUrl: url,
      publicUrl,
      events,
      clientSecret: SECRET,
      now: () => 1_700_000_000_123,
    });
    expect(result.delivered).toBe(true);
    expect(result.attempts).toEqual([
      { attemptNumber: 0, status: 204, body: JSON.stringify(events), timestamp: '1700000000123' },
    ]);
    const [req] = received;
    expect(req?.body).toBe(JSON.stringify(events));
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-hubspot-request-timestamp']).toBe('1700000000123');
    expect(req?.headers['x-hubspot-signature-version']).toBe('v1');
    expect(req?.headers['x-hubspot-signature']).toBe(signV1(SECRET, req?.body ?? ''));
    expect(req?.headers['x-hubspot-signature-v3']).toBe(
      signV3({ clientSecret: SECRET, uri: publicUrl, body: req?.body ?? '', timestamp: '1700000000123' }),
    );
  });

  it('produces v3 signatures that @hubspot/api-client Signature.isValid accepts', async () => {
    await sendWebhookBatch({ targetUrl: url, events, clientSecret: SECRET });
    const [req] = received;
    const valid = Signature.isValid({
      signatureVersion: 'v3',
      method: 'POST',
      signature: String(req?.headers['x-hubspot-signature-v3']),
      clientSecret: SECRET,
      requestBody: req?.body ?? '',
      url,
      timestamp: Number(req?.headers['x-hubspot-request-timestamp']),
    });
    expect(valid).toBe(true);
  });

  it('retries on 5xx and 4xx, incrementing attemptNumber and re-signing each body', async () => {
    statuses = [500, 429, 400, 200];
    const result = await sendWebhookBatch({
      targetUrl: url,
      events,
      clientSecret: SECRET,
      retries: { count: 5, delayMs: 1 },
    });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => [a.attemptNumber, a.status])).toEqual([
      [0, 500],
      [1, 429],
      [2, 400],
      [3, 200],
    ]);
    expect(
      received.map((r) => (JSON.parse(r.body) as Array<{ attemptNumber: number }>)[0]?.attemptNumber),
    ).toEqual([0, 1, 2, 3]);
    for (const r of received) expect(r.headers['x-hubspot-signature']).toBe(signV1(SECRET, r.body));
  });

  it('gives up after the configured retries and reports every attempt', async () => {
    statuses = [503, 503, 503];
    const result = await sendWebhookBatch({
      targetUrl: url,
      events,
      clientSecret: SECRET,
      retries: { count: 2, delayMs: 1 },
    });
    expect(result.delivered).toBe(false);
    expect(result.attempts.map((a) => a.status)).toEqual([503, 503, 503]);
  });

  it('retries connection errors', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sendWebhookBatch({
      targetUrl: `http://127.0.0.1:${port}/x`,
      events,
      clientSecret: SECRET,
      retries: { count: 1, delayMs: 1 },
    });
    expect(result.delivered).toBe(false);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts.every((a) => a.status === undefined && (a.error ?? '').length > 0)).toBe(true);
  });

  it('sends bad signatures and fixed (stale) timestamps on request', async () => {
    const stale = 1_700_000_000_000;
    await sendWebhookBatch({
      targetUrl: url,
      events,
      clientSecret: SECRET,
      badSignature: true,
      timestamp: stale,
      retries: { count: 0 },
    });
    const [req] = received;
    expect(req?.headers['x-hubspot-request-timestamp']).toBe(String(stale));
    expect(req?.headers['x-hubspot-signature']).not.toBe(signV1(SECRET, req?.body ?? ''));
    expect(req?.headers['x-hubspot-signature-v3']).not.toBe(
      signV3({ clientSecret: SECRET, uri: url, body: req?.body ?? '', timestamp: stale }),
    );
  });

  it('refuses empty and oversized batches', async () => {
    await expect(sendWebhookBatch({ targetUrl: url, events: [], clientSecret: SECRET })).rejects.toThrow(
      RangeError,
    );
    const many = Array.from({ length: 101 }, () => events[0] ?? {});
    await expect(sendWebhookBatch({ targetUrl: url, events: many, clientSecret: SECRET })).rejects.toThrow(
      '1-100 events, got 101',
    );
  });
});
