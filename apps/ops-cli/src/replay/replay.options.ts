import type { ConsumerGroupContract } from '@hubheap/schemas';
import type { PartitionResetPlan, ReplayTarget } from '@hubheap/kafka';

/** Raw options of `ops replay`, as commander parses them. */
export interface ReplayCliOptions {
  group: string;
  topic?: string;
  partition?: string[];
  toBeginning?: boolean;
  toTimestamp?: string;
  toOffset?: string;
  dryRun?: boolean;
  freshGroup?: string;
}

/** A validated replay request. */
export interface ReplayRequest {
  group: ConsumerGroupContract;
  topics: string[];
  partitions?: number[];
  target: ReplayTarget;
  dryRun: boolean;
  freshGroup?: string;
}

/**
 * Finds a group by group id or app name. Throws listing the known groups when there is no match, or
 * when an app runs several groups and the name is ambiguous.
 */
export const resolveGroup = (
  nameOrId: string,
  groups: ReadonlyArray<ConsumerGroupContract>,
): ConsumerGroupContract => {
  const byId = groups.find((g) => g.groupId === nameOrId);
  if (byId) return byId;
  const byApp = groups.filter((g) => g.app === nameOrId);
  const known = groups.map((g) => `${g.groupId} (${g.app})`).join(', ');
  if (byApp.length === 1) return byApp[0]!;
  if (byApp.length > 1)
    throw new Error(
      `app ${nameOrId} runs several groups; pass one of: ${byApp.map((g) => g.groupId).join(', ')}`,
    );
  throw new Error(`unknown consumer group "${nameOrId}"; known groups: ${known}`);
};

/** `--to-timestamp`: ms since the epoch (digits) or an ISO 8601 date-time. */
export const parseTimestamp = (text: string): number => {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new Error(`--to-timestamp: "${text}" is neither ms since the epoch nor an ISO 8601 date-time`);
  return ms;
};

const parseTarget = (o: ReplayCliOptions): ReplayTarget => {
  const given = [
    o.toBeginning ? 1 : 0,
    o.toTimestamp !== undefined ? 1 : 0,
    o.toOffset !== undefined ? 1 : 0,
  ].reduce((a, b) => a + b, 0);
  if (given !== 1)
    throw new Error('pass exactly one of --to-beginning, --to-timestamp <ISO|ms>, --to-offset <n>');
  if (o.toBeginning) return { kind: 'beginning' };
  if (o.toTimestamp !== undefined) return { kind: 'timestamp', ms: parseTimestamp(o.toTimestamp) };
  if (!/^\d+$/.test(o.toOffset!))
    throw new Error(`--to-offset: "${o.toOffset}" is not a non-negative integer`);
  return { kind: 'offset', offset: o.toOffset! };
};

/** Validates `ops replay` options against the group catalogue. Throws an operator-readable Error. */
export const parseReplayOptions = (
  o: ReplayCliOptions,
  groups: ReadonlyArray<ConsumerGroupContract>,
): ReplayRequest => {
  const group = resolveGroup(o.group, groups);
  const groupTopics = group.topics.map((t) => t.name);
  if (o.topic !== undefined && !groupTopics.includes(o.topic)) {
    throw new Error(`group ${group.groupId} does not read ${o.topic}; it reads ${groupTopics.join(', ')}`);
  }
  const partitions = o.partition?.map((p) => {
    if (!/^\d+$/.test(p)) throw new Error(`--partition: "${p}" is not a partition number`);
    return Number(p);
  });
  if (o.freshGroup !== undefined && o.freshGroup === group.groupId)
    throw new Error('--fresh-group must differ from the live group');
  return {
    group,
    topics: o.topic !== undefined ? [o.topic] : groupTopics,
    partitions,
    target: parseTarget(o),
    dryRun: o.dryRun === true,
    freshGroup: o.freshGroup,
  };
};

/** One output line per partition: `topic[p]: committed 120 → 40 (80 records to re-read)`. */
export const formatPlanLine = (topic: string, p: PartitionResetPlan): string => {
  const effect =
    p.recordsToReRead > 0
      ? `${p.recordsToReRead} records to re-read`
      : p.recordsSkipped > 0
        ? `${p.recordsSkipped} records skipped`
        : p.from === null
          ? 'nothing committed yet, nothing to re-read'
          : 'no change';
  const clamped = p.clamped ? '; offset clamped to the retained range' : '';
  return `${topic}[${p.partition}]: committed ${p.from ?? 'none'} → ${p.to} (${effect}${clamped})`;
};
