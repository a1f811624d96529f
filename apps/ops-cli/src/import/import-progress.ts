import { SingleBar } from 'cli-progress';
import type { WindowProgress } from './email-import.runner';
import type { ImportOutput } from './import-output';

/** Progress display of an import, over grid windows. */
export interface ImportProgress {
  /** `total` grid windows, `done` already committed (a resume starts part-way). */
  start(total: number, done: number): void;
  window(progress: WindowProgress): void;
  stop(): void;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Events per second since `startedAt` (ms epoch), one decimal. */
const rate = (events: number, startedAt: number): string =>
  (events / Math.max(0.001, (Date.now() - startedAt) / 1000)).toFixed(1);

/**
 * A cli-progress bar on stderr: windows done/total, events fetched, events/s of this run, ETA (cli-progress
 * estimates it from the windows' pace). For an interactive terminal.
 */
export class BarProgress implements ImportProgress {
  private readonly bar = new SingleBar({
    format: 'windows {bar} {value}/{total} | {events} events | {rate} ev/s | ETA {eta_formatted} | {at}',
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 20,
  });
  private startedAt = Date.now();
  /** Events fetched by this run (a resume's earlier runs do not count towards its rate). */
  private runFetched = 0;

  start(total: number, done: number): void {
    this.startedAt = Date.now();
    this.bar.start(total, done, { events: 0, rate: '0.0', at: '' });
  }

  window(progress: WindowProgress): void {
    this.runFetched += progress.fetched;
    this.bar.update(progress.totals.windowsDone, {
      events: progress.totals.fetched,
      rate: rate(this.runFetched, this.startedAt),
      at: iso(progress.window.endMs),
    });
  }

  stop(): void {
    this.bar.stop();
  }
}

/** One line per committed window, for logs and pipes (no TTY). */
export class LineProgress implements ImportProgress {
  private startedAt = Date.now();
  private total = 0;
  private runFetched = 0;

  constructor(private readonly output: ImportOutput) {}

  start(total: number, done: number): void {
    this.startedAt = Date.now();
    this.total = total;
    this.output.info(`import: ${done}/${total} windows already done`);
  }

  window(p: WindowProgress): void {
    this.runFetched += p.fetched;
    this.output.info(
      `window [${iso(p.window.startMs)}, ${iso(p.window.endMs)})${p.narrowed ? ' (narrowed)' : ''}: ` +
        `fetched ${p.fetched}, produced ${p.produced} | windows ${p.totals.windowsDone}/${this.total}, ` +
        `${p.totals.fetched} events, ${rate(this.runFetched, this.startedAt)} ev/s`,
    );
  }

  stop(): void {
    // nothing to tear down
  }
}

/** The bar on a terminal, lines otherwise. */
export const progressFor = (output: ImportOutput): ImportProgress =>
  process.stderr.isTTY ? new BarProgress() : new LineProgress(output);
