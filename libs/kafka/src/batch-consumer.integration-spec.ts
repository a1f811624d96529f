import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { Kafka } from 'kafkajs';
import {
  HEAP_TRACK_EVENTS,
  type HeapTrackEvent,
  type TopicContract,
  deadLetterTopic,
} from '@hubheap/schemas';
import {
  DLQ_HEADERS,
  KafkaPlatform,
  parseBrokers,
  PermanentRecordError,
  TransientError,
  headersToStrings,
} from './index';

// libs/testing builds on this lib, so this spec wires its own platform (no import of libs/testing).
const brokers = parseBrokers(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

// Real broker and registry. Each test uses its own topic (a copy of a catalogue contract with a unique
// name) and its own consumer group, so tests never see each other's records.
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const contractFor = (): TopicContract<HeapTrackEvent> => ({
  ...HEAP_TRACK_EVENTS,
  name: unique('it.track-events'),
});
const event = (n: number, identity = `user${n}@example.com`): HeapTrackEvent => ({
  appId: '42',
  portalId: 62515,
  identity,
  event: 'Opened Email',
  timestamp: new Date(1_700_000_000_000 + n).toISOString(),
  idempotencyKey: `hs:62515:${1_700_000_000_000 + n}:e${n}`,
  properties: { n, subject: `s${n}` },
  sourceEventId: `e${n}`,
});

/** Polls until `check` holds, failing with `what` after the deadline. */
const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const readAll = async (kafka: Kafka, topic: string, count: number) => {
  const consumer: Consumer = kafka.consumer({ groupId: unique('reader') });
  const seen: Array<{ value: Buffer | null; headers: Record<string, string>; offset: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push({ value: message.value, headers: headersToStrings(message.headers), offset: message.offset });
    },
  });
  await waitFor(`${count} records on ${topic}`, () => seen.length >= count);
  await consumer.disconnect();
  return seen;
};

describe('BatchConsumer against a real broker and registry', () => {
  let platform: KafkaPlatform;
  let raw: Kafka;

  beforeAll(() => {
    platform = new KafkaPlatform({ brokers, clientId: 'batch-consumer-it', registryUrl }, quietLogger);
    raw = new Kafka({ clientId: 'raw-it', brokers, logLevel: 1 });
  });
  afterAll(async () => {
    await platform.close();
  });

  it('delivers every record once in order, and commits after the handler', async () => {
    const contract = contractFor();
    await platform.provision([contract]);
    const producer = await platform.producer();
    await producer.send(
      contract,
      [1, 2, 3, 4, 5].map((n) => ({ value: event(n, 'same@example.com') })),
    );

    const received: HeapTrackEvent[] = [];
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: unique('g'),
      topics: [contract],
      handler: async (records) => {
        received.push(...records.map((r) => r.value));
      },
    });
    await consumer.start();
    await waitFor('5 records', () => received.length === 5);
    const admin = await platform.admin();
    await waitFor('committed offset 5', async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: consumer.groupId, topics: [contract.name] });
      return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === 5;
    });
    await consumer.stop();
    expect(received.map((e) => e.sourceEventId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(received[0]!.properties).toEqual({ n: 1, subject: 's1' });
  });

  it('retries a transient failure without committing, then succeeds', async () => {
    const contract = contractFor();
    await platform.provision([contract]);
    await (await platform.producer()).send(contract, [{ value: event(1) }]);
    let calls = 0;
    let committedDuringOutage = 'none';
    const admin = await platform.admin();
    const groupId = unique('g');
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId,
      topics: [contract],
      handler: async () => {
        calls += 1;
        if (calls === 3) {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [contract.name] });
          committedDuringOutage = offsets!.partitions.map((p) => p.offset).join(',');
        }
        if (calls < 4) throw new TransientError('heap answered 503');
      },
    });
    await consumer.start();
    await waitFor('4 handler calls', () => calls === 4);
    await waitFor('commit', () => consumer.counters.processed === 1);
    await consumer.stop();
    expect(committedDuringOutage.split(',').every((o) => o === '-1')).toBe(true);
    expect(consumer.counters.retries).toBe(3);
    expect(consumer.counters.deadLettered).toBe(0);
  });

  it('a PostgreSQL outage (errors without a retriable flag) is retried, not dead-lettered', async () => {
    const contract = contractFor();
    await platform.provision([contract]);
    await (await platform.producer()).send(contract, [{ value: event(1) }, { value: event(2) }]);
    let calls = 0;
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: unique('g'),
      topics: [contract],
      handler: async () => {
        calls += 1;
        // What pg / TypeORM throw while the database restarts: a SQLSTATE, then a lost connection.
        if (calls === 1)
          throw Object.assign(new Error('terminating connection due to administrator command'), {
            code: '57P01',
          });
        if (calls === 2) throw new Error('Connection terminated unexpectedly');
      },
    });
    await consumer.start();
    await waitFor('both records processed', () => consumer.counters.processed === 2);
    await consumer.stop();
    expect(consumer.counters.retries).toBe(2);
    expect(consumer.counters.deadLettered).toBe(0);
  });

  it('isolates a permanently failing record and dead-letters it with origin headers', async () => {
    const contract = { ...contractFor(), partitions: 1 };
    await platform.provision([contract]);
    await (
      await platform.producer()
    ).send(
      contract,
      [1, 2, 3, 4].map((n) => ({ value: event(n) })),
    );
    const done: string[] = [];
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: unique('g'),
      topics: [contract],
      handler: async (records) => {
        if (records.some((r) => r.value.sourceEventId === 'e3'))
          throw new PermanentRecordError('identity rejected');
        done.push(...records.map((r) => r.value.sourceEventId));
      },
    });
    await consumer.start();
    await waitFor('isolation', () => consumer.counters.deadLettered === 1 && done.length === 3);
    await consumer.stop();
    expect(done.sort()).toEqual(['e1', 'e2', 'e4']);
    const [dead] = await readAll(raw, deadLetterTopic(contract.name), 1);
    expect(dead!.headers[DLQ_HEADERS.originTopic]).toBe(contract.name);
    expect(dead!.headers[DLQ_HEADERS.originOffset]).toBe('2');
    expect(dead!.headers[DLQ_HEADERS.reason]).toBe('PermanentRecordError: identity rejected');
    expect(dead!.headers[DLQ_HEADERS.errorClass]).toBe('permanent');
    expect((await platform.serde.decode<HeapTrackEvent>(dead!.value!)).sourceEventId).toBe('e3');
  });

  it('dead-letters poison bytes (wrong magic byte, unknown schema id) and moves on', async () => {
    const contract = { ...contractFor(), partitions: 1 };
    await platform.provision([contract]);
    const producer = await platform.producer();
    await producer.sendRaw(contract.name, [
      { key: 'a', value: Buffer.from('not avro at all') },
      { key: 'b', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]) },
    ]);
    await producer.send(contract, [{ value: event(9) }]);
    const done: string[] = [];
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: unique('g'),
      topics: [contract],
      handler: async (records) => {
        done.push(...records.map((r) => r.value.sourceEventId));
      },
    });
    await consumer.start();
    await waitFor(
      'good record after poison',
      () => done.length === 1 && consumer.counters.deadLettered === 2,
    );
    await consumer.stop();
    const dead = await readAll(raw, deadLetterTopic(contract.name), 2);
    expect(dead.map((d) => d.headers[DLQ_HEADERS.errorClass])).toEqual(['decode', 'decode']);
    expect(dead[0]!.value!.toString()).toBe('not avro at all');
    expect(dead.every((d) => d.headers[DLQ_HEADERS.reason]!.startsWith('decode failed'))).toBe(true);
  });

  it('handler-declared dead letters are written before the commit', async () => {
    const contract = { ...contractFor(), partitions: 1 };
    await platform.provision([contract]);
    await (
      await platform.producer()
    ).send(
      contract,
      [1, 2].map((n) => ({ value: event(n) })),
    );
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: unique('g'),
      topics: [contract],
      handler: async (records) => ({
        deadLetters: records
          .filter((r) => r.value.sourceEventId === 'e2')
          .map((record) => ({ record, reason: 'no tenant for portal 62515' })),
      }),
    });
    await consumer.start();
    await waitFor('dead letter', () => consumer.counters.deadLettered === 1);
    await consumer.stop();
    const [dead] = await readAll(raw, deadLetterTopic(contract.name), 1);
    expect(dead!.headers[DLQ_HEADERS.reason]).toBe('no tenant for portal 62515');
    expect(dead!.headers[DLQ_HEADERS.errorClass]).toBe('rejected');
  });
});
