import { Command } from 'commander';
import type { KafkaPlatform } from '@hubheap/kafka';
import type { ConsumerGroupContract } from '@hubheap/schemas';
import { registerReplayCommands } from '../src/replay/replay.command';
import { registerDeadLetterCommands } from '../src/dlq/dlq.command';

/** Lines an ops command printed. */
export interface OpsRun {
  out: string[];
  err: string[];
}

/**
 * Runs `ops <args>` in-process against `platform` (left open) with the given groups, as main.ts would:
 * resolves with the printed lines, rejects with the command's error (main prints it and exits 1).
 */
export const runOps = async (
  platform: KafkaPlatform,
  args: string[],
  groups: ReadonlyArray<ConsumerGroupContract> = [],
): Promise<OpsRun> => {
  const run: OpsRun = { out: [], err: [] };
  const program = new Command('hubheap').exitOverride();
  const deps = { platform, groups, out: (l: string) => run.out.push(l), err: (l: string) => run.err.push(l) };
  registerReplayCommands(program, deps);
  registerDeadLetterCommands(program, deps);
  await program.parseAsync(args, { from: 'user' });
  return run;
};
