import type { Command } from 'commander';

/** Registers the import commands (placeholder until they are built). */
export const registerImportCommands = (program: Command): void => {
  void program;
};
