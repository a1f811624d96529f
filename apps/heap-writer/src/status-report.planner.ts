import type { IntegrationStatus } from '@hubheap/schemas';

/** Events Heap accepted for one tenant, not reported yet. Times in ms epoch. */
export interface TenantWrites {
  portalId: number;
  appId: string;
  eventsWritten: number;
  firstWrittenAt: number;
  lastWrittenAt: number;
}

const tenantKey = (portalId: number, appId: string): string => `${portalId}:${appId}`;

/**
 * Decides when heap-writer reports on `integration.status.v1` (no I/O; the reporter sends what `due`
 * returns). Per (portalId, app_id): the first write in this process is due at once (control-api turns it
 * into "Connected"), later ones at most once per `intervalMs`, summed. A failed send is handed back with
 * `requeue` so no count is lost.
 */
export class StatusReportPlanner {
  private readonly pending = new Map<string, TenantWrites>();
  private readonly lastReportAt = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly reporter: string,
  ) {}

  /** Adds events Heap accepted at `now` (ms): one entry per event (its portalId and app_id). */
  written(events: ReadonlyArray<{ portalId: number; appId: string }>, now: number): void {
    for (const { portalId, appId } of events) {
      const key = tenantKey(portalId, appId);
      const tally = this.pending.get(key);
      if (tally) {
        tally.eventsWritten += 1;
        tally.lastWrittenAt = now;
      } else
        this.pending.set(key, { portalId, appId, eventsWritten: 1, firstWrittenAt: now, lastWrittenAt: now });
    }
  }

  /** Reports due at `now` (ms), removed from pending and marked reported. */
  due(now: number): IntegrationStatus[] {
    const reports: IntegrationStatus[] = [];
    for (const [key, tally] of this.pending) {
      const last = this.lastReportAt.get(key);
      if (last !== undefined && now - last < this.intervalMs) continue;
      this.pending.delete(key);
      this.lastReportAt.set(key, now);
      reports.push({ ...tally, reporter: this.reporter });
    }
    return reports;
  }

  /** Puts reports whose send failed back into pending (merged with newer writes), due again at once. */
  requeue(reports: ReadonlyArray<IntegrationStatus>): void {
    for (const report of reports) {
      const key = tenantKey(report.portalId, report.appId);
      const newer = this.pending.get(key);
      this.pending.set(key, {
        portalId: report.portalId,
        appId: report.appId,
        eventsWritten: report.eventsWritten + (newer?.eventsWritten ?? 0),
        firstWrittenAt: report.firstWrittenAt,
        lastWrittenAt: newer?.lastWrittenAt ?? report.lastWrittenAt,
      });
      this.lastReportAt.delete(key);
    }
  }

  /** Tenants with writes not reported yet. */
  pendingCount(): number {
    return this.pending.size;
  }
}
