import { SingleBar } from 'cli-progress';
import type { ImportOutput } from '../import/import-output';
import type { ContactPageProgress } from './contact-backfill.runner';

/** Progress display of a contact backfill, in contacts read. */
export interface ContactProgress {
  /** `total` contacts (undefined = unknown), `done` already read by earlier runs of the job. */
  start(total: number | undefined, done: number): void;
  page(progress: ContactPageProgress): void;
  stop(): void;
}

/** Contacts per second since `startedAt` (ms epoch), one decimal. */
const rate = (contacts: number, startedAt: number): string =>
  (contacts / Math.max(0.001, (Date.now() - startedAt) / 1000)).toFixed(1);

/**
 * A cli-progress bar on stderr: contacts read/total with ETA when HubSpot gave a total, else a counter
 * (unknown-total mode); emitted, without email and contacts/s of this run alongside.
 */
export class ContactBarProgress implements ContactProgress {
  private bar: SingleBar | undefined;
  private startedAt = Date.now();
  private runRead = 0;

  start(total: number | undefined, done: number): void {
    this.startedAt = Date.now();
    const format =
      total === undefined
        ? 'contacts {value} read | {emitted} emitted | {withoutEmail} without email | {rate}/s'
        : 'contacts {bar} {value}/{total} | {emitted} emitted | {withoutEmail} without email | {rate}/s | ETA {eta_formatted}';
    this.bar = new SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 20 });
    this.bar.start(total ?? 0, done, { emitted: 0, withoutEmail: 0, rate: '0.0' });
  }

  page(progress: ContactPageProgress): void {
    this.runRead += progress.read;
    const { totals } = progress;
    // A total counted at the start can be passed by contacts created since: grow it rather than overflow.
    if (this.bar && this.bar.getTotal() > 0 && totals.read > this.bar.getTotal())
      this.bar.setTotal(totals.read);
    this.bar?.update(totals.read, {
      emitted: totals.emitted,
      withoutEmail: totals.withoutEmail,
      rate: rate(this.runRead, this.startedAt),
    });
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** One line per committed page, for logs and pipes (no TTY). */
export class ContactLineProgress implements ContactProgress {
  private startedAt = Date.now();
  private total: number | undefined;
  private runRead = 0;

  constructor(private readonly output: ImportOutput) {}

  start(total: number | undefined, done: number): void {
    this.startedAt = Date.now();
    this.total = total;
    this.output.info(`contacts: ${done} already read, total ${total ?? 'unknown'}`);
  }

  page(p: ContactPageProgress): void {
    this.runRead += p.read;
    this.output.info(
      `page ${p.totals.pages}: read ${p.read}, emitted ${p.emitted}, without email ${p.withoutEmail} | ` +
        `${p.totals.read}/${this.total ?? '?'} contacts, ${rate(this.runRead, this.startedAt)}/s`,
    );
  }

  stop(): void {
    // nothing to tear down
  }
}

/** The bar on a terminal, lines otherwise. */
export const contactProgressFor = (output: ImportOutput): ContactProgress =>
  process.stderr.isTTY ? new ContactBarProgress() : new ContactLineProgress(output);
