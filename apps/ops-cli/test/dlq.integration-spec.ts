import {
  HEAP_TRACK_EVENTS,
  deadLetterTopic,
  type HeapTrackEvent,
  type TopicContract,
} from '@hubheap/schemas';
import {
  DLQ_HEADERS,
  REDRIVEN_FROM_HEADER,
  readDeadLetters,
  redriveMarkerTopic,
  type BatchConsumer,
  type ConsumedRecord,
  type KafkaPlatform,
} from '@hubheap/kafka';
import { eventually, MemoryLogger, testPlatform, topicEnds, uniqueName } from '@hubheap/testing';
import { runOps } from './replay-harness';

// Real broker and registry. Each test: its own 1-partition topic (a copy of heap.track-events with a
// unique name, provisioned with its .dlq) and its own consumer group.
const event = (n: number): HeapTrackEvent => ({
  appId: '42',
  portalId: 62515,
  identity: `user${n}@example.com`,
  event: 'Opened Email',
  timestamp: new Date(1_700_000_000_000 + n).toISOString(),
  idempotencyKey: `hs:62515:${1_700_000_000_000 + n}:e${n}`,
  properties: { n },
  sourceEventId: `e${n}`,
});

describe('ops dlq against a real broker and registry', () => {
  let platform: KafkaPlatform;
  const consumers: BatchConsumer<unknown>[] = [];

  beforeAll(() => {
    platform = testPlatform('ops-dlq-it', new MemoryLogger());
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });
  afterAll(async () => {
    await platform.close();
  });

  /** A consumer that rejects the listed events as dead letters until `fixed` is set; records every accepted one. */
  const startConsumer = async (contract: TopicContract<HeapTrackEvent>, rejected: string[]) => {
    const state = { fixed: false, accepted: [] as ConsumedRecord<HeapTrackEvent>[] };
    const consumer = await platform.consumer<HeapTrackEvent>({
      groupId: uniqueName('it.dlq-group'),
      topics: [contract],
      handler: async (records) => {
        const bad = state.fixed ? [] : records.filter((r) => rejected.includes(r.value.sourceEventId));
        state.accepted.push(...records.filter((r) => !bad.includes(r)));
        return {
          deadLetters: bad.map((record) => ({
            record,
            reason: `no tenant for portal ${record.value.portalId}`,
          })),
        };
      },
    });
    consumers.push(consumer as BatchConsumer<unknown>);
    await consumer.start();
    return { consumer, state };
  };

  const newTopic = async () => {
    const contract = { ...HEAP_TRACK_EVENTS, name: uniqueName('it.dlq'), partitions: 1 };
    await platform.provision([contract]);
    return contract;
  };

  it('lists and inspects dead letters, poison bytes included', async () => {
    const contract = await newTopic();
    const producer = await platform.producer();
    await producer.send(
      contract,
      [1, 2].map((n) => ({ value: event(n), headers: { 'x-trace': `t${n}` } })),
    );
    await producer.sendRaw(contract.name, [{ key: 'poison', value: Buffer.from('not avro at all') }]);
    const { consumer } = await startConsumer(contract, ['e2']);
    await eventually(() => consumer.counters.deadLettered === 2, {
      message: 'two dead letters',
      timeoutMs: 30_000,
    });

    const list = await runOps(platform, ['dlq', 'list', '--topic', contract.name]);
    expect(list.out[0]).toBe(`${deadLetterTopic(contract.name)}: 2 dead letter(s), 0 redriven`);
    expect(list.out[1]).toMatch(/^DLQ OFFSET\s+ORIGIN\s+ERROR CLASS\s+REASON\s+FAILED AT\s+REDRIVEN AT$/);
    const rows = list.out.slice(2).join('\n');
    expect(rows).toContain(`${contract.name}[0]@1`);
    expect(rows).toMatch(/rejected\s+no tenant for portal 62515\s+\d{4}-\d\d-\d\dT/);
    expect(rows).toMatch(
      new RegExp(`${contract.name.replace(/\./g, '\\.')}\\[0\\]@2\\s+decode\\s+decode failed`),
    );

    const letters = await readDeadLetters(platform, contract.name, { decode: false });
    const rejected = letters.find((l) => l.originOffset === '1')!;
    const poison = letters.find((l) => l.originOffset === '2')!;
    const inspected = JSON.parse(
      (await runOps(platform, ['dlq', 'inspect', contract.name, rejected.offset])).out.join('\n'),
    );
    expect(inspected).toMatchObject({
      deadLetter: `${deadLetterTopic(contract.name)}[0]@${rejected.offset}`,
      origin: { topic: contract.name, partition: 0, offset: '1' },
      errorClass: 'rejected',
      reason: 'no tenant for portal 62515',
      attempts: 1,
      key: '42:user2@example.com',
      value: { sourceEventId: 'e2', properties: { n: 2 } },
      headers: { 'x-trace': 't2' },
      redriven: null,
    });
    expect(inspected.consumerGroup).toBe(consumer.groupId);
    expect(inspected.dlqHeaders[DLQ_HEADERS.originOffset]).toBe('1');
    expect(new Date(inspected.failedAt).getTime()).toBeGreaterThan(Date.now() - 120_000);

    const bad = JSON.parse(
      (await runOps(platform, ['dlq', 'inspect', contract.name, `0:${poison.offset}`])).out.join('\n'),
    );
    expect(bad.valueBase64).toBe(Buffer.from('not avro at all').toString('base64'));
    expect(bad.decodeError).toMatch(/magic byte/i);
    expect(bad.value).toBeUndefined();

    await expect(runOps(platform, ['dlq', 'inspect', contract.name, '99'])).rejects.toThrow(
      /no dead letter at .*\[0\]@99/,
    );
  });

  it('redrives one, then all, back to the origin; a second --all redrives nothing', async () => {
    const contract = await newTopic();
    await (
      await platform.producer()
    ).send(
      contract,
      [1, 2, 3, 4].map((n) => ({ value: event(n), headers: { 'x-trace': `t${n}` } })),
    );
    const { consumer, state } = await startConsumer(contract, ['e2', 'e4']);
    await eventually(() => consumer.counters.deadLettered === 2 && state.accepted.length === 2, {
      message: 'e2 and e4 dead-lettered',
      timeoutMs: 30_000,
    });
    state.fixed = true; // "after a fix"
    const letters = await readDeadLetters(platform, contract.name, { decode: false });
    const e2 = letters.find((l) => l.originOffset === '1')!;
    const e4 = letters.find((l) => l.originOffset === '3')!;
    const dlq = deadLetterTopic(contract.name);

    const dry = await runOps(platform, ['dlq', 'redrive', contract.name, '--offset', e2.offset, '--dry-run']);
    expect(dry.out).toContain(
      `would redrive ${dlq}[0]@${e2.offset} → ${contract.name} (origin ${contract.name}[0]@1)`,
    );
    expect(await topicEnds(platform, contract.name)).toEqual({ 0: '4' });

    await expect(
      runOps(platform, ['dlq', 'redrive', contract.name, '--offset', e2.offset, '--offset', '77']),
    ).rejects.toThrow(/no dead letter at .*@77; nothing redriven/);
    expect(await topicEnds(platform, contract.name)).toEqual({ 0: '4' });

    const one = await runOps(platform, ['dlq', 'redrive', contract.name, '--offset', e2.offset]);
    expect(one.out).toContain('1 redriven, 0 already redriven');
    await eventually(() => state.accepted.some((r) => r.value.sourceEventId === 'e2'), {
      message: 'e2 consumed from the origin topic',
      timeoutMs: 30_000,
    });
    const redriven = state.accepted.find((r) => r.value.sourceEventId === 'e2')!;
    expect(redriven.offset).toBe('4');
    expect(redriven.key).toBe('42:user2@example.com');
    expect(redriven.headers[REDRIVEN_FROM_HEADER]).toBe(`${dlq}[0]@${e2.offset}`);
    expect(redriven.headers['x-trace']).toBe('t2');
    expect(Object.keys(redriven.headers).filter((h) => h.startsWith('x-dlq-'))).toEqual([]);

    const all = await runOps(platform, ['dlq', 'redrive', contract.name, '--all']);
    expect(all.out).toContain(
      `redriven ${dlq}[0]@${e4.offset} → ${contract.name} (origin ${contract.name}[0]@3)`,
    );
    expect(all.out).toContain('1 redriven, 1 already redriven');
    const again = await runOps(platform, ['dlq', 'redrive', contract.name, '--all']);
    expect(again.out).toContain('0 redriven, 2 already redriven');

    await eventually(() => state.accepted.some((r) => r.value.sourceEventId === 'e4'), {
      message: 'e4 consumed',
      timeoutMs: 30_000,
    });
    expect(await topicEnds(platform, contract.name)).toEqual({ 0: '6' });
    expect(state.accepted.map((r) => r.value.sourceEventId).sort()).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(consumer.counters.deadLettered).toBe(2);
    expect(await topicEnds(platform, redriveMarkerTopic(contract.name))).toEqual({ 0: '2' });

    const list = await runOps(platform, ['dlq', 'list', '--topic', contract.name]);
    expect(list.out[0]).toBe(`${dlq}: 2 dead letter(s), 2 redriven`);
    const forced = await runOps(platform, [
      'dlq',
      'redrive',
      contract.name,
      '--offset',
      e2.offset,
      '--force',
      '--dry-run',
    ]);
    expect(forced.out).toContain('dry run: 1 would redrive, 0 already redriven');
  });
});
