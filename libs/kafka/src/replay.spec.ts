import {
  planGroupReset,
  recordsToReRead,
  ReplayPlanError,
  type GroupResetInput,
  type PartitionOffset,
} from './replay';

const offsets = (...values: string[]): PartitionOffset[] =>
  values.map((offset, partition) => ({ partition, offset }));

// Three partitions: retained [10, 200), [0, 50), [0, 0) (empty).
const base: Omit<GroupResetInput, 'target'> = {
  committed: offsets('120', '50', '-1'),
  earliest: offsets('10', '0', '0'),
  latest: offsets('200', '50', '0'),
  atTimestamp: offsets('150', '-1', '-1'),
};

describe('planGroupReset', () => {
  it.each([
    [
      'beginning',
      { kind: 'beginning' } as const,
      [
        { partition: 0, from: '120', to: '10', recordsToReRead: 110, recordsSkipped: 0, clamped: false },
        { partition: 1, from: '50', to: '0', recordsToReRead: 50, recordsSkipped: 0, clamped: false },
        { partition: 2, from: null, to: '0', recordsToReRead: 0, recordsSkipped: 0, clamped: false },
      ],
    ],
    [
      'timestamp (no record that recent → the end)',
      { kind: 'timestamp', ms: 1_700_000_000_000 } as const,
      [
        { partition: 0, from: '120', to: '150', recordsToReRead: 0, recordsSkipped: 30, clamped: false },
        { partition: 1, from: '50', to: '50', recordsToReRead: 0, recordsSkipped: 0, clamped: false },
        { partition: 2, from: null, to: '0', recordsToReRead: 0, recordsSkipped: 0, clamped: false },
      ],
    ],
    [
      'offset, clamped into the retained range',
      { kind: 'offset', offset: '40' } as const,
      [
        { partition: 0, from: '120', to: '40', recordsToReRead: 80, recordsSkipped: 0, clamped: false },
        { partition: 1, from: '50', to: '40', recordsToReRead: 10, recordsSkipped: 0, clamped: false },
        { partition: 2, from: null, to: '0', recordsToReRead: 0, recordsSkipped: 0, clamped: true },
      ],
    ],
    [
      'offset below the earliest retained',
      { kind: 'offset', offset: '0' } as const,
      [
        { partition: 0, from: '120', to: '10', recordsToReRead: 110, recordsSkipped: 0, clamped: true },
        { partition: 1, from: '50', to: '0', recordsToReRead: 50, recordsSkipped: 0, clamped: false },
        { partition: 2, from: null, to: '0', recordsToReRead: 0, recordsSkipped: 0, clamped: false },
      ],
    ],
  ])('%s', (_name, target, expected) => {
    expect(planGroupReset({ ...base, target })).toEqual(expected);
  });

  it('plans only the selected partitions, sorted and deduplicated', () => {
    const plan = planGroupReset({ ...base, target: { kind: 'beginning' }, partitions: [1, 0, 1] });
    expect(plan.map((p) => p.partition)).toEqual([0, 1]);
    expect(recordsToReRead(plan)).toBe(160);
  });

  it('treats a partition missing from the committed list as never committed', () => {
    const [plan] = planGroupReset({ ...base, committed: [], target: { kind: 'beginning' }, partitions: [0] });
    expect(plan).toMatchObject({ from: null, to: '10', recordsToReRead: 0 });
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const [plan] = planGroupReset({
      target: { kind: 'offset', offset: '9007199254740993' },
      committed: offsets('9007199254740995'),
      earliest: offsets('0'),
      latest: offsets('9007199254740999'),
    });
    expect(plan).toMatchObject({ from: '9007199254740995', to: '9007199254740993', recordsToReRead: 2 });
  });

  it.each([
    [
      'an unknown partition',
      { target: { kind: 'beginning' }, partitions: [7] },
      /no partition 7 \(the topic has 0, 1, 2\)/,
    ],
    [
      'a timestamp without atTimestamp',
      { target: { kind: 'timestamp', ms: 1 }, atTimestamp: undefined },
      /needs atTimestamp/,
    ],
    ['a negative offset', { target: { kind: 'offset', offset: '-3' } }, /non-negative integer/],
  ] as const)('rejects %s', (_name, override, message) => {
    expect(() => planGroupReset({ ...base, ...override } as GroupResetInput)).toThrow(ReplayPlanError);
    expect(() => planGroupReset({ ...base, ...override } as GroupResetInput)).toThrow(message);
  });
});
