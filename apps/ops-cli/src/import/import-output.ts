/** Where the import writes operator-facing lines; tests pass their own to keep them. */
export interface ImportOutput {
  /** Results and per-window lines (stdout). */
  info(line: string): void;
  /** Warnings and errors (stderr). */
  warn(line: string): void;
}

/** Writes to the process streams: this is a CLI, its output is the point (no Nest logger here). */
export const processOutput: ImportOutput = {
  info: (line) => void process.stdout.write(`${line}\n`),
  warn: (line) => void process.stderr.write(`${line}\n`),
};

/** Keeps lines in memory (tests). */
export class MemoryOutput implements ImportOutput {
  readonly lines: string[] = [];
  info(line: string): void {
    this.lines.push(line);
  }
  warn(line: string): void {
    this.lines.push(`warn: ${line}`);
  }
}
