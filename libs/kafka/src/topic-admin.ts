import type { Admin } from 'kafkajs';
import { type TopicContract, deadLetterTopic } from '@hubheap/schemas';

/**
 * Creates each contract's topic and its `<topic>.dlq` when missing (idempotent; existing topics are
 * left as they are). The dead-letter topic takes the topic's configs except `cleanup.policy` (never compacted). Replication factor 1 suits the local single-node stack; set `replicationFactor`
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
      {
        topic: deadLetterTopic(c.name),
        numPartitions: 1,
        configEntries: entries(deadLetterConfig(c.config)),
      },
    ])
    .filter((t) => !existing.has(t.topic))
    .map((t) => ({ ...t, replicationFactor }));
  if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
};

/**
 * A dead-letter topic keeps its topic's retention but is never compacted: compaction would keep only
 * the last dead letter per key, and every dead letter must stay until an operator handled it.
 */
const deadLetterConfig = (config: Readonly<Record<string, string>>): Record<string, string> => {
  const { ['cleanup.policy']: _policy, ...rest } = config;
  return rest;
};

const entries = (config: Readonly<Record<string, string>>) =>
  Object.entries(config).map(([name, value]) => ({ name, value }));
