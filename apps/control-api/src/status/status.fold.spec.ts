import { foldStatusReports, invalidStatusReport } from './status.fold';

const report = (portalId: number, appId: string, n: number, first: number, last: number) => ({
  portalId,
  appId,
  eventsWritten: n,
  firstWrittenAt: first,
  lastWrittenAt: last,
  reporter: 'host:1',
});

describe('foldStatusReports', () => {
  it('sums per (portalId, app_id) and keeps the earliest first and latest last write', () => {
    expect(
      foldStatusReports([
        report(1, 'a', 2, 50, 60),
        report(2, 'b', 1, 10, 10),
        report(1, 'a', 3, 40, 55),
        report(1, 'z', 1, 1, 1),
      ]),
    ).toEqual([
      { portalId: 1, appId: 'a', eventsWritten: 5, firstWrittenAt: 40, lastWrittenAt: 60 },
      { portalId: 2, appId: 'b', eventsWritten: 1, firstWrittenAt: 10, lastWrittenAt: 10 },
      { portalId: 1, appId: 'z', eventsWritten: 1, firstWrittenAt: 1, lastWrittenAt: 1 },
    ]);
  });

  it('an empty batch gives nothing', () => {
    expect(foldStatusReports([])).toEqual([]);
  });
});

describe('invalidStatusReport', () => {
  it.each([
    [report(0, 'a', 1, 1, 1), /portalId/],
    [report(1, ' ', 1, 1, 1), /appId/],
    [report(1, 'a', -1, 1, 1), /eventsWritten/],
    [report(1, 'a', 1, -5, 1), /range/],
    [report(1, 'a', 1, 1, 1e17), /range/],
  ])('%#: refuses %j', (r, reason) => {
    expect(invalidStatusReport(r)).toMatch(reason);
  });

  it('accepts a normal report', () => {
    expect(invalidStatusReport(report(62515, '1234', 10, 1_700_000_000_000, 1_700_000_001_000))).toBeNull();
  });
});
