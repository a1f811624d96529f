import type { KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_WEBHOOK_EVENTS, type HubSpotWebhookEvent } from '@hubheap/schemas';
import type { DataSource } from 'typeorm';
import type { ImportOutput } from '../import/import-output';
import type { ContactProgress } from './contact-backfill.progress';
import {
  ContactBackfillAbortedError,
  runContactPages,
  type ContactBackfillState,
} from './contact-backfill.runner';
import type { ContactImportJobEntity } from './contact-import-job.entity';
import { ContactImportJobRepository } from './contact-import-job.repository';
import type { ContactPageSource } from './contact-page.source';

/** Which contacts a run reads: the portal, `sinceMs` (ms epoch), and whether to start over. */
export interface ContactJobRequest {
  portalId: number;
  sinceMs?: number;
  restart?: boolean;
}

/** How a run ended. Counts are the job's totals over every run of it. */
export interface ContactBackfillSummary extends Omit<ContactBackfillState, 'cursor'> {
  /** `null` on a dry run. */
  importId: string | null;
  status: 'completed' | 'already-completed' | 'failed' | 'interrupted' | 'dry-run';
  portalId: number;
  sinceMs: number | null;
  total: number | null;
  /** Wall time of this run, ms. */
  elapsedMs: number;
  error?: string;
}

/** What a run works with (the job store comes separately). */
export interface RunContext {
  request: ContactJobRequest;
  source: ContactPageSource;
  output: ImportOutput;
  progress: ContactProgress;
  signal: AbortSignal | undefined;
  now: () => number;
}

/**
 * Finds or creates the job of (portal, since) under its advisory lock, then reads its pages from the stored
 * cursor, producing to `hubspot.webhook-events.v1` and committing after every page; a completed job is
 * reported, not rerun (unless `restart`).
 */
export const runJob = async (
  run: RunContext,
  db: DataSource,
  platform: KafkaPlatform,
): Promise<ContactBackfillSummary> => {
  const { portalId, sinceMs, restart } = run.request;
  const jobs = new ContactImportJobRepository(db);
  const release = await jobs.lock(portalId, sinceMs ?? null);
  try {
    let job = restart ? null : await jobs.latest(portalId, sinceMs ?? null);
    if (job?.status === 'completed') {
      run.output.info(
        `contact import ${job.id} of portal ${portalId} is already completed; nothing to do (--restart runs it again)`,
      );
      return summaryOf(job.id, 'already-completed', run.request, stateOf(job), job.total, 0);
    }
    if (job && job.pages > 0 && job.afterCursor === null) {
      // Every page was committed; only the final status update was lost.
      await jobs.finish(job.id, 'completed');
      return summaryOf(job.id, 'completed', run.request, stateOf(job), job.total, 0);
    }
    if (job) {
      run.output.info(`continuing contact import ${job.id} after ${job.read} contacts (${job.pages} pages)`);
      await jobs.markRunning(job.id);
    } else {
      job = await jobs.create(portalId, sinceMs ?? null, (await totalOf(run.source, run.output)) ?? null);
    }
    await platform.provision([HUBSPOT_WEBHOOK_EVENTS]);
    const producer = await platform.producer();
    const id = job.id;
    const summary = await execute(run, id, stateOf(job), job.total ?? undefined, {
      produce: (records: HubSpotWebhookEvent[]) =>
        producer.send(
          HUBSPOT_WEBHOOK_EVENTS,
          records.map((value) => ({ value })),
        ),
      commit: (previousPages, commit) => jobs.commitPage(id, previousPages, commit),
    });
    await jobs.finish(id, summary.status === 'completed' ? 'completed' : 'failed', summary.error);
    return summary;
  } finally {
    await release();
  }
};

/** Runs the pages with progress; a failure or abort becomes a summary at the last committed page. */
export const execute = async (
  run: RunContext,
  importId: string | null,
  state: ContactBackfillState,
  total: number | undefined,
  sink: Pick<Parameters<typeof runContactPages>[1], 'produce' | 'commit'>,
): Promise<ContactBackfillSummary> => {
  const startedAt = Date.now();
  let current = state;
  run.progress.start(total, state.read);
  try {
    current = await runContactPages(state, {
      portalId: run.request.portalId,
      source: run.source,
      ...sink,
      onPage: (progress) => {
        current = progress.totals;
        run.progress.page(progress);
      },
      ...(run.signal ? { signal: run.signal } : {}),
      now: run.now,
    });
  } catch (error) {
    run.progress.stop();
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const status = error instanceof ContactBackfillAbortedError ? 'interrupted' : 'failed';
    return summaryOf(importId, status, run.request, current, total ?? null, Date.now() - startedAt, message);
  }
  run.progress.stop();
  const status = sink.produce ? 'completed' : 'dry-run';
  return summaryOf(importId, status, run.request, current, total ?? null, Date.now() - startedAt);
};

/** HubSpot's count of the contacts to read, or undefined (unknown-total mode) when the search fails. */
export const totalOf = async (
  source: ContactPageSource,
  output: ImportOutput,
): Promise<number | undefined> => {
  try {
    return await source.total();
  } catch (error) {
    output.warn(`contacts: total unknown (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
};

const stateOf = (job: ContactImportJobEntity): ContactBackfillState => ({
  cursor: job.afterCursor ?? undefined,
  pages: job.pages,
  read: job.read,
  emitted: job.emitted,
  withoutEmail: job.withoutEmail,
});

export const emptyState = (): ContactBackfillState => ({
  cursor: undefined,
  pages: 0,
  read: 0,
  emitted: 0,
  withoutEmail: 0,
});

const summaryOf = (
  importId: string | null,
  status: ContactBackfillSummary['status'],
  request: ContactJobRequest,
  state: ContactBackfillState,
  total: number | null,
  elapsedMs: number,
  error?: string,
): ContactBackfillSummary => ({
  importId,
  status,
  portalId: request.portalId,
  sinceMs: request.sinceMs ?? null,
  pages: state.pages,
  read: state.read,
  emitted: state.emitted,
  withoutEmail: state.withoutEmail,
  total,
  elapsedMs,
  ...(error === undefined ? {} : { error }),
});
