import { KafkaPlatform, parseBrokers } from '@hubheap/kafka';
import {
  HubSpotRateBudget,
  StaticTokenProvider,
  requestsPer10sOf,
  staticTokensOf,
  type HubSpotCallGate,
} from '@hubheap/hubspot';
import { HUBSPOT_WEBHOOK_EVENTS, type HubSpotWebhookEvent } from '@hubheap/schemas';
import type { DataSource } from 'typeorm';
import { processOutput, type ImportOutput } from '../import/import-output';
import { ImportUsageError } from '../import/import.errors';
import { loadContactBackfillConfig, type ContactBackfillConfig } from './contact-backfill.config';
import { contactProgressFor, type ContactProgress } from './contact-backfill.progress';
import {
  ContactBackfillAbortedError,
  runContactPages,
  type ContactBackfillState,
} from './contact-backfill.runner';
import { openContactImportDatabase } from './contact-import-database';
import type { ContactImportJobEntity } from './contact-import-job.entity';
import { ContactImportJobRepository } from './contact-import-job.repository';
import { HubSpotContactPageSource, type ContactPageSource } from './contact-page.source';

/** A request for `import contacts`, parsed. */
export interface ContactBackfillRequest {
  portalId: number;
  /** Only contacts modified at or after this instant (ms epoch). */
  sinceMs?: number;
  /** HubSpot token (never stored); default the portal's HUBSPOT_PORTALS entry, then HUBSPOT_ACCESS_TOKEN. */
  token?: string;
  /** Default env HUBSPOT_BASE_URL, else `https://api.hubapi.com`. */
  baseUrl?: string;
  /** Start a new job even when the last one of this portal (and --since) completed or can be continued. */
  restart?: boolean;
  /** Read and count only: nothing produced, no job recorded. */
  dryRun?: boolean;
}

/** Injected I/O; every field has a production default. */
export interface ContactBackfillIo {
  output?: ImportOutput;
  progress?: ContactProgress;
  env?: NodeJS.ProcessEnv;
  /**
   * Gate of every HubSpot call. Default: libs/hubspot's HubSpotRateBudget on DATABASE_URL (the portal's
   * budget shared with the running apps; `requestsPer10s` from HUBSPOT_PORTALS), closed at the end.
   */
  gate?: HubSpotCallGate;
  /** SDK `numberOfApiCallRetries` (default 0: the gate retries). */
  numberOfApiCallRetries?: number;
  /** Stops the run before the next page (Ctrl-C); the job stays resumable. */
  signal?: AbortSignal;
  /** Replaces the HubSpot source (tests). */
  source?: ContactPageSource;
  now?: () => number;
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

/**
 * Runs `import contacts`: continues the portal's last unfinished contact import (same --since), or starts
 * one, and produces one synthetic `contact.propertyChange` (email) record per contact to
 * `hubspot.webhook-events.v1`. A completed job is not run again unless `restart`. Failures during the pages
 * end the job `failed` and come back as `status: 'failed'` (rerun to continue); bad arguments throw
 * ImportUsageError, a job held by another process ImportJobBusyError, Postgres/Kafka outages their own errors.
 */
export const runContactBackfill = async (
  request: ContactBackfillRequest,
  io: ContactBackfillIo = {},
): Promise<ContactBackfillSummary> => {
  const output = io.output ?? processOutput;
  const config = loadContactBackfillConfig(io.env ?? process.env);
  const budget = io.gate || io.source ? undefined : rateBudgetOf(config);
  try {
    const source = io.source ?? hubSpotSource(request, { ...io, gate: io.gate ?? budget! }, config);
    const run: RunContext = {
      request,
      source: await source,
      output,
      progress: io.progress ?? contactProgressFor(output),
      signal: io.signal,
      now: io.now ?? Date.now,
    };
    if (request.dryRun) {
      if (request.restart) throw new ImportUsageError('--dry-run cannot be combined with --restart');
      return await execute(run, null, emptyState(), await totalOf(run.source, output), {});
    }
    return await withJobStore(config, output, (db, platform) => runJob(run, db, platform));
  } finally {
    await budget?.close();
  }
};

/** The shared HubSpot rate budget on the ops database (hubspot-api.md §6). */
const rateBudgetOf = (config: ContactBackfillConfig): HubSpotRateBudget =>
  HubSpotRateBudget.fromDatabaseUrl(config.databaseUrl, {
    portalRequestsPerWindow: requestsPer10sOf(config.hubspotPortals),
  });

/** Opens Postgres (migrated) and Kafka for `body`, and closes both afterwards. */
const withJobStore = async <T>(
  config: ContactBackfillConfig,
  output: ImportOutput,
  body: (db: DataSource, platform: KafkaPlatform) => Promise<T>,
): Promise<T> => {
  const db = await openContactImportDatabase(config.databaseUrl);
  const platform = new KafkaPlatform(
    {
      brokers: parseBrokers(config.kafkaBrokers),
      clientId: 'ops-cli-import-contacts',
      registryUrl: config.schemaRegistryUrl,
    },
    { log: () => undefined, warn: (m) => output.warn(m), error: (m) => output.warn(m) },
  );
  try {
    return await body(db, platform);
  } finally {
    await platform.close();
    await db.destroy();
  }
};

interface RunContext {
  request: ContactBackfillRequest;
  source: ContactPageSource;
  output: ImportOutput;
  progress: ContactProgress;
  signal: AbortSignal | undefined;
  now: () => number;
}

const hubSpotSource = async (
  request: ContactBackfillRequest,
  io: ContactBackfillIo & { gate: HubSpotCallGate },
  config: ContactBackfillConfig,
): Promise<ContactPageSource> => {
  const configured = new StaticTokenProvider(staticTokensOf(config.hubspotPortals));
  const token =
    request.token ??
    (await configured.accessToken(request.portalId).catch(() => undefined)) ??
    config.hubspotAccessToken;
  if (!token)
    throw new ImportUsageError(
      `no HubSpot token for portal ${request.portalId}: --token, HUBSPOT_PORTALS or HUBSPOT_ACCESS_TOKEN`,
    );
  return new HubSpotContactPageSource({
    portalId: request.portalId,
    accessToken: token,
    basePath: request.baseUrl ?? config.hubspotBaseUrl,
    gate: io.gate,
    ...(request.sinceMs === undefined ? {} : { sinceMs: request.sinceMs }),
    ...(io.numberOfApiCallRetries === undefined ? {} : { numberOfApiCallRetries: io.numberOfApiCallRetries }),
  });
};

const runJob = async (
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
const execute = async (
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
const totalOf = async (source: ContactPageSource, output: ImportOutput): Promise<number | undefined> => {
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

const emptyState = (): ContactBackfillState => ({
  cursor: undefined,
  pages: 0,
  read: 0,
  emitted: 0,
  withoutEmail: 0,
});

const summaryOf = (
  importId: string | null,
  status: ContactBackfillSummary['status'],
  request: ContactBackfillRequest,
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
