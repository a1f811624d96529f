/* eslint-disable no-console */
// Operator CLI: `npm run ops -- <command>` (replay, dead letters, historical import). See README.md.
import { Command } from 'commander';
import { registerReplayCommands } from './replay/replay.command';
import { registerDeadLetterCommands } from './dlq/dlq.command';
import { registerImportCommands } from './import/import.command';
import { registerSegmentCommands } from './segments/segments.command';
import { registerHeapUsersCommand } from './heap-users/heap-users.command';
import { registerContactImportCommand } from './contacts/contacts.command';

const program = new Command('hubheap')
  .description(
    'Operate the HubSpot ⇄ Heap integration: replay, dead letters, historical import, segment members',
  )
  .showHelpAfterError();
registerReplayCommands(program);
registerDeadLetterCommands(program);
registerImportCommands(program);
registerContactImportCommand(program);
registerSegmentCommands(program);
registerHeapUsersCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
