import type { Command } from 'commander';

/** Registers the dlq commands (placeholder until they are built). */
export const registerDeadLetterCommands = (program: Command): void => {
  void program;
};
