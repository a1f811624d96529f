import type { Command } from 'commander';
import { parseInstant, parsePortalId } from '../import/import-options';
import { processOutput, type ImportOutput } from '../import/import-output';
import {
  runContactBackfill,
  type ContactBackfillRequest,
  type ContactBackfillSummary,
} from './contact-backfill';

/** Raw flags of `import contacts` as commander hands them over (strings). */
interface ContactsFlags {
  portal: string;
  since?: string;
  token?: string;
  baseUrl?: string;
  restart?: boolean;
  dryRun?: boolean;
}

/**
 * Registers `import contacts` under the `import` command group (created by registerImportCommands, which
 * must run first; a missing group is created here).
 */
export const registerContactImportCommand = (program: Command): void => {
  const group =
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('Historical import from HubSpot into the live topics');
  group.description('Historical import from HubSpot into the live topics: email events and contacts');
  group
    .command('contacts')
    .description(
      "Backfill a portal's contacts: one synthetic contact.propertyChange (email) record per contact to " +
        'hubspot.webhook-events.v1 (changeSource HUBHEAP_BACKFILL), which identity-resolution and property-sync ' +
        'turn into Heap user properties. Resumable: rerun the same command to continue; a completed import ' +
        'says so (--restart runs it again). Contacts without email are counted and skipped.',
    )
    .requiredOption('--portal <id>', 'HubSpot portal id')
    .option(
      '--since <instant>',
      'only contacts modified at or after: ISO 8601 or ms since the epoch (uses search)',
    )
    .option(
      '--token <token>',
      'HubSpot token (default: the portal in HUBSPOT_PORTALS, else HUBSPOT_ACCESS_TOKEN)',
    )
    .option(
      '--base-url <url>',
      'HubSpot API origin (default: env HUBSPOT_BASE_URL or https://api.hubapi.com)',
    )
    .option('--restart', 'start a new import even when the last one completed or can be continued')
    .option('--dry-run', 'read and count only: nothing is produced, no job is recorded')
    .action(async (flags: ContactsFlags) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      try {
        const summary = await runContactBackfill(parseContactsFlags(flags), { signal: controller.signal });
        printContactSummary(summary, processOutput);
        if (summary.status === 'failed' || summary.status === 'interrupted')
          throw new Error(
            `contact import ${summary.importId} ${summary.status}; rerun the command to continue it`,
          );
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
};

/** Flags → request (`sinceMs` ms epoch). @throws RangeError / ImportUsageError on bad input. */
export const parseContactsFlags = (flags: ContactsFlags): ContactBackfillRequest => ({
  portalId: parsePortalId(flags.portal),
  ...(flags.since === undefined ? {} : { sinceMs: parseInstant(flags.since, '--since') }),
  ...(flags.token === undefined ? {} : { token: flags.token }),
  ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
  restart: flags.restart === true,
  dryRun: flags.dryRun === true,
});

/** The final lines: job and status, then `contacts: N read, M emitted, K without email` (job totals). */
export const printContactSummary = (summary: ContactBackfillSummary, output: ImportOutput): void => {
  output.info(
    `contact import ${summary.importId ?? '(dry run, not recorded)'} of portal ${summary.portalId}: ${summary.status}` +
      ` (${summary.pages} pages, ${(summary.elapsedMs / 1000).toFixed(1)} s this run)`,
  );
  if (summary.error) output.info(`  error: ${summary.error}`);
  output.info(
    `contacts: ${summary.read} read, ${summary.emitted} emitted, ${summary.withoutEmail} without email`,
  );
};
