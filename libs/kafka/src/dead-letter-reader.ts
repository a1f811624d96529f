import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { deadLetterTopic } from '@hubheap/schemas';
import type { KafkaPlatform } from './kafka-platform';
import { headersToStrings } from './consumed-record';
import { DLQ_HEADERS } from './dead-letter';
import { describeError } from './errors';

/** One record read by {@link readTopicSnapshot}, bytes untouched. `offset` is a decimal string. */
export interface RawRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /** Broker/producer timestamp, ms since the Unix epoch, as kafkajs gives it (decimal string). */
  timestamp: string;
}

/**
 * Reads every record of `topic` from the earliest retained offset up to the end offsets taken at call
 * time (records produced meanwhile are not included), sorted by partition then offset. Uses a
 * throwaway consumer group that never commits and is deleted afterwards. Returns [] when the topic
 * does not exist or is empty. Throws when the end is not reached within `timeoutMs` (default 30 s).
 */
export const readTopicSnapshot = async (
  platform: KafkaPlatform,
  topic: string,
  timeoutMs = 30_000,
): Promise<RawRecord[]> => {
  const admin = await platform.admin();
  if (!(await admin.listTopics()).includes(topic)) return [];
  const ends = await admin.fetchTopicOffsets(topic);
  const pending = new Map(
    ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]),
  );
  if (pending.size === 0) return [];

  const { clientId, brokers } = platform.config;
  const kafka = new Kafka({ clientId: `${clientId}.snapshot`, brokers, logLevel: logLevel.NOTHING });
  const groupId = `${clientId}.snapshot-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  const records: RawRecord[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = pending.get(batch.partition);
        if (end === undefined) return;
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          records.push({
            partition: batch.partition,
            offset: m.offset,
            key: m.key ?? null,
            value: m.value ?? null,
            headers: m.headers ?? {},
            timestamp: m.timestamp,
          });
        }
        // lastOffset() counts filtered control records too, so transaction markers do not stall us.
        if (BigInt(batch.lastOffset()) + 1n >= end) pending.delete(batch.partition);
        if (pending.size === 0) finish();
      },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms reading ${topic} to its end offsets`)),
        timeoutMs,
      );
    });
    await Promise.race([finished, timeout]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
};

/** A dead-lettered record with its origin (from the `x-dlq-*` headers) and, when it decodes, its value. */
export interface DeadLetterRecord {
  /** The `.dlq` topic it was read from, its partition there and its offset there (decimal string). */
  dlqTopic: string;
  partition: number;
  offset: string;
  /** Key as UTF-8 text (null when absent); `raw.key` keeps the bytes. */
  key: string | null;
  originTopic: string;
  originPartition: number;
  /** Offset in the origin topic, decimal string. */
  originOffset: string;
  reason: string;
  /** `decode`, `permanent` or `rejected` (see DeadLetterOrigin). */
  errorClass: string;
  attempts: number;
  /** When it was dead-lettered, ms since the Unix epoch (NaN when the header is missing). */
  failedAt: number;
  consumerGroup: string;
  /** The original value bytes (Confluent-framed Avro, or whatever poison was produced). */
  value: Buffer | null;
  /** The original headers (without `x-dlq-*`), as strings. */
  headers: Record<string, string>;
  /** The decoded value when `decode` was asked and it decoded. */
  decoded?: unknown;
  /** Why decoding failed, when `decode` was asked and it failed. */
  decodeError?: string;
  /** The record exactly as stored in the `.dlq` topic, for redrives. */
  raw: RawRecord;
}

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

/** True for the `x-dlq-*` origin headers the dead-letter writer adds. */
export const isDeadLetterHeader = (name: string): boolean =>
  DLQ_HEADER_NAMES.has(name) || name.startsWith('x-dlq-');

/** Maps a raw `.dlq` record to a DeadLetterRecord (pure; no decoding). Missing headers become ''/NaN. */
export const toDeadLetterRecord = (dlqTopic: string, raw: RawRecord): DeadLetterRecord => {
  const all = headersToStrings(raw.headers);
  const header = (name: string) => all[name] ?? '';
  return {
    dlqTopic,
    partition: raw.partition,
    offset: raw.offset,
    key: raw.key ? raw.key.toString('utf8') : null,
    originTopic: header(DLQ_HEADERS.originTopic),
    originPartition: Number(header(DLQ_HEADERS.originPartition) || NaN),
    originOffset: header(DLQ_HEADERS.originOffset),
    reason: header(DLQ_HEADERS.reason),
    errorClass: header(DLQ_HEADERS.errorClass),
    attempts: Number(header(DLQ_HEADERS.attempts) || NaN),
    failedAt: Number(header(DLQ_HEADERS.failedAt) || NaN),
    consumerGroup: header(DLQ_HEADERS.consumerGroup),
    value: raw.value,
    headers: Object.fromEntries(Object.entries(all).filter(([name]) => !isDeadLetterHeader(name))),
    raw,
  };
};

/**
 * Reads every record of `<originTopic>.dlq` up to its end at call time (see {@link readTopicSnapshot}),
 * in partition/offset order. With `decode` (default true) each value is decoded through the serde's
 * registry; a value that does not decode (poison bytes, unknown schema id, tombstone) keeps its bytes and
 * gets `decodeError`. Returns [] when the dead-letter topic does not exist.
 */
export const readDeadLetters = async (
  platform: KafkaPlatform,
  originTopic: string,
  options: { decode?: boolean; timeoutMs?: number } = {},
): Promise<DeadLetterRecord[]> => {
  const dlqTopic = deadLetterTopic(originTopic);
  const records = (await readTopicSnapshot(platform, dlqTopic, options.timeoutMs)).map((raw) =>
    toDeadLetterRecord(dlqTopic, raw),
  );
  if (options.decode === false) return records;
  for (const record of records) {
    try {
      if (!record.value) throw new Error('record has no value (tombstone)');
      record.decoded = await platform.serde.decode(record.value);
    } catch (error) {
      record.decodeError = describeError(error);
    }
  }
  return records;
};
