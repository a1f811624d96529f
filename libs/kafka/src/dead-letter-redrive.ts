import type { IHeaders, Message } from 'kafkajs';
import { deadLetterTopic } from '@hubheap/schemas';
import type { KafkaPlatform } from './kafka-platform';
import {
  type DeadLetterRecord,
  isDeadLetterHeader,
  readDeadLetters,
  readTopicSnapshot,
} from './dead-letter-reader';

/** Header a redriven record carries: where it was redriven from, `<dlq topic>[<partition>]@<offset>`. */
export const REDRIVEN_FROM_HEADER = 'x-redriven-from';

/**
 * Compact topic recording what was redriven from `<topic>.dlq`: `<topic>.dlq.redriven`, keyed by
 * `<dlq partition>:<dlq offset>`, value a JSON {@link RedriveMarker}. Created by the first redrive.
 */
export const redriveMarkerTopic = (originTopic: string): string => `${deadLetterTopic(originTopic)}.redriven`;

/** What the marker topic stores about one redriven dead letter. */
export interface RedriveMarker {
  /** When it was redriven, ISO 8601. */
  redrivenAt: string;
  /** Timestamp (ms, decimal string) of the `.dlq` record; a marker only matches a record with the same one. */
  dlqTimestamp: string;
  originTopic: string;
  originPartition: number;
  originOffset: string;
}

/** Marker key of a dead letter: `<dlq partition>:<dlq offset>`. */
export const markerKey = (record: { partition: number; offset: string }): string =>
  `${record.partition}:${record.offset}`;

/** `<dlq topic>[<partition>]@<offset>` of a dead letter. */
export const deadLetterAddress = (
  record: Pick<DeadLetterRecord, 'dlqTopic' | 'partition' | 'offset'>,
): string => `${record.dlqTopic}[${record.partition}]@${record.offset}`;

/**
 * The message a redrive produces back to the origin topic: the original key and value bytes and the
 * original headers, without the `x-dlq-*` headers, plus `x-redriven-from`. A keyed record goes where
 * the partitioner sends its key (so it stays in order with newer records of that key); an unkeyed one
 * goes back to its origin partition.
 */
export const toRedriveMessage = (record: DeadLetterRecord): Message => {
  const headers: IHeaders = Object.fromEntries(
    Object.entries(record.raw.headers).filter(([name]) => !isDeadLetterHeader(name)),
  );
  headers[REDRIVEN_FROM_HEADER] = deadLetterAddress(record);
  const message: Message = { key: record.raw.key, value: record.raw.value, headers };
  if (record.raw.key === null && Number.isInteger(record.originPartition))
    message.partition = record.originPartition;
  return message;
};

/** Which dead letters to redrive: all not yet redriven, or the given ones (`partition` default 0). */
export type RedriveSelection =
  { all: true } | { all?: false; records: ReadonlyArray<{ partition?: number; offset: string }> };

/** What a redrive would do / did. */
export interface RedrivePlan {
  toRedrive: DeadLetterRecord[];
  /** Selected records skipped because a marker says they were redriven already. */
  alreadyRedriven: Array<{ record: DeadLetterRecord; marker: RedriveMarker }>;
  /** Requested `partition:offset`s that are not in the dead-letter topic. */
  missing: string[];
}

/**
 * Pure choice of what to redrive. `force` redrives selected records even when a marker matches them
 * (with `all`, force redrives everything). Markers match on key and on the dlq record's timestamp, so a
 * recreated `.dlq` topic whose offsets restart is not mistaken for one already redriven.
 */
export const planRedrive = (
  records: ReadonlyArray<DeadLetterRecord>,
  markers: ReadonlyMap<string, RedriveMarker>,
  selection: RedriveSelection,
  force = false,
): RedrivePlan => {
  const byKey = new Map(records.map((r) => [markerKey(r), r]));
  const wanted = selection.all
    ? records.map(markerKey)
    : selection.records.map((r) => markerKey({ partition: r.partition ?? 0, offset: r.offset }));
  const plan: RedrivePlan = { toRedrive: [], alreadyRedriven: [], missing: [] };
  for (const key of new Set(wanted)) {
    const record = byKey.get(key);
    if (!record) {
      plan.missing.push(key);
      continue;
    }
    const marker = markers.get(key);
    if (marker && marker.dlqTimestamp === record.raw.timestamp && !force)
      plan.alreadyRedriven.push({ record, marker });
    else plan.toRedrive.push(record);
  }
  return plan;
};

/** Reads the redrive markers of `originTopic` (latest per key; tombstones delete). */
export const readRedriveMarkers = async (
  platform: KafkaPlatform,
  originTopic: string,
): Promise<Map<string, RedriveMarker>> => {
  const markers = new Map<string, RedriveMarker>();
  for (const raw of await readTopicSnapshot(platform, redriveMarkerTopic(originTopic))) {
    const key = raw.key?.toString('utf8');
    if (!key) continue;
    if (raw.value === null) markers.delete(key);
    else markers.set(key, JSON.parse(raw.value.toString('utf8')) as RedriveMarker);
  }
  return markers;
};

/**
 * Redrives dead letters of `originTopic` back to it: reads `<topic>.dlq` and the markers, plans with
 * {@link planRedrive}, then (unless `dryRun`) produces the records to the origin topic (acks=all) and
 * only then writes their markers. A crash between the two leaves records redriven but unmarked, so a
 * rerun may redrive them again: at-least-once, like every consumer here (downstream dedupes on
 * idempotencyKey). Creates the marker topic (compacted, 1 partition) when missing.
 * Throws, before producing anything, when a requested `partition:offset` is not in the dead-letter
 * topic; throws kafkajs errors when the broker refuses.
 */
export const redriveDeadLetters = async (
  platform: KafkaPlatform,
  originTopic: string,
  selection: RedriveSelection,
  options: { dryRun?: boolean; force?: boolean } = {},
): Promise<RedrivePlan> => {
  await platform.admin(); // connected before the parallel reads below share it
  const [records, markers] = await Promise.all([
    readDeadLetters(platform, originTopic, { decode: false }),
    readRedriveMarkers(platform, originTopic),
  ]);
  const plan = planRedrive(records, markers, selection, options.force);
  if (plan.missing.length > 0) {
    throw new Error(
      `no dead letter at ${plan.missing.map((k) => `${deadLetterTopic(originTopic)}[${k.replace(':', ']@')}`).join(', ')}; nothing redriven`,
    );
  }
  if (options.dryRun || plan.toRedrive.length === 0) return plan;
  await ensureMarkerTopic(platform, originTopic);
  const producer = await platform.producer();
  await producer.sendRaw(originTopic, plan.toRedrive.map(toRedriveMessage));
  const redrivenAt = new Date().toISOString();
  await producer.sendRaw(
    redriveMarkerTopic(originTopic),
    plan.toRedrive.map((record) => ({
      key: markerKey(record),
      value: JSON.stringify({
        redrivenAt,
        dlqTimestamp: record.raw.timestamp,
        originTopic: record.originTopic,
        originPartition: record.originPartition,
        originOffset: record.originOffset,
      } satisfies RedriveMarker),
    })),
  );
  return plan;
};

const ensureMarkerTopic = async (platform: KafkaPlatform, originTopic: string): Promise<void> => {
  const admin = await platform.admin();
  const topic = redriveMarkerTopic(originTopic);
  if ((await admin.listTopics()).includes(topic)) return;
  // No replicationFactor: the broker's default.replication.factor applies (1 on the local stack).
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    waitForLeaders: true,
  });
};
