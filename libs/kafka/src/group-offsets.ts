import { type Kafka, KafkaJSNonRetriableError } from 'kafkajs';

/** Group states in which nobody consumes, so committed offsets are not overwritten (Kafka's `Empty`/`Dead`). */
const IDLE_STATES = new Set(['Empty', 'Dead']);

/** How long the positioning consumer's fetches wait (ms); kafkajs' admin uses its 5 s default. */
const POSITIONING_FETCH_WAIT_MS = 50;

/** Positioning attempts before giving up (a seek's commit can fail silently, see below). */
const POSITIONING_ATTEMPTS = 5;

/**
 * Commits `partitions[].offset` (decimal strings) for consumer group `groupId` on `topic`, so that the
 * group's next member starts there. Same mechanism as kafkajs `admin.setOffsets` (a consumer that
 * joins the group, pauses, seeks, lets the seeks commit on its first fetch, and leaves), but with
 * 50 ms fetches instead of 5 s, so a call takes about a group join rather than 5 s. kafkajs swallows a
 * failed seek commit (e.g. on a just-created topic whose leader is not known yet) and still reports the
 * fetch, so the committed offsets are read back and the positioning repeated until they match.
 * @throws KafkaJSNonRetriableError when the group has live members (their next commit would overwrite
 *   ours); an Error when the offsets are still not committed after 5 attempts; kafkajs errors when the
 *   broker or the topic is unavailable.
 */
export const commitGroupOffsets = async (
  kafka: Kafka,
  groupId: string,
  topic: string,
  partitions: ReadonlyArray<{ partition: number; offset: string }>,
): Promise<void> => {
  if (partitions.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      await positionOnce(kafka, groupId, topic, partitions);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
      if (partitions.every((p) => byPartition.get(p.partition) === p.offset)) return;
      if (attempt >= POSITIONING_ATTEMPTS)
        throw new Error(
          `consumer group ${groupId} on ${topic}: offsets not committed after ${attempt} attempts`,
        );
    }
  } finally {
    await admin.disconnect();
  }
};

const positionOnce = async (
  kafka: Kafka,
  groupId: string,
  topic: string,
  partitions: ReadonlyArray<{ partition: number; offset: string }>,
): Promise<void> => {
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: POSITIONING_FETCH_WAIT_MS,
    retry: { restartOnFailure: async () => false },
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const { state } = await consumer.describeGroup();
    if (!IDLE_STATES.has(state))
      throw new KafkaJSNonRetriableError(
        `consumer group ${groupId} must have no running members to be positioned, state: ${state}`,
      );
    await new Promise<void>((resolve, reject) => {
      // The seeks are committed (autoCommit) when the first fetch after the join resolves them.
      consumer.on(consumer.events.FETCH, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => undefined }).catch(reject);
      consumer.pause([{ topic }]);
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
    });
  } finally {
    await consumer.disconnect();
  }
};
