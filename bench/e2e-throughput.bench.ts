/**
 * Throughput benchmark (`npm run bench`; needs the local stack: `npm run stack:up`).
 * Prints, from one run on one broker:
 *   - raw kafkajs produce→consume throughput (the baseline: same broker, same record size);
 *   - end-to-end email events per second: poller (webhook-intake) → identity-resolution → heap-writer
 *     → Heap fake, every app in its own process;
 *   - the ratio of the two, Heap requests per event, and each app's peak RSS (VmHWM).
 * Options: BENCH_RECIPIENTS (default 300 → ~4–5k events), BENCH_RAW_RECORDS (default 20000).
 */
import { randomInt } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { HUBSPOT_EMAIL_EVENTS } from '@hubheap/schemas';
import { mapEmailEventToHeap, toEmailEventRecord } from '@hubheap/hubspot';
import {
  type AppProcess,
  HeapFake,
  HubSpotFake,
  eventually,
  freePort,
  generateSampleEmailEvents,
  stackEndpoints,
  startApp,
  testPlatform,
  uniqueName,
} from '@hubheap/testing';

const RECIPIENTS = Number(process.env['BENCH_RECIPIENTS'] ?? 300);
const RAW_RECORDS = Number(process.env['BENCH_RAW_RECORDS'] ?? 20_000);
const brokers = stackEndpoints().kafkaBrokers.split(',');

const rawKafkaBaseline = async (recordBytes: Buffer): Promise<number> => {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const topic = uniqueName('bench.raw');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw'), maxWaitTimeInMs: 500 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  await consumer.run({ eachBatch: async ({ batch }) => void (consumed += batch.messages.length) });
  const started = Date.now();
  for (let i = 0; i < RAW_RECORDS; i += 500) {
    const n = Math.min(500, RAW_RECORDS - i);
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: n }, (_, j) => ({ key: `k${(i + j) % 997}`, value: recordBytes })),
    });
  }
  await eventually(() => consumed >= RAW_RECORDS, { timeoutMs: 300_000, intervalMs: 20 });
  const perSecond = RAW_RECORDS / ((Date.now() - started) / 1000);
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return perSecond;
};

/** Moves fresh consumer groups to the end of their topics, so the run measures only its own events. */
const startGroupsAtEnd = async (groups: Array<{ groupId: string; topic: string }>): Promise<void> => {
  const kafka = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  for (const { groupId, topic } of groups) {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: ends.map((e) => ({ partition: e.partition, offset: e.offset })),
    });
  }
  await admin.disconnect();
};

const main = async (): Promise<void> => {
  const portalId = randomInt(100_000_000, 999_999_999);
  const heapAppId = String(randomInt(1_000_000_000, 9_999_999_999));
  const token = uniqueName('bench-token');
  const sample = generateSampleEmailEvents({
    portalId,
    recipients: RECIPIENTS,
    campaigns: 3,
    seed: 7,
    startMs: Date.now() - 10 * 86_400_000,
  });
  const expected = sample.filter(
    (raw) =>
      mapEmailEventToHeap(toEmailEventRecord(raw, portalId, 0, 'poller'), { appId: heapAppId }).kind ===
      'track',
  ).length;

  const platform = testPlatform('bench');
  const recordBytes = await platform.serde.encode(
    HUBSPOT_EMAIL_EVENTS,
    toEmailEventRecord(sample[0]!, portalId, Date.now(), 'poller'),
  );
  await platform.provision([HUBSPOT_EMAIL_EVENTS]);
  await platform.close();
  console.log(
    `bench: ${sample.length} sample HubSpot email events (${expected} become Heap events); raw baseline ${RAW_RECORDS} records of ${recordBytes.length} bytes`,
  );

  const rawPerSecond = await rawKafkaBaseline(recordBytes);

  const hubspot = new HubSpotFake();
  const heap = new HeapFake({ appIds: [heapAppId], rateLimits: { enabled: false } });
  hubspot.addAccessToken(token, portalId);
  hubspot.seedEmailEvents(portalId, sample);
  const [{ baseUrl: hubspotUrl }, { baseUrl: heapUrl }] = await Promise.all([hubspot.start(), heap.start()]);
  const identityGroup = uniqueName('bench-identity');
  const writerGroup = uniqueName('bench-writer');
  await startGroupsAtEnd([
    { groupId: identityGroup, topic: 'hubspot.email-events.v1' },
    { groupId: writerGroup, topic: 'heap.track-events.v1' },
  ]);
  const env = {
    KAFKA_BROKERS: stackEndpoints().kafkaBrokers,
    SCHEMA_REGISTRY_URL: stackEndpoints().schemaRegistryUrl,
    DATABASE_URL: stackEndpoints().databaseUrl,
    HUBSPOT_BASE_URL: hubspotUrl,
    HUBSPOT_CLIENT_SECRET: 'bench-secret',
    HUBSPOT_PORTALS: JSON.stringify([{ portalId, accessToken: token }]),
    POLL_INITIAL_START: String(Date.now() - 30 * 86_400_000),
    POLL_INTERVAL_MS: '3600000',
    TENANTS: JSON.stringify([{ portalId, heapAppId, emailProperty: 'identity' }]),
    HEAP_BASE_URL: heapUrl,
  };
  const intakePort = await freePort();
  const apps: AppProcess[] = [
    await startApp('webhook-intake', intakePort, env),
    await startApp('identity-resolution', await freePort(), { ...env, CONSUMER_GROUP: identityGroup }),
    await startApp('heap-writer', await freePort(), { ...env, CONSUMER_GROUP: writerGroup }),
  ];
  try {
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${intakePort}/poller/run-once`, { method: 'POST' });
    if (!res.ok) throw new Error(`run-once answered ${res.status}`);
    await eventually(() => heap.events(heapAppId).length >= expected, { timeoutMs: 600_000, intervalMs: 20 });
    const seconds = (Date.now() - started) / 1000;
    const e2ePerSecond = expected / seconds;
    const trackRequests = heap.requests().filter((r) => r.path === '/api/track' && r.status === 200).length;
    console.log('');
    console.log(`raw kafkajs produce→consume : ${rawPerSecond.toFixed(0)} records/s`);
    console.log(
      `end-to-end (intake → Heap)  : ${e2ePerSecond.toFixed(0)} events/s (${expected} events in ${seconds.toFixed(2)} s)`,
    );
    console.log(`ratio end-to-end / raw      : ${(e2ePerSecond / rawPerSecond).toFixed(3)}`);
    console.log(
      `Heap requests per event     : ${(trackRequests / expected).toFixed(4)} (${trackRequests} bulk track requests)`,
    );
    for (const app of apps)
      console.log(`peak RSS ${app.name.padEnd(20)}: ${(app.peakRssBytes() / 1024 / 1024).toFixed(1)} MiB`);
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all([hubspot.stop(), heap.stop()]);
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
