import { randomInt } from 'node:crypto';
import { type DeadLetterRecord, type KafkaPlatform, readDeadLetters } from '@hubheap/kafka';
import {
  HEAP_TRACK_EVENTS,
  HUBSPOT_EMAIL_EVENTS,
  HUBSPOT_WEBHOOK_EVENTS,
  type HeapTrackEvent,
  type HubSpotEmailEvent,
  type HubSpotWebhookEvent,
  type TopicContract,
} from '@hubheap/schemas';
import {
  type AppProcess,
  type Collector,
  HeapFake,
  HubSpotFake,
  collect,
  committedOffsets,
  eventually,
  freePort,
  positionGroup,
  produce,
  reached,
  stackEndpoints,
  startApp,
  testPlatform,
  topicEnds,
  uniqueName,
} from '@hubheap/testing';
import { EMAIL_EVENT_CASES, caseRecipient, isHeapScalar } from './bad-input/email-event-cases';
import { metricValue } from './bad-input/metrics';
import { poisonValues } from './bad-input/poison-records';
import { WEBHOOK_CASES, type WebhookTarget } from './bad-input/webhook-cases';

// Bad-input catalogue (issue item 6): the inputs that break integrations in practice, thrown at the
// webhook endpoint, the Email Events poller and both consumers, each with its documented outcome.
// Every app runs as its own process on the real stack; every input must end as exactly one of
// {Heap event, counted skip, dead letter}, and no process may die.

const SECRET = 'bad-input-client-secret';
const MAX_BODY_BYTES = 65_536;
// §1.7 step 2 decodes %3A %2F %3F %40 …; %C3%BC and %20 stay encoded in the signed URI.
const PUBLIC_URL =
  'https://hooks.example.com/hubspot/webhooks?source=hub%3Aspot&to=%2Fa%2Fb&name=J%C3%BCrgen%20M';
const POISON_RECIPIENT = 'poison@example.com';

/** Waits until `group` has read `topic` up to its current end, so "nothing produced" is a fact. */
const caughtUp = async (platform: KafkaPlatform, group: string, topic: string): Promise<void> => {
  const target = await topicEnds(platform, topic);
  await eventually(async () => reached(await committedOffsets(platform, group, topic), target), {
    timeoutMs: 30_000,
    message: `${group} caught up on ${topic}`,
  });
};

describe('bad-input catalogue', () => {
  const basePortal = randomInt(100_000_000, 900_000_000);
  const pollPortal = basePortal + 999;
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const token = uniqueName('bad-input-token');
  const hubspot = new HubSpotFake();
  const heap = new HeapFake({ appIds: [heapAppId] });
  const apps: Record<'intake' | 'plainIntake' | 'identity' | 'writer', AppProcess> = {} as never;
  const platform = testPlatform('bad-input');
  const webhookGroup = uniqueName('bad-input-webhooks');
  const identityGroup = uniqueName('bad-input-identity');
  const writerGroup = uniqueName('bad-input-writer');
  let webhookRecords: Collector<HubSpotWebhookEvent>;
  let target: WebhookTarget;

  beforeAll(async () => {
    hubspot.addAccessToken(token, pollPortal);
    const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([
      hubspot.start(),
      heap.start(),
    ]);
    const endpoints = stackEndpoints();
    const env = {
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      DATABASE_URL: endpoints.databaseUrl,
      RETRY_PROFILE: 'test',
      HUBSPOT_CLIENT_SECRET: SECRET,
      WEBHOOK_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      HUBSPOT_BASE_URL: hubspotUrl,
      POLL_INITIAL_START: '0',
      POLL_INTERVAL_MS: '3600000', // polls are triggered with /poller/run-once
      TENANTS: JSON.stringify([{ portalId: pollPortal, heapAppId }]),
      HEAP_BASE_URL: heapUrl,
    };
    // Groups start at the topics' ends: earlier runs' records belong to other tenants.
    await positionGroup(
      platform,
      identityGroup,
      HUBSPOT_EMAIL_EVENTS.name,
      await topicEnds(platform, HUBSPOT_EMAIL_EVENTS.name),
    );
    await positionGroup(
      platform,
      writerGroup,
      HEAP_TRACK_EVENTS.name,
      await topicEnds(platform, HEAP_TRACK_EVENTS.name),
    );
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    [apps.intake, apps.plainIntake, apps.identity, apps.writer] = await Promise.all([
      startApp('webhook-intake', ports[0]!, {
        ...env,
        WEBHOOK_PUBLIC_URL: PUBLIC_URL,
        HUBSPOT_PORTALS: JSON.stringify([{ portalId: pollPortal, accessToken: token }]),
      }),
      startApp('webhook-intake', ports[1]!, env),
      startApp('identity-resolution', ports[2]!, { ...env, CONSUMER_GROUP: identityGroup }),
      startApp('heap-writer', ports[3]!, { ...env, CONSUMER_GROUP: writerGroup }),
    ]);
    target = {
      publicApp: `http://127.0.0.1:${apps.intake.port}`,
      publicUrl: PUBLIC_URL,
      plainApp: `http://127.0.0.1:${apps.plainIntake.port}`,
      secret: SECRET,
      maxBodyBytes: MAX_BODY_BYTES,
    };
    const maxPortal = basePortal + WEBHOOK_CASES.length;
    webhookRecords = await collect(
      platform,
      HUBSPOT_WEBHOOK_EVENTS,
      webhookGroup,
      await topicEnds(platform, HUBSPOT_WEBHOOK_EVENTS.name),
      (r) => r.value.portalId >= basePortal && r.value.portalId < maxPortal,
    );
  });

  afterAll(async () => {
    await webhookRecords?.stop();
    await Promise.all(Object.values(apps).map((a) => a.stop()));
    await platform.close();
    await Promise.all([hubspot.stop(), heap.stop()]);
  });

  describe('POST /webhooks/hubspot', () => {
    it.each(WEBHOOK_CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, testCase, index) => {
      const portalId = basePortal + index;
      const request = testCase.build(target, portalId);
      const res = await fetch(request.url, { method: 'POST', body: request.body, headers: request.headers });
      const body = await res.text();
      expect({ status: res.status, body }).toEqual({ status: testCase.status, body: expect.any(String) });
      if (testCase.reason) expect(body).toMatch(testCase.reason);
      if (testCase.status === 200) expect(JSON.parse(body)).toEqual({ accepted: testCase.produced });
      await caughtUp(platform, webhookGroup, HUBSPOT_WEBHOOK_EVENTS.name);
      const produced = webhookRecords.records.filter((r) => r.value.portalId === portalId);
      expect(produced).toHaveLength(testCase.produced);
    });

    it('keeps ids above 2^53 exact on the topic', () => {
      const index = WEBHOOK_CASES.findIndex((c) => c.name.startsWith('ids above 2^53'));
      const record = webhookRecords.records.find((r) => r.value.portalId === basePortal + index);
      expect(record?.value.eventId).toBe('90071992547409931');
    });
  });

  describe('consumers', () => {
    const emailKey = `hs:${pollPortal}`;
    /**
     * Dead letters of `topic` written by `group` for this run's keys: the `.dlq` topics are shared, and
     * other runs' records on the input topics reach this run's groups too (dead-lettered as `no tenant`).
     */
    const deadLettersOf = async (
      topic: string,
      group: string,
      keyPrefix: string,
    ): Promise<DeadLetterRecord[]> =>
      (await readDeadLetters(platform, topic, { decode: false })).filter(
        (d) => d.consumerGroup === group && (d.key ?? '').startsWith(keyPrefix),
      );

    const expectDecodeDeadLetters = async (
      topic: string,
      group: string,
      keyPrefix: string,
      count: number,
    ): Promise<void> => {
      let letters: DeadLetterRecord[] = [];
      await eventually(async () => (letters = await deadLettersOf(topic, group, keyPrefix)).length >= count, {
        timeoutMs: 30_000,
        intervalMs: 500,
        message: `${count} dead letters of ${group} on ${topic}.dlq`,
      });
      expect(letters).toHaveLength(count);
      for (const letter of letters) {
        expect(letter).toMatchObject({
          errorClass: 'decode',
          originTopic: topic,
          reason: expect.stringMatching(/^decode failed: /),
        });
      }
    };

    it('dead-letters poison Avro on hubspot.email-events.v1 (errorClass decode) and processes the next record', async () => {
      const poisons = poisonValues(
        await platform.serde.schemaIdFor(HUBSPOT_EMAIL_EVENTS as TopicContract<unknown>),
      );
      const producer = await platform.producer();
      await producer.sendRaw(
        HUBSPOT_EMAIL_EVENTS.name,
        poisons.map((p) => ({ key: `${pollPortal}:${POISON_RECIPIENT}`, value: p.value })),
      );
      const good: HubSpotEmailEvent = {
        portalId: pollPortal,
        id: 'good-after-poison',
        created: 1_710_000_009_000,
        type: 'OPEN',
        recipient: POISON_RECIPIENT,
        appId: 113,
        appName: 'Batch',
        emailCampaignId: 190_000_001,
        filteredEvent: false,
        obsoletedById: null,
        source: 'fixture',
        polledAt: Date.now(),
        rawJson: JSON.stringify({ id: 'good-after-poison', created: 1_710_000_009_000, type: 'OPEN' }),
      };
      await produce(platform, HUBSPOT_EMAIL_EVENTS, [good]);
      await eventually(
        () =>
          heap.events(heapAppId).some((e) => e.idempotencyKey === `${emailKey}:${good.created}:${good.id}`),
        {
          timeoutMs: 60_000,
          message: 'the good email event after the poison reached Heap',
        },
      );
      await expectDecodeDeadLetters(
        HUBSPOT_EMAIL_EVENTS.name,
        identityGroup,
        `${pollPortal}:`,
        poisons.length,
      );
    });

    it('dead-letters poison Avro on heap.track-events.v1 (errorClass decode) and writes the next record', async () => {
      const poisons = poisonValues(
        await platform.serde.schemaIdFor(HEAP_TRACK_EVENTS as TopicContract<unknown>),
      );
      const producer = await platform.producer();
      await producer.sendRaw(
        HEAP_TRACK_EVENTS.name,
        poisons.map((p) => ({ key: `${heapAppId}:${POISON_RECIPIENT}`, value: p.value })),
      );
      const good: HeapTrackEvent = {
        appId: heapAppId,
        portalId: pollPortal,
        identity: POISON_RECIPIENT,
        event: 'Opened Email',
        timestamp: '2024-03-09T16:00:09.000Z',
        idempotencyKey: `bad-input:writer-good:${heapAppId}`,
        properties: { subject: 'after poison' },
        sourceEventId: 'writer-good',
      };
      await produce(platform, HEAP_TRACK_EVENTS, [good]);
      await eventually(() => heap.events(heapAppId).some((e) => e.idempotencyKey === good.idempotencyKey), {
        timeoutMs: 60_000,
        message: 'the good track event after the poison reached Heap',
      });
      await expectDecodeDeadLetters(HEAP_TRACK_EVENTS.name, writerGroup, `${heapAppId}:`, poisons.length);
    });

    describe('email events with absurd values, through the poller, identity-resolution and heap-writer', () => {
      const baseCreated = 1_710_000_000_000;
      const raw = EMAIL_EVENT_CASES.map((c, i) => {
        const event: Record<string, unknown> = {
          appName: 'Batch',
          appId: 113,
          emailCampaignId: 190_000_001,
          portalId: pollPortal,
          id: `absurd-${i}`,
          created: baseCreated + i,
          type: 'OPEN',
          recipient: caseRecipient(c),
          filteredEvent: false,
          sentBy: { id: `sent-${i}`, created: baseCreated - 1000 },
          browser: { name: 'Chrome', family: 'Chrome', type: 'Browser', version: ['120'] },
          location: { city: 'Berlin', state: 'BE', country: 'Germany', zipcode: '10115' },
          deviceType: 'COMPUTER',
          userAgent: 'Mozilla/5.0',
          duration: 1200,
          ...c.fields,
        };
        for (const [field, value] of Object.entries(c.fields)) if (value === undefined) delete event[field];
        return event;
      });
      const keyOf = (i: number): string => `${emailKey}:${Number(raw[i]!['created'])}:absurd-${i}`;

      beforeAll(async () => {
        hubspot.seedEmailEvents(pollPortal, raw);
        const res = await fetch(`http://127.0.0.1:${apps.intake.port}/poller/run-once`, { method: 'POST' });
        expect(res.status).toBe(200);
        const heapCases = EMAIL_EVENT_CASES.filter((c) => 'heap' in c.outcome).length;
        await eventually(
          () =>
            heap.events(heapAppId).filter((e) => String(e.idempotencyKey).includes(':absurd-')).length >=
            heapCases,
          { timeoutMs: 60_000, message: `${heapCases} absurd-value events in Heap` },
        );
        // Skips are counted when identity-resolution commits its batch; wait for both consumers.
        await caughtUp(platform, identityGroup, HUBSPOT_EMAIL_EVENTS.name);
        await caughtUp(platform, writerGroup, HEAP_TRACK_EVENTS.name);
      });

      it.each(EMAIL_EVENT_CASES.map((c, i) => [c.name, c, i] as const))('%s', (_name, testCase, index) => {
        const stored = heap.events(heapAppId).filter((e) => e.idempotencyKey === keyOf(index));
        if (!('heap' in testCase.outcome)) {
          expect(stored).toHaveLength(0);
          return;
        }
        expect(stored).toHaveLength(1);
        const event = stored[0]!;
        expect(event.identity).toBe(testCase.outcome.heap.identity);
        expect(event.event).toBe('Opened Email');
        const notFlat = Object.entries(event.properties).filter(([, v]) => !isHeapScalar(v));
        expect(notFlat).toEqual([]);
        testCase.outcome.heap.check?.(event.properties);
      });

      it('counts every skipped or refused event under its documented reason: nothing is lost', async () => {
        const expectedSkips = new Map<string, number>();
        for (const c of EMAIL_EVENT_CASES) {
          if ('skip' in c.outcome)
            expectedSkips.set(c.outcome.skip, (expectedSkips.get(c.outcome.skip) ?? 0) + 1);
        }
        const readSkips = async (): Promise<Record<string, number>> =>
          Object.fromEntries(
            await Promise.all(
              [...expectedSkips.keys()].map(async (reason) => [
                reason,
                await metricValue(apps.identity.port, 'identity_resolution_email_events_skipped_total', {
                  reason,
                }),
              ]),
            ),
          );
        expect(await readSkips()).toEqual(Object.fromEntries(expectedSkips));
        const invalid = await metricValue(apps.intake.port, 'webhook_intake_email_poll_errors_total', {
          portal_id: String(pollPortal),
          kind: 'invalid-event',
        });
        expect(invalid).toBe(EMAIL_EVENT_CASES.filter((c) => 'invalidEvent' in c.outcome).length);
        const inHeap = heap
          .events(heapAppId)
          .filter((e) => String(e.idempotencyKey).includes(':absurd-')).length;
        const skipped = Object.values(await readSkips()).reduce((a, b) => a + b, 0);
        // No absurd value was dead-lettered: the DLQs hold only the poison records of the tests above.
        const notPoison = (d: DeadLetterRecord): boolean => !(d.key ?? '').endsWith(POISON_RECIPIENT);
        const deadLettered =
          (await deadLettersOf(HUBSPOT_EMAIL_EVENTS.name, identityGroup, `${pollPortal}:`)).filter(notPoison)
            .length +
          (await deadLettersOf(HEAP_TRACK_EVENTS.name, writerGroup, `${heapAppId}:`)).filter(notPoison)
            .length;
        expect({
          inHeap,
          skipped,
          invalid,
          deadLettered,
          total: inHeap + skipped + invalid + deadLettered,
        }).toEqual({
          inHeap: EMAIL_EVENT_CASES.filter((c) => 'heap' in c.outcome).length,
          skipped: EMAIL_EVENT_CASES.filter((c) => 'skip' in c.outcome).length,
          invalid: EMAIL_EVENT_CASES.filter((c) => 'invalidEvent' in c.outcome).length,
          deadLettered: 0,
          total: EMAIL_EVENT_CASES.length,
        });
      });
    });
  });

  it('no process crashed: every app is alive and healthy', async () => {
    for (const app of Object.values(apps)) {
      expect({ name: app.name, exitCode: app.child.exitCode, signal: app.child.signalCode }).toEqual({
        name: app.name,
        exitCode: null,
        signal: null,
      });
      const res = await fetch(`http://127.0.0.1:${app.port}/health`);
      expect({ name: app.name, status: res.status }).toEqual({ name: app.name, status: 200 });
    }
  });
});
