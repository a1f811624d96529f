import type { IntegrationStatus } from '@hubheap/schemas';

/** Summed reports of one (portalId, app_id) within a batch; times in ms since the epoch. */
export interface StatusDelta {
  portalId: number;
  appId: string;
  eventsWritten: number;
  firstWrittenAt: number;
  lastWrittenAt: number;
}

const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** Why a report cannot be stored (it goes to `integration.status.v1.dlq`), or null when it is fine. */
export const invalidStatusReport = (r: IntegrationStatus): string | null => {
  if (!Number.isSafeInteger(r.portalId) || r.portalId <= 0) return 'portalId must be a positive integer';
  if (r.appId.trim() === '') return 'appId is empty';
  if (!Number.isSafeInteger(r.eventsWritten) || r.eventsWritten < 0) return 'eventsWritten must be ≥ 0';
  for (const t of [r.firstWrittenAt, r.lastWrittenAt]) {
    if (!Number.isSafeInteger(t) || t < 0 || t > MAX_MS) return 'firstWrittenAt/lastWrittenAt out of range';
  }
  return null;
};

/**
 * Folds `integration.status.v1` reports into one delta per (portalId, app_id): events summed, earliest
 * first and latest last write. The store applies each delta with LEAST/GREATEST and a sum, so order of
 * batches does not matter (a redelivered batch adds its count again; counts are indicative).
 */
export const foldStatusReports = (reports: ReadonlyArray<IntegrationStatus>): StatusDelta[] => {
  const byTenant = new Map<string, StatusDelta>();
  for (const r of reports) {
    const key = `${r.portalId}:${r.appId}`;
    const seen = byTenant.get(key);
    if (!seen) {
      byTenant.set(key, {
        portalId: r.portalId,
        appId: r.appId,
        eventsWritten: r.eventsWritten,
        firstWrittenAt: r.firstWrittenAt,
        lastWrittenAt: r.lastWrittenAt,
      });
    } else {
      seen.eventsWritten += r.eventsWritten;
      seen.firstWrittenAt = Math.min(seen.firstWrittenAt, r.firstWrittenAt);
      seen.lastWrittenAt = Math.max(seen.lastWrittenAt, r.lastWrittenAt);
    }
  }
  return [...byTenant.values()];
};
