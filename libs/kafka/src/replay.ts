/** Where a replay moves a consumer group: earliest retained record, first record at/after a time, or an offset. */
export type ReplayTarget =
  | { kind: 'beginning' }
  /** `ms`: ms since the Unix epoch; the group moves to the first record with timestamp ≥ ms. */
  | { kind: 'timestamp'; ms: number }
  /** `offset`: a decimal string (int64), clamped into [earliest, latest] of each partition. */
  | { kind: 'offset'; offset: string };

/** One partition's offset (kafkajs `SeekEntry` shape): `offset` is a decimal string, `-1` = none. */
export interface PartitionOffset {
  partition: number;
  offset: string;
}

/** What {@link planGroupReset} needs; every list is per partition of one topic. */
export interface GroupResetInput {
  target: ReplayTarget;
  /** Only these partitions (default: every partition in `latest`). */
  partitions?: ReadonlyArray<number>;
  /** The group's committed offsets; missing or `-1` = nothing committed. */
  committed: ReadonlyArray<PartitionOffset>;
  /** First retained offset of each partition (low watermark). */
  earliest: ReadonlyArray<PartitionOffset>;
  /** End of each partition (high watermark: where the next record lands). */
  latest: ReadonlyArray<PartitionOffset>;
  /** First offset with timestamp ≥ target.ms (the end when none); required for `timestamp` targets. */
  atTimestamp?: ReadonlyArray<PartitionOffset>;
}

/** The reset of one partition. Offsets are decimal strings. */
export interface PartitionResetPlan {
  partition: number;
  /** Committed offset now, or null when the group committed nothing on this partition. */
  from: string | null;
  /** Offset the group will resume from. */
  to: string;
  /** Records the group already processed and will process again (from − to when moving back). */
  recordsToReRead: number;
  /** Records the group will never process (to − from when moving forward). */
  recordsSkipped: number;
  /** True when an `offset` target fell outside [earliest, latest] and was moved to the nearest bound. */
  clamped: boolean;
}

/** A request the planner cannot satisfy (unknown partition, missing timestamp offsets, bad offset). */
export class ReplayPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayPlanError';
  }
}

const byPartition = (entries: ReadonlyArray<PartitionOffset> | undefined) =>
  new Map((entries ?? []).map((e) => [e.partition, BigInt(e.offset)]));

const clamp = (value: bigint, low: bigint, high: bigint): bigint =>
  value < low ? low : value > high ? high : value;

/**
 * Pure planner of a consumer-group reset on one topic: for each selected partition, where the group is
 * (`from`), where it goes (`to`, clamped to the retained range) and how many records it re-reads or skips.
 * Partitions come out sorted. Throws ReplayPlanError for a partition the topic does not have, a
 * `timestamp` target without `atTimestamp`, or an `offset` that is not a non-negative integer.
 */
export const planGroupReset = (input: GroupResetInput): PartitionResetPlan[] => {
  const latest = byPartition(input.latest);
  const earliest = byPartition(input.earliest);
  const committed = byPartition(input.committed);
  const atTimestamp = byPartition(input.atTimestamp);
  const known = [...latest.keys()].sort((a, b) => a - b);
  const selected =
    input.partitions && input.partitions.length > 0
      ? [...new Set(input.partitions)].sort((a, b) => a - b)
      : known;
  const unknown = selected.filter((p) => !latest.has(p));
  if (unknown.length > 0) {
    throw new ReplayPlanError(
      `no partition ${unknown.join(', ')} (the topic has ${known.length > 0 ? known.join(', ') : 'none'})`,
    );
  }
  if (input.target.kind === 'timestamp' && !input.atTimestamp)
    throw new ReplayPlanError('a timestamp target needs atTimestamp offsets');
  if (input.target.kind === 'offset' && !/^\d+$/.test(input.target.offset)) {
    throw new ReplayPlanError(`offset must be a non-negative integer, got "${input.target.offset}"`);
  }
  return selected.map((partition) => {
    const high = latest.get(partition)!;
    const low = earliest.get(partition) ?? 0n;
    const wanted = targetOffset(input.target, low, high, atTimestamp.get(partition));
    const to = clamp(wanted, low, high);
    const current = committed.get(partition);
    const from = current !== undefined && current >= 0n ? current : null;
    const delta = from === null ? 0n : from - to;
    return {
      partition,
      from: from === null ? null : from.toString(),
      to: to.toString(),
      recordsToReRead: delta > 0n ? Number(delta) : 0,
      recordsSkipped: delta < 0n ? Number(-delta) : 0,
      clamped: to !== wanted,
    };
  });
};

const targetOffset = (
  target: ReplayTarget,
  low: bigint,
  high: bigint,
  atTimestamp: bigint | undefined,
): bigint => {
  switch (target.kind) {
    case 'beginning':
      return low;
    case 'timestamp':
      // The broker answers -1 when no record is that recent: the group then starts at the end.
      return atTimestamp === undefined || atTimestamp < 0n ? high : atTimestamp;
    case 'offset':
      return BigInt(target.offset);
  }
};

/** Total records a plan re-reads, for summaries. */
export const recordsToReRead = (plan: ReadonlyArray<PartitionResetPlan>): number =>
  plan.reduce((sum, p) => sum + p.recordsToReRead, 0);
