/**
 * Reads segment-export's last sync run per segment (`GET /segments/:portalId/:segmentId/runs?limit=1`,
 * apps/segment-export/src/http/segments.controller.ts) for the destination status. Any failure —
 * timeout, connection refused, non-2xx, unexpected body — gives `null` for that segment: status pages
 * must not fail because segment-export is down.
 */
export class SegmentRunsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** segmentId → the newest run object (segment-export's run view) or null. Calls run in parallel. */
  async lastRuns(portalId: number, segmentIds: ReadonlyArray<string>): Promise<Map<string, object | null>> {
    const entries = await Promise.all(
      segmentIds.map(async (segmentId) => [segmentId, await this.lastRun(portalId, segmentId)] as const),
    );
    return new Map(entries);
  }

  private async lastRun(portalId: number, segmentId: string): Promise<object | null> {
    try {
      const url = `${this.baseUrl.replace(/\/$/, '')}/segments/${portalId}/${encodeURIComponent(segmentId)}/runs?limit=1`;
      const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) return null;
      const body = (await res.json()) as { runs?: unknown };
      const [run] = Array.isArray(body.runs) ? body.runs : [];
      return run !== null && typeof run === 'object' ? run : null;
    } catch {
      return null;
    }
  }
}
