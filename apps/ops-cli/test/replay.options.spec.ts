import { HEAP_TRACK_EVENTS, HUBSPOT_EMAIL_EVENTS, CONSUMER_GROUPS } from '@hubheap/schemas';
import {
  formatPlanLine,
  parseReplayOptions,
  parseTimestamp,
  resolveGroup,
} from '../src/replay/replay.options';

describe('replay options', () => {
  it('resolves a group by id or by app name, from the catalogue', () => {
    expect(resolveGroup('heap-writer', CONSUMER_GROUPS).groupId).toBe('heap-writer.track-events');
    expect(resolveGroup('identity-resolution.email-events', CONSUMER_GROUPS).app).toBe('identity-resolution');
  });

  it('rejects an unknown group listing the real ones', () => {
    expect(() => resolveGroup('heap_writer', CONSUMER_GROUPS)).toThrow(
      'unknown consumer group "heap_writer"; known groups: identity-resolution.email-events (identity-resolution), heap-writer.track-events (heap-writer)',
    );
  });

  it.each([
    ['1735689600000', 1_735_689_600_000],
    ['2025-01-01T00:00:00Z', 1_735_689_600_000],
    ['2025-01-01T01:00:00+01:00', 1_735_689_600_000],
  ])('parses --to-timestamp %s', (text, ms) => expect(parseTimestamp(text)).toBe(ms));

  it('rejects a timestamp that is neither', () =>
    expect(() => parseTimestamp('yesterday')).toThrow(/neither ms/));

  it('builds a request with the group topics, partitions and target', () => {
    expect(
      parseReplayOptions(
        { group: 'heap-writer', partition: ['0', '2'], toOffset: '40', dryRun: true },
        CONSUMER_GROUPS,
      ),
    ).toMatchObject({
      topics: [HEAP_TRACK_EVENTS.name],
      partitions: [0, 2],
      target: { kind: 'offset', offset: '40' },
      dryRun: true,
    });
  });

  it.each([
    [{ group: 'heap-writer' }, /exactly one of/],
    [{ group: 'heap-writer', toBeginning: true, toOffset: '3' }, /exactly one of/],
    [{ group: 'heap-writer', toOffset: '-1' }, /not a non-negative integer/],
    [{ group: 'heap-writer', toBeginning: true, partition: ['x'] }, /not a partition number/],
    [
      { group: 'heap-writer', toBeginning: true, topic: HUBSPOT_EMAIL_EVENTS.name },
      /does not read hubspot.email-events.v1; it reads heap.track-events.v1/,
    ],
    [{ group: 'heap-writer', toBeginning: true, freshGroup: 'heap-writer.track-events' }, /must differ/],
  ])('rejects %j', (options, message) =>
    expect(() => parseReplayOptions(options, CONSUMER_GROUPS)).toThrow(message),
  );

  it.each([
    [
      { partition: 0, from: '120', to: '40', recordsToReRead: 80, recordsSkipped: 0, clamped: false },
      't[0]: committed 120 → 40 (80 records to re-read)',
    ],
    [
      { partition: 1, from: '40', to: '120', recordsToReRead: 0, recordsSkipped: 80, clamped: false },
      't[1]: committed 40 → 120 (80 records skipped)',
    ],
    [
      { partition: 2, from: null, to: '0', recordsToReRead: 0, recordsSkipped: 0, clamped: true },
      't[2]: committed none → 0 (nothing committed yet, nothing to re-read; offset clamped to the retained range)',
    ],
    [
      { partition: 3, from: '5', to: '5', recordsToReRead: 0, recordsSkipped: 0, clamped: false },
      't[3]: committed 5 → 5 (no change)',
    ],
  ])('formats %j', (plan, line) => expect(formatPlanLine('t', plan)).toBe(line));
});
