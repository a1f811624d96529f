import type { Admin } from 'kafkajs';
import { type TopicContract, deadLetterTopic } from '@hubheap/schemas';

/**
 * Creates each contract's topic and its `<topic>.dlq` when missing (idempotent; existing topics are
 * left as they are). Replication factor 1 suits the local single-node stack; set `replicationFactor`
 * for real clusters. Throws kafkajs errors when the broker refuses.
 */
export const ensureTopics = async (
  admin: Admin,
  contracts: ReadonlyArray<TopicContract<unknown>>,
  replicationFactor = 1,
): Promise<void> => {
  const existing = new Set(await admin.listTopics());
  const topics = contracts
    .flatMap((c) => [
      { topic: c.name, numPartitions: c.partitions, configEntries: entries(c.config) },
      { topic: deadLetterTopic(c.name), numPartitions: 1, configEntries: entries(c.config) },
    ])
    .filter((t) => !existing.has(t.topic))
    .map((t) => ({ ...t, replicationFactor }));
  if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
};

const entries = (config: Readonly<Record<string, string>>) =>
  Object.entries(config).map(([name, value]) => ({ name, value }));
