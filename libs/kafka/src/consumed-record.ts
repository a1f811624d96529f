import type { IHeaders } from 'kafkajs';

/** A decoded record as handlers see it. */
export interface ConsumedRecord<V> {
  topic: string;
  partition: number;
  /** Kafka offset, a decimal string (int64). */
  offset: string;
  key: string | null;
  value: V;
  headers: Record<string, string>;
  /** Broker/producer timestamp of the record, ms since the Unix epoch. */
  timestamp: number;
}

/** What a handler decided about a batch it processed without a transient failure. */
export interface BatchOutcome<V> {
  /** Records to send to `<topic>.dlq` (with their reason) instead of processing them. */
  deadLetters?: Array<{ record: ConsumedRecord<V>; reason: string }>;
}

/** Processes a batch of decoded records from one partition, in offset order. */
export type BatchHandler<V> = (
  records: ConsumedRecord<V>[],
  context: { heartbeat: () => Promise<void> },
) => Promise<BatchOutcome<V> | void>;

/** kafkajs headers (Buffer | string | arrays) as plain strings; arrays keep their last value. */
export const headersToStrings = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
};
