import type { BatchConsumer, ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import type { TopicContract } from '@hubheap/schemas';

/** Offsets by partition, as kafkajs strings (`-1` = nothing committed). */
export type Offsets = Record<number, string>;

/** End (high watermark) of every partition of `topic`: where the next record will land. */
export const topicEnds = async (platform: KafkaPlatform, topic: string): Promise<Offsets> => {
  const ends = await (await platform.admin()).fetchTopicOffsets(topic);
  return Object.fromEntries(ends.map((p) => [p.partition, p.high]));
};

/**
 * Commits `offsets` for a group with no members yet, so it starts there rather than at the beginning
 * of a topic shared with earlier runs (whose records belong to other tenants).
 */
export const positionGroup = async (
  platform: KafkaPlatform,
  groupId: string,
  topic: string,
  offsets: Offsets,
): Promise<void> => {
  const partitions = Object.entries(offsets).map(([partition, offset]) => ({
    partition: Number(partition),
    offset,
  }));
  await platform.commitGroupOffsets(groupId, topic, partitions);
};

/** Offsets a group committed on `topic`. */
export const committedOffsets = async (
  platform: KafkaPlatform,
  groupId: string,
  topic: string,
): Promise<Offsets> => {
  const [entry] = await (await platform.admin()).fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
};

/** True when every partition of `target` is committed at or past it. */
export const reached = (committed: Offsets, target: Offsets): boolean =>
  Object.entries(target).every(
    ([partition, offset]) => BigInt(committed[Number(partition)] ?? '-1') >= BigInt(offset),
  );

/** Produces `values` to `contract` (one send, acks=all) and returns the topic's new ends. */
export const produce = async <V>(
  platform: KafkaPlatform,
  contract: TopicContract<V>,
  values: V[],
): Promise<Offsets> => {
  const producer = await platform.producer();
  await producer.send(
    contract,
    values.map((value) => ({ value })),
  );
  return topicEnds(platform, contract.name);
};

/**
 * Samples a group's committed offsets on `topic` every ~20 ms until the returned function is called.
 * Samples taken while `inOutage()` holds must all equal `start` (nothing may be committed before the
 * effect is durable); `outageSamples` proves the outage was observed at all. Read order matters:
 * offsets first, then `inOutage()`, so a commit that follows a success is never misread.
 */
export const watchCommits = (
  platform: KafkaPlatform,
  groupId: string,
  topic: string,
  start: Offsets,
  inOutage: () => boolean,
): (() => Promise<{ outageSamples: number; commitsDuringOutage: Offsets[] }>) => {
  let running = true;
  const seen = { outageSamples: 0, commitsDuringOutage: [] as Offsets[] };
  const loop = (async () => {
    while (running) {
      const committed = await committedOffsets(platform, groupId, topic);
      if (inOutage()) {
        seen.outageSamples += 1;
        if (JSON.stringify(committed) !== JSON.stringify(start)) seen.commitsDuringOutage.push(committed);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return seen;
  };
};

/** Records read by {@link collect}, and a way to stop reading. */
export interface Collector<V> {
  records: ConsumedRecord<V>[];
  stop: () => Promise<void>;
}

/**
 * Reads `contract.name` with a fresh group starting at `from` (e.g. {@link topicEnds} taken before the
 * test produced), keeping the records `keep` accepts. Works for `.dlq` topics too: their values keep
 * the original Avro bytes, so a copy of the origin contract with the dead-letter name decodes them.
 */
export const collect = async <V>(
  platform: KafkaPlatform,
  contract: TopicContract<V>,
  groupId: string,
  from: Offsets,
  keep: (record: ConsumedRecord<V>) => boolean,
): Promise<Collector<V>> => {
  await positionGroup(platform, groupId, contract.name, from);
  const records: ConsumedRecord<V>[] = [];
  const consumer: BatchConsumer<V> = await platform.consumer<V>({
    groupId,
    topics: [contract],
    handler: async (batch) => {
      records.push(...batch.filter(keep));
    },
  });
  await consumer.start();
  return { records, stop: () => consumer.stop() };
};
