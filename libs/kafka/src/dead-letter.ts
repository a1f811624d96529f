import type { IHeaders, Message } from 'kafkajs';

/** Header names a dead-lettered record carries, besides its original headers. */
export const DLQ_HEADERS = {
  originTopic: 'x-dlq-origin-topic',
  originPartition: 'x-dlq-origin-partition',
  originOffset: 'x-dlq-origin-offset',
  reason: 'x-dlq-reason',
  errorClass: 'x-dlq-error-class',
  attempts: 'x-dlq-attempts',
  failedAt: 'x-dlq-failed-at',
  consumerGroup: 'x-dlq-consumer-group',
} as const;

/** Where a record came from and why it failed. */
export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  /** Human-readable cause, e.g. `decode failed: Message encoded with magic byte 7, expected 0`. */
  reason: string;
  /**
   * `decode` (the value did not decode), `permanent` (the handler threw a non-retriable error for
   * this record after isolation) or `rejected` (the handler returned the record as a dead letter).
   */
  errorClass: string;
  attempts: number;
  /** When it was dead-lettered, ms since the Unix epoch. */
  failedAt: number;
}

/**
 * Builds the dead-letter message for a record: original key, value bytes and headers untouched (so a
 * redrive reproduces the record exactly), plus the `x-dlq-*` origin headers. Reasons are cut to 1 KiB.
 */
export const toDeadLetterMessage = (
  original: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
  origin: DeadLetterOrigin,
): Message => ({
  key: original.key,
  value: original.value,
  headers: {
    ...(original.headers ?? {}),
    [DLQ_HEADERS.originTopic]: origin.topic,
    [DLQ_HEADERS.originPartition]: String(origin.partition),
    [DLQ_HEADERS.originOffset]: origin.offset,
    [DLQ_HEADERS.reason]: origin.reason.slice(0, 1024),
    [DLQ_HEADERS.errorClass]: origin.errorClass,
    [DLQ_HEADERS.attempts]: String(origin.attempts),
    [DLQ_HEADERS.failedAt]: String(origin.failedAt),
    [DLQ_HEADERS.consumerGroup]: origin.consumerGroup,
  },
});
