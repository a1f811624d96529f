import type { HeapStoredEvent } from '@hubheap/testing';

/** What the Heap fake should end up holding for one HubSpot event. */
export interface ExpectedHeapEvent {
  idempotencyKey: string;
  identity: string;
  event: string;
  timestamp: string;
}

/** The suite's verdict; see docs/runbook-faults.md "Reading the output". */
export interface FaultReport {
  sent: number;
  expected: number;
  uniqueInHeap: number;
  /** Repeats the fake absorbed by idempotency key (retries and replays; harmless, counted for cost). */
  absorbedDuplicates: number;
  /** Same key stored twice (impossible in a correct fake; a check on the check). */
  duplicatesByKey: number;
  /** Same identity + event + timestamp stored more often than expected, under different keys. */
  duplicatesByContent: number;
  missing: string[];
  /** Stored keys of this app that no expected event has. */
  unexpected: string[];
}

const contentOf = (e: { identity?: string; event: string; timestamp: string }): string =>
  `${e.identity ?? ''}|${e.event}|${e.timestamp}`;

const countBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

/** Compares what Heap stored with what it should hold. Pure. */
export const buildFaultReport = (
  sent: number,
  expected: readonly ExpectedHeapEvent[],
  stored: readonly HeapStoredEvent[],
  absorbedDuplicates: number,
): FaultReport => {
  const storedKeys = countBy(stored, (e) => String(e.idempotencyKey));
  const expectedKeys = new Set(expected.map((e) => e.idempotencyKey));
  const expectedContent = countBy(expected, contentOf);
  let duplicatesByContent = 0;
  for (const [content, n] of countBy(stored, contentOf)) {
    duplicatesByContent += Math.max(0, n - (expectedContent.get(content) ?? 0));
  }
  return {
    sent,
    expected: expected.length,
    uniqueInHeap: storedKeys.size,
    absorbedDuplicates,
    duplicatesByKey: [...storedKeys.values()].reduce((sum, n) => sum + n - 1, 0),
    duplicatesByContent,
    missing: expected.filter((e) => !storedKeys.has(e.idempotencyKey)).map((e) => e.idempotencyKey),
    unexpected: [...storedKeys.keys()].filter((k) => !expectedKeys.has(k)),
  };
};
