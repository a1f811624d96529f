import type { KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_WEBHOOK_EVENTS, type HubSpotWebhookEvent } from '@hubheap/schemas';
import { loadWebhookFixtures, sendWebhookBatch, testPlatform } from '@hubheap/testing';
import { randomPortalId, startIntakeApp, type IntakeApp } from './intake-app.harness';
import { producedSince, readRange, topicEnds, type Offsets } from './topic-probe';
import { event, post, SECRET, withPortal } from './webhook-requests';

/** Asserts that no record of `portalId` landed on the topic since `before` (ideally: no record at all). */
const expectNothingProduced = async (
  platform: KafkaPlatform,
  before: Offsets,
  portalId: number,
): Promise<void> => {
  const after = await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name);
  if (JSON.stringify(after) === JSON.stringify(before)) return;
  // Someone else produced meanwhile (shared topic): none of it may be ours.
  const records = await readRange(platform, HUBSPOT_WEBHOOK_EVENTS, before, after);
  expect(records.filter((r) => r.value.portalId === portalId)).toEqual([]);
};

describe('POST /webhooks/hubspot (real Kafka + registry)', () => {
  let platform: KafkaPlatform;
  let intake: IntakeApp;
  let url: string;

  beforeAll(async () => {
    platform = testPlatform('webhook-intake-it');
    intake = await startIntakeApp({ config: { hubspotClientSecret: SECRET, hubspotPortals: [] } });
    url = `${intake.baseUrl}/webhooks/hubspot`;
  });

  afterAll(async () => {
    await intake?.close();
    await platform?.close();
  });

  it('(a) answers 200 to every signed fixture delivery only once its events are on hubspot.webhook-events.v1', async () => {
    const portalId = randomPortalId();
    const fixtures = loadWebhookFixtures();
    const before = await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name);
    for (const fixture of fixtures) {
      const result = await sendWebhookBatch({
        targetUrl: url,
        events: withPortal(fixture.events, portalId),
        clientSecret: SECRET,
        retries: { count: 0 },
      });
      expect(result.attempts.map((a) => a.status ?? a.error)).toEqual([200]);
    }
    const records = await producedSince<HubSpotWebhookEvent>(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      before,
      (v) => v.portalId === portalId,
    );
    const expectedIds = fixtures.flatMap((f) => f.events.map((e) => String(e['eventId'])));
    expect(records).toHaveLength(19);
    expect(records.map((r) => r.eventId).sort()).toEqual(expectedIds.sort());
    // line 2 uses the legacy `eventType`; line 8 has every number as a string
    expect(
      records.filter((r) => r.subscriptionType === 'contact.propertyChange' && r.objectId === '1246965'),
    ).toHaveLength(1);
    expect(records.every((r) => r.receivedAt > 0 && JSON.parse(r.rawJson).portalId === portalId)).toBe(true);
  });

  describe('(b) refusals, and nothing produced for any of them', () => {
    const portalId = randomPortalId();
    let before: Offsets;
    const batch = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => event(portalId, i + 1)));

    beforeAll(async () => {
      before = await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name);
    });

    it('bad signature → 401', async () => {
      const result = await sendWebhookBatch({
        targetUrl: url,
        events: [event(portalId, 1)],
        clientSecret: SECRET,
        badSignature: true,
        retries: { count: 0 },
      });
      expect(result.attempts[0]?.status).toBe(401);
      expect(await post(url, { body: batch(1), secret: 'another-secret' })).toMatchObject({
        status: 401,
        body: { error: 'invalid_signature', reason: 'bad-signature' },
      });
    });

    it('stale timestamp (6 min old) → 401 even with a correct signature', async () => {
      const stale = Date.now() - 6 * 60_000;
      expect(await post(url, { body: batch(1), timestamp: stale })).toMatchObject({
        status: 401,
        body: { error: 'invalid_signature', reason: 'stale-timestamp' },
      });
    });

    it('missing signature → 401, and before any JSON parsing', async () => {
      expect(await post(url, { body: batch(1), secret: null })).toMatchObject({
        status: 401,
        body: { reason: 'missing-signature' },
      });
      expect(await post(url, { body: '{not json', secret: null })).toMatchObject({
        status: 401,
        body: { error: 'invalid_signature' },
      });
    });

    it('signed but not JSON content → 415', async () => {
      expect(await post(url, { body: batch(1), contentType: 'text/plain' })).toMatchObject({
        status: 415,
        body: { error: 'unsupported_media_type' },
      });
    });

    it('signed malformed JSON → 400 with the reason', async () => {
      const res = await post(url, {
        body: '[{"eventId": 1,',
        contentType: 'application/json; charset=utf-8',
      });
      expect(res).toMatchObject({ status: 400, body: { error: 'invalid_batch' } });
      expect(String(res.body['reason'])).toMatch(/not valid JSON/);
    });

    it('101 events → 400; empty array → 400; an invalid event → 400 naming it', async () => {
      const tooMany = await post(url, { body: batch(101) });
      expect(tooMany).toMatchObject({ status: 400, body: { error: 'invalid_batch' } });
      expect(String(tooMany.body['reason'])).toMatch(/101/);
      expect((await post(url, { body: '[]' })).status).toBe(400);
      const { portalId: _dropped, ...noPortal } = event(portalId, 7);
      const invalid = await post(url, { body: JSON.stringify([event(portalId, 6), noPortal]) });
      expect(invalid).toMatchObject({ status: 400 });
      expect(String(invalid.body['reason'])).toMatch(/events\[1\]\.portalId/);
    });

    it('body over WEBHOOK_MAX_BODY_BYTES (1 MiB) → 413, even when signed', async () => {
      const padded = JSON.stringify([{ ...event(portalId, 1), propertyValue: 'x'.repeat(1_048_576) }]);
      expect(await post(url, { body: padded })).toMatchObject({
        status: 413,
        body: { error: 'payload_too_large' },
      });
    });

    it('a body over Nest’s 100 kB JSON default but under 1 MiB is accepted (the global parser never sees it)', async () => {
      const big = JSON.stringify([{ ...event(portalId + 1, 1), propertyValue: 'y'.repeat(300_000) }]);
      expect(await post(url, { body: big })).toMatchObject({ status: 200, body: { accepted: 1 } });
    });

    it('nothing of this portal reached the topic', async () => {
      await expectNothingProduced(platform, before, portalId);
    });
  });
});
