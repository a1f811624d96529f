import { KafkaPlatform, type PlatformLogger } from '@hubheap/kafka';
import { MemoryLogger, stackEndpoints } from '@hubheap/testing';
import { randomPortalId, startIntakeApp, type IntakeApp } from './intake-app.harness';
import { SwitchableBroker } from './switchable-broker';
import { event, post, SECRET } from './webhook-requests';

describe('POST /webhooks/hubspot with Kafka unavailable (c)', () => {
  const publicUrl = 'https://hooks.example.com/webhooks/hubspot?source=hubspot';
  let broker: SwitchableBroker;
  let deadPlatform: KafkaPlatform;
  let intake: IntakeApp;

  beforeAll(async () => {
    const [host, port] = stackEndpoints().kafkaBrokers.split(',')[0]!.split(':');
    broker = new SwitchableBroker({ host: host!, port: Number(port) });
    const logger: PlatformLogger = new MemoryLogger();
    deadPlatform = new KafkaPlatform(
      {
        brokers: [await broker.start()],
        clientId: 'webhook-intake-it-down',
        registryUrl: stackEndpoints().schemaRegistryUrl,
      },
      logger,
    );
    intake = await startIntakeApp({
      kafka: deadPlatform,
      config: { hubspotClientSecret: SECRET, webhookProduceTimeoutMs: 1_500, webhookPublicUrl: publicUrl },
    });
  });

  afterAll(async () => {
    broker?.restore();
    await deadPlatform?.producer().catch(() => undefined); // let the pending connect finish, then close cleanly
    await intake?.close();
    await deadPlatform?.close();
    await broker?.stop();
  });

  it('answers 503 with Retry-After within the produce deadline (well under HubSpot’s 5 s)', async () => {
    const started = Date.now();
    const res = await post(`${intake.baseUrl}/webhooks/hubspot`, {
      body: JSON.stringify([event(randomPortalId(), 1)]),
      uri: publicUrl,
    });
    expect(res).toMatchObject({ status: 503, body: { error: 'kafka_unavailable' } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('checks the v3 signature against WEBHOOK_PUBLIC_URL, not the internal request line', async () => {
    const local = `${intake.baseUrl}/webhooks/hubspot`;
    expect(await post(local, { body: JSON.stringify([event(1, 1)]) })).toMatchObject({
      status: 401,
      body: { reason: 'bad-signature' },
    });
  });
});
