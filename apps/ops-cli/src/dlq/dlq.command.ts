import type { Command } from 'commander';
import { deadLetterTopic } from '@hubheap/schemas';
import {
  deadLetterAddress,
  markerKey,
  readDeadLetters,
  readRedriveMarkers,
  redriveDeadLetters,
  type RedriveSelection,
} from '@hubheap/kafka';
import { opsContext, type OpsDeps } from '../replay/ops-context';
import { formatDeadLetterTable, formatInspect, inspectView, parseDlqOffset } from './dlq.format';

const collectValues = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Registers `dlq list|inspect|redrive`: the dead letters of a topic (its `<topic>.dlq`), one in full,
 * and redriving them back to their origin topic once the cause is fixed. Errors are thrown: main prints
 * them on stderr, exit 1.
 */
export const registerDeadLetterCommands = (program: Command, deps: OpsDeps = {}): void => {
  const dlq = program.command('dlq').description('List, inspect and redrive dead-lettered records');

  dlq
    .command('list')
    .description('Dead letters of one origin topic, or of every catalogue topic')
    .option('--topic <origin-topic>', 'origin topic (its <topic>.dlq is read)')
    .action(async (options: { topic?: string }) => {
      const ctx = opsContext(deps);
      const topics = options.topic ? [options.topic] : ctx.topics;
      await ctx.withPlatform(async (platform) => {
        for (const topic of topics) {
          const [records, markers] = await Promise.all([
            readDeadLetters(platform, topic, { decode: false }),
            readRedriveMarkers(platform, topic),
          ]);
          const redriven = records.filter(
            (r) => markers.get(markerKey(r))?.dlqTimestamp === r.raw.timestamp,
          ).length;
          ctx.out(`${deadLetterTopic(topic)}: ${records.length} dead letter(s), ${redriven} redriven`);
          if (records.length > 0) for (const line of formatDeadLetterTable(records, markers)) ctx.out(line);
        }
      });
    });

  dlq
    .command('inspect <origin-topic> <dlq-offset>')
    .description(
      'One dead letter in full: decoded value, reason, origin, attempts, headers (<offset> or <partition>:<offset>)',
    )
    .action(async (topic: string, offsetText: string) => {
      const ctx = opsContext(deps);
      const wanted = parseDlqOffset(offsetText);
      await ctx.withPlatform(async (platform) => {
        const [records, markers] = await Promise.all([
          readDeadLetters(platform, topic),
          readRedriveMarkers(platform, topic),
        ]);
        const record = records.find((r) => r.partition === wanted.partition && r.offset === wanted.offset);
        if (!record)
          throw new Error(
            `no dead letter at ${deadLetterTopic(topic)}[${wanted.partition}]@${wanted.offset} (${records.length} in the topic)`,
          );
        ctx.out(formatInspect(inspectView(record, markers.get(markerKey(record)))));
      });
    });

  dlq
    .command('redrive <origin-topic>')
    .description(
      'Produce dead letters back to their origin topic (original key, value, headers + x-redriven-from)',
    )
    .option(
      '--offset <n>',
      'dead-letter offset, <offset> or <partition>:<offset> (repeatable)',
      collectValues,
    )
    .option('--all', 'every dead letter not redriven yet')
    .option('--force', 'redrive again records already redriven')
    .option('--dry-run', 'print what would be redriven; produce nothing')
    .action(
      async (
        topic: string,
        options: { offset?: string[]; all?: boolean; force?: boolean; dryRun?: boolean },
      ) => {
        const ctx = opsContext(deps);
        if (Boolean(options.all) === Boolean(options.offset?.length))
          throw new Error('pass either --offset <n> (repeatable) or --all');
        const selection: RedriveSelection = options.all
          ? { all: true }
          : { records: options.offset!.map(parseDlqOffset) };
        await ctx.withPlatform(async (platform) => {
          const plan = await redriveDeadLetters(platform, topic, selection, {
            dryRun: options.dryRun,
            force: options.force,
          });
          const verb = options.dryRun ? 'would redrive' : 'redriven';
          for (const r of plan.toRedrive)
            ctx.out(
              `${verb} ${deadLetterAddress(r)} → ${topic} (origin ${r.originTopic}[${r.originPartition}]@${r.originOffset})`,
            );
          for (const { record, marker } of plan.alreadyRedriven) {
            ctx.out(
              `skipped ${deadLetterAddress(record)}: already redriven at ${marker.redrivenAt} (--force to redrive again)`,
            );
          }
          ctx.out(
            `${options.dryRun ? 'dry run: ' : ''}${plan.toRedrive.length} ${verb}, ${plan.alreadyRedriven.length} already redriven`,
          );
        });
      },
    );
};
