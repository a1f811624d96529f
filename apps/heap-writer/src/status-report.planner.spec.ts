import { StatusReportPlanner } from './status-report.planner';

const T0 = 1_700_000_000_000;
const INTERVAL = 30_000;
const events = (portalId: number, appId: string, n: number) =>
  Array.from({ length: n }, () => ({ portalId, appId }));

describe('StatusReportPlanner', () => {
  it("reports a tenant's first write at once, then at most once per interval, summing the writes", () => {
    const planner = new StatusReportPlanner(INTERVAL, 'host:1');
    planner.written(events(1, 'a', 3), T0);
    expect(planner.due(T0)).toEqual([
      {
        portalId: 1,
        appId: 'a',
        eventsWritten: 3,
        firstWrittenAt: T0,
        lastWrittenAt: T0,
        reporter: 'host:1',
      },
    ]);
    planner.written(events(1, 'a', 2), T0 + 1_000);
    planner.written(events(1, 'a', 1), T0 + 2_000);
    expect(planner.due(T0 + 29_999)).toEqual([]);
    expect(planner.due(T0 + INTERVAL)).toEqual([
      expect.objectContaining({ eventsWritten: 3, firstWrittenAt: T0 + 1_000, lastWrittenAt: T0 + 2_000 }),
    ]);
    expect(planner.due(T0 + 10 * INTERVAL)).toEqual([]); // nothing new written
  });

  it('keeps tenants apart: another portal or app_id has its own first report', () => {
    const planner = new StatusReportPlanner(INTERVAL, 'h:1');
    planner.written([...events(1, 'a', 1), ...events(2, 'b', 2), ...events(1, 'c', 1)], T0);
    expect(
      planner
        .due(T0)
        .map((r) => [r.portalId, r.appId, r.eventsWritten])
        .sort(),
    ).toEqual([
      [1, 'a', 1],
      [1, 'c', 1],
      [2, 'b', 2],
    ]);
  });

  it('a failed send is requeued, merged with newer writes and due again at once', () => {
    const planner = new StatusReportPlanner(INTERVAL, 'h:1');
    planner.written(events(1, 'a', 4), T0);
    const failed = planner.due(T0);
    planner.written(events(1, 'a', 1), T0 + 500);
    planner.requeue(failed);
    expect(planner.due(T0 + 600)).toEqual([
      expect.objectContaining({ eventsWritten: 5, firstWrittenAt: T0, lastWrittenAt: T0 + 500 }),
    ]);
    expect(planner.pendingCount()).toBe(0);
  });
});
