import type { ConsumedRecord } from '@hubheap/kafka';
import type { HeapTrackEvent, HubSpotContactChange } from '@hubheap/schemas';

/**
 * Why a record waits: `no-identity` (a custom email property with no Heap identity yet) or
 * `source-paused` (its tenant's source toggle is off; see {@link PausedRecord}).
 */
export type PendingReason = 'no-identity' | 'source-paused';

/** What a released record becomes: a Heap track event or a contact change, identity filled in. */
export type PendingOutput =
  | { topic: 'heap.track-events.v1'; value: HeapTrackEvent }
  | { topic: 'hubspot.contact-changes.v1'; value: HubSpotContactChange };

/**
 * One record waiting in `pending_records` for the Heap identity of `email` (normalised) in Heap app
 * `appId`. `origin` is the consumed record as decoded (topic/partition/offset give the release order
 * and the dead-letter origin); `output` is what it becomes once the identity is known.
 */
export interface PendingRecord {
  appId: string;
  portalId: number;
  email: string;
  /** `no-identity` (a stored `source-paused` row reads back as a {@link PendingRecord} with output `null`). */
  reason: PendingReason;
  origin: ConsumedRecord<unknown>;
  output: PendingOutput;
  /** Consumer group that parked it (the `x-dlq-consumer-group` header when it expires). */
  consumerGroup: string;
  /** ms since the Unix epoch. */
  enqueuedAt: number;
}

/**
 * A record of a paused tenant (SETTINGS_SOURCE=topic, `sourceEnabled` false), parked as consumed: it is
 * planned only when it is released (with the settings of that moment), so it has no email or output
 * yet (stored as `''` and JSON `null`). Never expires; dropped when the tenant disconnects.
 */
export interface PausedRecord extends Omit<PendingRecord, 'reason' | 'email' | 'output'> {
  reason: 'source-paused';
  /** The topic it will feed (`heap.track-events.v1` or `hubspot.contact-changes.v1`), for inspection. */
  outputTopic: PendingOutput['topic'];
}

/** The output of a released record with its Heap identity set. Pure. */
export const withIdentity = (output: PendingOutput, identity: string): PendingOutput =>
  output.topic === 'heap.track-events.v1'
    ? { topic: output.topic, value: { ...output.value, identity } }
    : { topic: output.topic, value: { ...output.value, identity } };

/** The dead-letter reason of an expired record: `no Heap identity for <email> after <n> ms`. */
export const expiryReason = (email: string, maxAgeMs: number): string =>
  `no Heap identity for ${email} after ${maxAgeMs} ms`;

/**
 * Which pending records have waited longer than `maxAgeMs` at `now` (ms epoch), oldest first. Pure.
 */
export const expiredPending = <T extends Pick<PendingRecord, 'enqueuedAt'>>(
  rows: readonly T[],
  now: number,
  maxAgeMs: number,
): T[] => rows.filter((r) => now - r.enqueuedAt > maxAgeMs).sort((a, b) => a.enqueuedAt - b.enqueuedAt);
