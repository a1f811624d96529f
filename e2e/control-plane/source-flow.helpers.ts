import { randomUUID } from 'node:crypto';
import type { HeapFake } from '@hubheap/testing';

/** HubSpot email event type → Heap event name (docs/architecture.md, identity-resolution's mapper). */
const HEAP_EVENT_NAME: Record<string, string> = {
  SENT: 'Sent Email',
  PROCESSED: 'Processed Email',
  DELIVERED: 'Delivered Email',
  DEFERRED: 'Deferred Email',
  BOUNCE: 'Bounced Email',
  DROPPED: 'Dropped Email',
  OPEN: 'Opened Email',
  CLICK: 'Clicked Email Link',
  FORWARD: 'Forwarded Email',
  PRINT: 'Printed Email',
  SPAMREPORT: 'Marked as Spam',
  STATUSCHANGE: 'Changed Email Subscription',
};

/** One Heap track event as the test expects it (computed from the raw HubSpot events, not by the apps). */
export interface ExpectedHeapEvent {
  event: string;
  identity: string;
  timestamp: string;
  idempotency_key: string;
}

const byKey = (a: ExpectedHeapEvent, b: ExpectedHeapEvent) =>
  a.idempotency_key.localeCompare(b.idempotency_key);

/**
 * The Heap events the raw HubSpot email events of `portalId` should become: bot/prefetch-filtered events
 * are not sent (INCLUDE_FILTERED_EVENTS=false, the default); identity is the lower-cased recipient;
 * idempotency key `hs:<portalId>:<created ms>:<id>`. Sorted by idempotency key.
 */
export const expectedHeapEvents = (
  portalId: number,
  raw: ReadonlyArray<Record<string, unknown>>,
): ExpectedHeapEvent[] =>
  raw
    .filter(
      (e) => e['filteredEvent'] !== true && typeof e['type'] === 'string' && e['type'] in HEAP_EVENT_NAME,
    )
    .map((e) => ({
      event: HEAP_EVENT_NAME[e['type'] as string]!,
      identity: String(e['recipient']).trim().toLowerCase(),
      timestamp: new Date(Number(e['created'])).toISOString(),
      idempotency_key: `hs:${portalId}:${Number(e['created'])}:${String(e['id'])}`,
    }))
    .sort(byKey);

/** What the Heap fake accepted for `appId`, in the shape of {@link ExpectedHeapEvent}, sorted by key. */
export const receivedHeapEvents = (heap: HeapFake, appId: string): ExpectedHeapEvent[] =>
  heap
    .events(appId)
    .map((e) => ({
      event: e.event,
      identity: String(e.identity),
      timestamp: String(e.timestamp),
      idempotency_key: String(e.idempotencyKey),
    }))
    .sort(byKey);

/**
 * Copies of `fixtures` with fresh ids and `created` from `startMs` (ms epoch) one ms apart: new events
 * of the same kinds, newer than anything the poller produced before (so its window reaches them).
 */
export const freshEmailEvents = (
  fixtures: ReadonlyArray<Record<string, unknown>>,
  portalId: number,
  startMs: number,
): Record<string, unknown>[] =>
  fixtures.map((e, i) => ({ ...e, portalId, id: randomUUID(), created: startMs + i }));

/**
 * Counter values of a Prometheus text exposition: `name` samples whose labels include every pair of
 * `labels`, summed (0 when none).
 */
export const counterValue = (metricsText: string, name: string, labels: Record<string, string>): number => {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
};
