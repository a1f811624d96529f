import { deadLetterAddress, type DeadLetterRecord, type RedriveMarker, markerKey } from '@hubheap/kafka';

/** Parses a dead-letter address given on the command line: `<offset>` (partition 0) or `<partition>:<offset>`. */
export const parseDlqOffset = (text: string): { partition: number; offset: string } => {
  const match = /^(?:(\d+):)?(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a dead-letter offset (<offset> or <partition>:<offset>)`);
  return { partition: Number(match[1] ?? 0), offset: match[2]! };
};

const isoOrDash = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : '-');

const cut = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;

/**
 * The `dlq list` table: dlq offset, origin `t[p]@o`, error class, reason (cut to 60 characters),
 * failed at (ISO 8601) and when it was redriven, one row per dead letter, columns padded.
 */
export const formatDeadLetterTable = (
  records: ReadonlyArray<DeadLetterRecord>,
  markers: ReadonlyMap<string, RedriveMarker>,
): string[] => {
  const rows = records.map((r) => [
    r.partition === 0 ? r.offset : `${r.partition}:${r.offset}`,
    `${r.originTopic}[${r.originPartition}]@${r.originOffset}`,
    r.errorClass,
    cut(r.reason.replace(/\s+/g, ' '), 60),
    isoOrDash(r.failedAt),
    markers.get(markerKey(r))?.dlqTimestamp === r.raw.timestamp ? markers.get(markerKey(r))!.redrivenAt : '-',
  ]);
  const header = ['DLQ OFFSET', 'ORIGIN', 'ERROR CLASS', 'REASON', 'FAILED AT', 'REDRIVEN AT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows].map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
};

/** JSON for `dlq inspect`: Buffers as base64, bigints as decimal strings. */
const replacer = (_key: string, value: unknown): unknown => {
  if (typeof value === 'bigint') return value.toString();
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
};

/**
 * Everything about one dead letter, for `dlq inspect`: where it is, its origin, why and when it failed,
 * its decoded value (or the bytes as base64 with the decode error), its headers, and its redrive marker.
 */
export const inspectView = (
  record: DeadLetterRecord,
  marker: RedriveMarker | undefined,
): Record<string, unknown> => ({
  deadLetter: deadLetterAddress(record),
  origin: { topic: record.originTopic, partition: record.originPartition, offset: record.originOffset },
  consumerGroup: record.consumerGroup,
  errorClass: record.errorClass,
  reason: record.reason,
  attempts: record.attempts,
  failedAt: isoOrDash(record.failedAt),
  key: record.key,
  ...(record.decodeError === undefined
    ? { value: record.decoded }
    : { valueBase64: record.value?.toString('base64') ?? null, decodeError: record.decodeError }),
  headers: record.headers,
  dlqHeaders: Object.fromEntries(
    Object.entries(record.raw.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? String(value.at(-1)) : String(value),
    ]),
  ),
  redriven: marker && marker.dlqTimestamp === record.raw.timestamp ? marker : null,
});

/** Pretty JSON of {@link inspectView}. */
export const formatInspect = (view: Record<string, unknown>): string => JSON.stringify(view, replacer, 2);
