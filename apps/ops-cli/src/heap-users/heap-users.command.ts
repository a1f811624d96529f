import { readFileSync, statSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { HEAP_USER_IDENTITIES } from '@hubheap/schemas';
import { type OpsDeps, opsContext } from '../replay/ops-context';
import { parseHeapUsersCsv, toHeapUserIdentities } from './heap-users.reader';

interface HeapUsersOptions {
  appId: string;
  emailProperty: string;
  file: string;
  identityColumn: string;
  observedAt?: number;
  chunkSize: number;
  dryRun: boolean;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const instant = (value: string): number => {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('expected an ISO 8601 date-time or ms since the epoch');
  return ms;
};

/**
 * Registers `import heap-users` (under the `import` command group, created if absent): loads a CSV of
 * Heap users (identity + the tenant's email property) into `heap.user-identities.v1`, which
 * identity-resolution folds into its email → Heap identity map. Idempotent: the topic is compacted by
 * `<app_id>:<identity>` and every record of one file carries the same `observedAt`.
 */
export const registerHeapUsersCommand = (program: Command, deps: OpsDeps = {}): void => {
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Historical import into the live topics');
  group
    .command('heap-users')
    .description(
      'Load a CSV of Heap users (identity + email property) into heap.user-identities.v1 (source "import"), ' +
        "feeding identity-resolution's email → Heap identity map for a tenant whose email property is a custom " +
        'Heap user property. Re-running with the same file changes nothing.',
    )
    .requiredOption('--app-id <id>', 'Heap app_id (environment id) the users belong to')
    .requiredOption('--email-property <name>', 'Heap user property holding the email (a CSV column)')
    .requiredOption('--file <path>', 'CSV with a header row: identity column and the email property column')
    .option('--identity-column <name>', 'CSV column holding the Heap identity', 'identity')
    .option(
      '--observed-at <instant>',
      'when these values were read from Heap (ISO 8601 or ms); default: the file modification time',
      instant,
    )
    .option('--chunk-size <n>', 'records per produce request', positiveInt, 1000)
    .option('--dry-run', 'read and count only, produce nothing', false)
    .action((options: HeapUsersOptions) => importHeapUsers(options, deps));
};

const importHeapUsers = async (options: HeapUsersOptions, deps: OpsDeps): Promise<void> => {
  const ctx = opsContext(deps);
  if (!/^\d+$/.test(options.appId))
    throw new Error(`--app-id must be a numeric Heap app_id, not "${options.appId}"`);
  const file = parseHeapUsersCsv(
    readFileSync(options.file, 'utf8'),
    options.emailProperty,
    options.identityColumn,
  );
  for (const r of file.rejected) ctx.err(`line ${r.line}: skipped (${r.reason})`);
  const observedAt = options.observedAt ?? Math.trunc(statSync(options.file).mtimeMs);
  const values = toHeapUserIdentities(file.rows, options.appId, options.emailProperty, observedAt);
  const withEmail = values.filter((v) => v.email !== null).length;
  const summary = `${values.length} Heap users of app ${options.appId} (${withEmail} with ${options.emailProperty}, ${file.rejected.length} rows skipped)`;
  if (options.dryRun) {
    ctx.out(`dry run: ${summary}; nothing produced`);
    return;
  }
  await ctx.withPlatform(async (platform) => {
    await platform.provision([HEAP_USER_IDENTITIES]);
    const producer = await platform.producer();
    const bar = process.stderr.isTTY
      ? new SingleBar({
          format: 'heap users {bar} {value}/{total} | ETA {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
        })
      : undefined;
    bar?.start(values.length, 0);
    for (let i = 0; i < values.length; i += options.chunkSize) {
      const chunk = values.slice(i, i + options.chunkSize);
      await producer.send(
        HEAP_USER_IDENTITIES,
        chunk.map((value) => ({ value })),
      );
      bar?.update(i + chunk.length);
      if (!bar) ctx.err(`produced ${i + chunk.length}/${values.length}`);
    }
    bar?.stop();
  });
  ctx.out(`produced ${summary} to ${HEAP_USER_IDENTITIES.name}`);
};
