import type { ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import type { TopicContract } from '@hubheap/schemas';
import { eventually, uniqueName } from '@hubheap/testing';

/** Offsets by partition (kafkajs decimal strings). */
export type Offsets = Record<number, string>;

/** The end (high watermark) of each partition of `topic`: where the next record lands. */
export const topicEnds = async (platform: KafkaPlatform, topic: string): Promise<Offsets> => {
  const ends = await (await platform.admin()).fetchTopicOffsets(topic);
  return Object.fromEntries(ends.map((p) => [p.partition, p.high]));
};

const sameOffsets = (a: Offsets, b: Offsets): boolean =>
  Object.keys(b).length === Object.keys(a).length && Object.entries(b).every(([p, o]) => a[Number(p)] === o);

/**
 * Every record of `contract.name` in [from, to) per partition, decoded, in partition/offset order:
 * read by a fresh consumer group positioned at `from`, until its committed offsets reach `to`.
 */
export const readRange = async <V>(
  platform: KafkaPlatform,
  contract: TopicContract<V>,
  from: Offsets,
  to: Offsets,
): Promise<ConsumedRecord<V>[]> => {
  if (sameOffsets(from, to)) return [];
  const groupId = uniqueName('webhook-intake-test-probe');
  const admin = await platform.admin();
  await platform.commitGroupOffsets(
    groupId,
    contract.name,
    Object.entries(from).map(([p, offset]) => ({ partition: Number(p), offset })),
  );
  const records: ConsumedRecord<V>[] = [];
  const consumer = await platform.consumer<V>({
    groupId,
    topics: [contract],
    handler: async (batch) => void records.push(...batch),
  });
  await consumer.start();
  try {
    await eventually(
      async () => {
        const [entry] = await admin.fetchOffsets({ groupId, topics: [contract.name] });
        const committed = Object.fromEntries(
          (entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
        );
        return Object.entries(to).every(([p, end]) => (committed[Number(p)] ?? -1n) >= BigInt(end));
      },
      { timeoutMs: 30_000, message: `reading ${contract.name} up to ${JSON.stringify(to)}` },
    );
  } finally {
    await consumer.stop();
  }
  return records
    .filter((r) => BigInt(r.offset) < BigInt(to[r.partition] ?? '0'))
    .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
};

/** Records produced to `contract.name` since `before` (taken with {@link topicEnds}) that `keep` accepts. */
export const producedSince = async <V>(
  platform: KafkaPlatform,
  contract: TopicContract<V>,
  before: Offsets,
  keep: (value: V) => boolean,
): Promise<V[]> => {
  const after = await topicEnds(platform, contract.name);
  return (await readRange(platform, contract, before, after)).map((r) => r.value).filter(keep);
};
