import { randomUUID } from 'node:crypto';
import { HUBSPOT_EMAIL_EVENTS, type TopicContract } from '@hubheap/schemas';
import { KafkaPlatform, parseBrokers } from './index';

// libs/testing builds on this lib, so this spec wires its own platform (no import of libs/testing).
const brokers = parseBrokers(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const logger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('KafkaPlatform.commitGroupOffsets (real Kafka)', () => {
  const platform = new KafkaPlatform({ brokers, clientId: 'group-offsets-it', registryUrl }, logger);
  const contract: TopicContract<unknown> = {
    ...HUBSPOT_EMAIL_EVENTS,
    name: `it.group-offsets-${randomUUID().slice(0, 8)}`,
  } as TopicContract<unknown>;

  beforeAll(() => platform.provision([contract]));
  afterAll(() => platform.close());

  it('commits the offsets an idle group starts from, and refuses a group with a live member', async () => {
    const groupId = `it-group-offsets-${randomUUID()}`;
    const admin = await platform.admin();
    await platform.commitGroupOffsets(groupId, contract.name, [
      { partition: 0, offset: '0' },
      { partition: 2, offset: '0' },
    ]);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [contract.name] });
    expect(Object.fromEntries(committed!.partitions.map((p) => [p.partition, p.offset]))).toEqual({
      0: '0',
      1: '-1',
      2: '0',
    });

    const live = await platform.consumer({ groupId, topics: [contract], handler: async () => undefined });
    await live.start();
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const described = await admin.describeGroups([groupId]);
        if (described.groups[0]?.state === 'Stable') break;
        if (Date.now() > deadline) throw new Error('the live member never joined');
        await new Promise((r) => setTimeout(r, 100));
      }
      await expect(
        platform.commitGroupOffsets(groupId, contract.name, [{ partition: 1, offset: '0' }]),
      ).rejects.toThrow(/must have no running members/);
    } finally {
      await live.stop();
    }
  }, 60_000);
});
