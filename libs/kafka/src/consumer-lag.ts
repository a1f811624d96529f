import type { Admin } from 'kafkajs';

/**
 * Records a consumer group still has to read on `topic`: the sum over partitions of
 * (end offset − committed offset), counting a partition with no commit from its earliest offset.
 * 0 means the group has caught up. Throws kafkajs errors when the broker is unreachable.
 */
export const consumerGroupLag = async (admin: Admin, groupId: string, topic: string): Promise<number> => {
  const [ends, starts, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchTopicOffsetsByTimestamp(topic, 0),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedBy = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  const startBy = new Map(starts.map((p) => [p.partition, BigInt(p.offset)]));
  let lag = 0n;
  for (const end of ends) {
    const position = committedBy.get(end.partition) ?? -1n;
    const from = position >= 0n ? position : (startBy.get(end.partition) ?? 0n);
    lag += BigInt(end.offset) - from;
  }
  return Number(lag);
};
