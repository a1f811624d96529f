import type { Admin } from 'kafkajs';
import { planGroupReset, type PartitionResetPlan, type ReplayTarget } from './replay';

/** One live member of a consumer group, as the group coordinator describes it. */
export interface GroupMember {
  memberId: string;
  clientId: string;
  /** e.g. `/127.0.0.1` */
  clientHost: string;
}

/** A consumer group's state (`Empty`, `Dead`, `Stable`, `PreparingRebalance`, ...) and live members. */
export interface GroupMembers {
  groupId: string;
  state: string;
  members: GroupMember[];
}

/** Refusal to move offsets of a group that has live members (its consumers would overwrite them). */
export class GroupHasMembersError extends Error {
  constructor(readonly group: GroupMembers) {
    super(
      `consumer group ${group.groupId} is ${group.state} with ${group.members.length} live member(s): ` +
        `${group.members.map(describeMember).join('; ') || '(joining)'}; stop them first, or replay through a fresh group`,
    );
    this.name = 'GroupHasMembersError';
  }
}

/** Refusal to use a "fresh" replay group that already has members or committed offsets. */
export class ReplayGroupExistsError extends Error {
  constructor(groupId: string, detail: string) {
    super(`replay group ${groupId} is not fresh: ${detail}; pick a new group id`);
    this.name = 'ReplayGroupExistsError';
  }
}

const describeMember = (m: GroupMember): string =>
  `${m.memberId} (client ${m.clientId}, host ${m.clientHost})`;

/**
 * Describes a consumer group: its state and live members (member id, client id, host). A group that
 * never existed comes back as state `Dead` with no members. Throws kafkajs errors when the broker is
 * unreachable.
 */
export const describeGroupMembers = async (admin: Admin, groupId: string): Promise<GroupMembers> => {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups.find((g) => g.groupId === groupId);
  return {
    groupId,
    state: group?.state ?? 'Dead',
    members: (group?.members ?? []).map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
    })),
  };
};

/** True when nobody consumes in the group, so its offsets may be moved. */
const isIdle = (group: GroupMembers): boolean =>
  (group.state === 'Empty' || group.state === 'Dead') && group.members.length === 0;

/**
 * Reads the offsets of `topic` (earliest, latest, committed by `groupId`, and at `target.ms` for a
 * timestamp target) and plans the reset with {@link planGroupReset}. Reads only; changes nothing.
 * Throws when the topic does not exist, or ReplayPlanError for unknown partitions.
 */
export const planGroupResetOnTopic = async (
  admin: Admin,
  groupId: string,
  topic: string,
  target: ReplayTarget,
  partitions?: ReadonlyArray<number>,
): Promise<PartitionResetPlan[]> => {
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`topic ${topic} does not exist`);
  const [ends, committed, atTimestamp] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
    target.kind === 'timestamp'
      ? admin.fetchTopicOffsetsByTimestamp(topic, target.ms)
      : Promise.resolve(undefined),
  ]);
  return planGroupReset({
    target,
    partitions,
    committed: committed[0]?.partitions ?? [],
    earliest: ends.map((e) => ({ partition: e.partition, offset: e.low })),
    latest: ends.map((e) => ({ partition: e.partition, offset: e.high })),
    atTimestamp,
  });
};

/**
 * Commits `plan[].to` for `groupId` on `topic` (admin.setOffsets). Refuses with GroupHasMembersError,
 * naming each member, unless the group is `Empty` or `Dead`: live consumers would overwrite the reset
 * with their next commit. The broker also rejects the commit if a member joins in between.
 */
export const resetGroupOffsets = async (
  admin: Admin,
  groupId: string,
  topic: string,
  plan: ReadonlyArray<PartitionResetPlan>,
): Promise<void> => {
  const group = await describeGroupMembers(admin, groupId);
  if (!isIdle(group)) throw new GroupHasMembersError(group);
  if (plan.length === 0) return;
  await admin.setOffsets({
    groupId,
    topic,
    partitions: plan.map((p) => ({ partition: p.partition, offset: p.to })),
  });
};

/**
 * Creates `newGroupId` positioned for a replay of `topic` without touching the live group: planned
 * partitions start at `plan[].to`; the topic's other partitions start at their end, so only what was
 * asked is re-read. Refuses with ReplayGroupExistsError when `newGroupId` has members or any committed
 * offset on `topic`. Returns the offsets committed, per partition (decimal strings).
 */
export const createReplayGroup = async (
  admin: Admin,
  newGroupId: string,
  topic: string,
  plan: ReadonlyArray<PartitionResetPlan>,
): Promise<Array<{ partition: number; offset: string }>> => {
  const group = await describeGroupMembers(admin, newGroupId);
  if (!isIdle(group))
    throw new ReplayGroupExistsError(newGroupId, `it has ${group.members.length} live member(s)`);
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: newGroupId, topics: [topic] }),
  ]);
  const used = (committed[0]?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n);
  if (used.length > 0) throw new ReplayGroupExistsError(newGroupId, `it has committed offsets on ${topic}`);
  const planned = new Map(plan.map((p) => [p.partition, p.to]));
  const partitions = ends
    .map((e) => ({ partition: e.partition, offset: planned.get(e.partition) ?? e.high }))
    .sort((a, b) => a.partition - b.partition);
  await admin.setOffsets({ groupId: newGroupId, topic, partitions });
  return partitions;
};
