import type { Command } from 'commander';

/** Registers the replay commands (placeholder until they are built). */
export const registerReplayCommands = (program: Command): void => {
  void program;
};
