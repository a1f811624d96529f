import { type Command, Option } from 'commander';
import {
  runEmailEventsImport,
  DEFAULT_MAX_WINDOW_EVENTS,
  type EmailEventsImportRequest,
  type ImportSummary,
} from './email-import';
import { parseDuration, parseInstant, parsePortalId } from './import-options';
import { processOutput, type ImportOutput } from './import-output';
import { ImportUsageError } from './import.errors';

/** Raw flags of `import email-events` as commander hands them over (strings). */
interface EmailEventsFlags {
  portal?: string;
  from?: string;
  to?: string;
  window: string;
  token?: string;
  baseUrl?: string;
  resume?: string;
  dryRun?: boolean;
  maxWindowEvents: string;
}

/** Registers `import email-events` (contacts are not imported yet: their pipeline does not exist). */
export const registerImportCommands = (program: Command): void => {
  const group = program
    .command('import')
    .description('Historical import from HubSpot into the live topics (email events only; contacts not yet)');
  group
    .command('email-events')
    .description(
      "Import a portal's marketing email events from --from (to --to, default now) into hubspot.email-events.v1, " +
        'window by window, oldest first, with source "import". Resumable (--resume <import id>); re-running over ' +
        'the same range adds nothing to Heap (idempotency key hs:<portalId>:<created>:<id>). Contacts are not imported.',
    )
    .option('--portal <id>', 'HubSpot portal id to import (required for a new import)')
    .option('--from <instant>', 'start, inclusive: ISO 8601 date/date-time or ms since the epoch')
    .option('--to <instant>', 'end, exclusive: ISO 8601 or ms since the epoch (default: now)')
    .option('--window <duration>', 'window length, e.g. 6h, 1d, 30m', '1d')
    .option('--token <token>', 'HubSpot access token of the portal (default: env HUBSPOT_ACCESS_TOKEN)')
    .option(
      '--base-url <url>',
      'HubSpot API origin (default: env HUBSPOT_BASE_URL or https://api.hubapi.com)',
    )
    .option('--resume <importId>', 'continue a failed or interrupted import from its last committed window')
    .option('--dry-run', 'fetch and count only: nothing is produced, no job is recorded')
    .addOption(
      new Option('--max-window-events <n>', 'a window with more events is halved').default(
        String(DEFAULT_MAX_WINDOW_EVENTS),
      ),
    )
    .action(async (flags: EmailEventsFlags) => {
      const summary = await runEmailEventsImport(parseEmailEventsFlags(flags));
      printSummary(summary, processOutput);
      if (summary.status === 'failed') {
        throw new Error(`import ${summary.importId} failed; continue it with --resume ${summary.importId}`);
      }
    });
};

/** Flags → request (instants ms epoch, window ms). @throws RangeError / ImportUsageError on bad input. */
export const parseEmailEventsFlags = (flags: EmailEventsFlags): EmailEventsImportRequest => {
  const maxWindowEvents = Number(flags.maxWindowEvents);
  if (!Number.isSafeInteger(maxWindowEvents) || maxWindowEvents < 1)
    throw new ImportUsageError(
      `--max-window-events: expected a positive integer, got "${flags.maxWindowEvents}"`,
    );
  return {
    portalId: flags.portal === undefined ? undefined : parsePortalId(flags.portal),
    fromMs: flags.from === undefined ? undefined : parseInstant(flags.from, '--from'),
    toMs: flags.to === undefined ? undefined : parseInstant(flags.to, '--to'),
    windowMs: parseDuration(flags.window, '--window'),
    token: flags.token,
    baseUrl: flags.baseUrl,
    resume: flags.resume,
    dryRun: flags.dryRun === true,
    maxWindowEvents,
  };
};

/** The final summary: windows, events fetched/produced, per type, elapsed, import id. */
export const printSummary = (summary: ImportSummary, output: ImportOutput): void => {
  const types = Object.entries(summary.typeCounts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  const lines = [
    `import ${summary.importId ?? '(dry run, not recorded)'}: ${summary.status}`,
    `  portal     ${summary.portalId}`,
    `  range      [${new Date(summary.fromMs).toISOString()}, ${new Date(summary.toMs).toISOString()})`,
    `  windows    ${summary.windowsDone}/${summary.windowsTotal}`,
    `  fetched    ${summary.fetched}`,
    `  produced   ${summary.produced}`,
    `  per type   ${types || '-'}`,
    `  skipped    ${summary.skipped} (no valid id/created, this run)`,
    `  elapsed    ${(summary.elapsedMs / 1000).toFixed(1)} s (this run)`,
  ];
  if (summary.error) lines.push(`  error      ${summary.error}`);
  lines.forEach((line) => output.info(line));
};
