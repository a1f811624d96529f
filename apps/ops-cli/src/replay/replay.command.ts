import type { Command } from 'commander';
import {
  createReplayGroup,
  describeGroupMembers,
  GroupHasMembersError,
  planGroupResetOnTopic,
  recordsToReRead,
  resetGroupOffsets,
  type KafkaPlatform,
  type PartitionResetPlan,
} from '@hubheap/kafka';
import { opsContext, type OpsContext, type OpsDeps } from './ops-context';
import {
  formatPlanLine,
  parseReplayOptions,
  type ReplayCliOptions,
  type ReplayRequest,
} from './replay.options';

const collectValues = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Registers `replay`: moves a consumer group (by group id or app name) to the beginning, a timestamp or
 * an offset, per topic or partition; or positions a fresh group for a replay beside the live one.
 * Errors (unknown group, live members, bad options) are thrown: main prints them on stderr, exit 1.
 */
export const registerReplayCommands = (program: Command, deps: OpsDeps = {}): void => {
  program
    .command('replay')
    .description(
      'Move a consumer group to the beginning, a timestamp or an offset (or replay through a fresh group)',
    )
    .requiredOption('--group <id|app>', 'consumer group id or app name (see CONSUMER_GROUPS)')
    .option('--topic <topic>', 'only this topic of the group (default: every topic it reads)')
    .option('--partition <n>', 'only this partition (repeatable)', collectValues)
    .option('--to-beginning', 'the earliest retained record')
    .option(
      '--to-timestamp <iso|ms>',
      'the first record at or after this time (ISO 8601 or ms since the epoch)',
    )
    .option('--to-offset <n>', 'this offset (clamped into the retained range)')
    .option('--dry-run', 'print per partition what would be re-read; change nothing')
    .option('--fresh-group <newId>', 'leave the live group alone; position this new group instead')
    .action(async (options: ReplayCliOptions) => {
      const ctx = opsContext(deps);
      const request = parseReplayOptions(options, ctx.groups);
      await ctx.withPlatform((platform) =>
        request.freshGroup
          ? replayThroughFreshGroup(platform, request, ctx)
          : resetLiveGroup(platform, request, ctx),
      );
    });
};

const planAll = async (
  platform: KafkaPlatform,
  request: ReplayRequest,
): Promise<Array<{ topic: string; plan: PartitionResetPlan[] }>> => {
  const admin = await platform.admin();
  const plans = [];
  for (const topic of request.topics) {
    plans.push({
      topic,
      plan: await planGroupResetOnTopic(
        admin,
        request.group.groupId,
        topic,
        request.target,
        request.partitions,
      ),
    });
  }
  return plans;
};

const printPlans = (ctx: OpsContext, plans: Array<{ topic: string; plan: PartitionResetPlan[] }>): void => {
  for (const { topic, plan } of plans) for (const p of plan) ctx.out(formatPlanLine(topic, p));
  ctx.out(`total: ${plans.reduce((sum, { plan }) => sum + recordsToReRead(plan), 0)} records to re-read`);
};

const resetLiveGroup = async (
  platform: KafkaPlatform,
  request: ReplayRequest,
  ctx: OpsContext,
): Promise<void> => {
  const { groupId } = request.group;
  const admin = await platform.admin();
  const group = await describeGroupMembers(admin, groupId);
  const live = group.members.length > 0 || !['Empty', 'Dead'].includes(group.state);
  if (live && !request.dryRun) throw new GroupHasMembersError(group);
  const plans = await planAll(platform, request);
  if (request.dryRun) {
    ctx.out(`dry run: group ${groupId} (${request.group.app}) would move as follows; nothing changed`);
    printPlans(ctx, plans);
    if (live) ctx.err(`note: a real run would be refused now: ${new GroupHasMembersError(group).message}`);
    return;
  }
  for (const { topic, plan } of plans) await resetGroupOffsets(admin, groupId, topic, plan);
  ctx.out(`reset group ${groupId} (${request.group.app}):`);
  printPlans(ctx, plans);
};

const replayThroughFreshGroup = async (
  platform: KafkaPlatform,
  request: ReplayRequest,
  ctx: OpsContext,
): Promise<void> => {
  const newGroupId = request.freshGroup!;
  const plans = await planAll(platform, request);
  ctx.out(
    `${request.dryRun ? 'dry run: ' : ''}replay group ${newGroupId} ${request.dryRun ? 'would start' : 'starts'} as follows ` +
      `(committed = the live group ${request.group.groupId}, which is left untouched)`,
  );
  printPlans(ctx, plans);
  if (request.dryRun) return;
  const admin = await platform.admin();
  for (const { topic, plan } of plans) {
    const planned = new Set(plan.map((p) => p.partition));
    const positions = await createReplayGroup(admin, newGroupId, topic, plan);
    for (const p of positions.filter((q) => !planned.has(q.partition)))
      ctx.out(`${topic}[${p.partition}]: starts at the end, ${p.offset} (not replayed)`);
  }
  ctx.out(
    `created ${newGroupId}. Run ${request.group.app} with CONSUMER_GROUP=${newGroupId} to replay, e.g.`,
  );
  ctx.out(`  CONSUMER_GROUP=${newGroupId} npx nx serve ${request.group.app}`);
  ctx.out('It also reads new records, like the live group; stop it once its lag is 0.');
};
