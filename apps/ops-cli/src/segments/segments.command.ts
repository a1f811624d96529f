import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { HEAP_SEGMENT_DELTAS } from '@hubheap/schemas';
import { type OpsDeps, opsContext } from '../replay/ops-context';
import { type MemberFileFormat, parseSegmentMembers } from './segment-members.reader';
import { planSegmentImport } from './segment-members.planner';

interface ImportMembersOptions {
  file: string;
  portal: number;
  segmentId: string;
  segmentName: string;
  heapAppId?: string;
  column: string;
  format?: MemberFileFormat;
  mode: 'snapshot' | 'add';
  pageSize: number;
  dryRun: boolean;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

/**
 * Registers `segments import-members`: produces the records of a segment-members file (CSV or JSON)
 * to `heap.segment-deltas.v1`, for segments that do not come from Heap's webhook. segment-export
 * folds them exactly like webhook pages; a sync (sync-now or recurring) then applies them to the list.
 */
export const registerSegmentCommands = (program: Command, deps: OpsDeps = {}): void => {
  program
    .command('segments')
    .description('Heap segments → HubSpot lists')
    .command('import-members')
    .description('produce a segment-members file (CSV with a header row, or JSON) as segment deltas')
    .requiredOption('--file <path>', 'members file (.csv or .json)')
    .requiredOption('--portal <portalId>', 'HubSpot portal the segment syncs into', positiveInt)
    .requiredOption('--segment-id <id>', 'segment id (as Heap numbers it, or your own stable id)')
    .requiredOption('--segment-name <name>', 'segment name: the HubSpot list is named after it')
    .option('--heap-app-id <appId>', 'Heap app_id of the tenant')
    .option('--column <name>', 'CSV column / JSON property holding the match value', 'email')
    .option('--format <csv|json>', 'file format (default: from the file extension)')
    .option(
      '--mode <snapshot|add>',
      'snapshot: the file is the whole segment; add: only add members',
      'snapshot',
    )
    .option('--page-size <n>', 'members per record', positiveInt, 1000)
    .option('--dry-run', 'print what would be produced, produce nothing', false)
    .action((options: ImportMembersOptions) => importMembers(options, deps));
};

const importMembers = async (options: ImportMembersOptions, deps: OpsDeps): Promise<void> => {
  const ctx = opsContext(deps);
  if (options.mode !== 'snapshot' && options.mode !== 'add')
    throw new Error(`--mode must be snapshot or add, not "${String(options.mode)}"`);
  const format = options.format ?? (extname(options.file).toLowerCase() === '.json' ? 'json' : 'csv');
  const members = parseSegmentMembers(readFileSync(options.file, 'utf8'), format, options.column);
  const records = planSegmentImport({
    portalId: options.portal,
    heapAppId: options.heapAppId,
    segmentId: options.segmentId,
    segmentName: options.segmentName,
    members,
    mode: options.mode,
    pageSize: options.pageSize,
    syncTaskId: `import-${randomUUID()}`,
    receivedAt: Date.now(),
  });
  const summary = `${members.length} members of segment ${options.segmentId} ("${options.segmentName}") → ${records.length} records (${options.mode})`;
  if (options.dryRun) {
    ctx.out(`dry run: ${summary}; nothing produced`);
    return;
  }
  await ctx.withPlatform(async (platform) => {
    await platform.provision([HEAP_SEGMENT_DELTAS]);
    await (
      await platform.producer()
    ).send(
      HEAP_SEGMENT_DELTAS,
      records.map((value) => ({ value })),
    );
  });
  ctx.out(
    `produced ${summary} to ${HEAP_SEGMENT_DELTAS.name}; run a sync (sync-now) or wait for the recurring one`,
  );
};
