import { KafkaPlatform, parseBrokers } from '@hubheap/kafka';
import { HUBSPOT_EMAIL_EVENTS, type HubSpotEmailEvent } from '@hubheap/schemas';
import type { DataSource } from 'typeorm';
import { HubSpotEmailEventSource, type ImportEventSource, type ImportPageRetry } from './email-events.source';
import { runImportWindows, type ImportTotals } from './email-import.runner';
import { openImportDatabase } from './import-database';
import type { ImportJobEntity } from './import-job.entity';
import { ImportJobRepository } from './import-job.repository';
import { processOutput, type ImportOutput } from './import-output';
import { progressFor, type ImportProgress } from './import-progress';
import { gridWindowCount, gridWindowsDone, type ImportRange } from './import-window.planner';
import { loadImportConfig } from './import.config';
import { ImportUsageError } from './import.errors';

/** Default cap of events per window before it is halved: keeps offset paging short-lived (§2.2). */
export const DEFAULT_MAX_WINDOW_EVENTS = 10_000;

/** Records per Kafka request: keeps each request well under the broker's 1 MB batch limit. */
const PRODUCE_SLICE = 250;

/** A request for `import email-events`, parsed. All instants ms epoch, `windowMs` ms. */
export interface EmailEventsImportRequest {
  /** Required for a new import; on `resume` it must match the job's portal when given. */
  portalId?: number;
  fromMs?: number;
  /** Exclusive end; default now. */
  toMs?: number;
  windowMs: number;
  /** HubSpot token of the portal (never stored); default env HUBSPOT_ACCESS_TOKEN. */
  token?: string;
  /** Default env HUBSPOT_BASE_URL, else `https://api.hubapi.com`. */
  baseUrl?: string;
  /** Import id to continue. */
  resume?: string;
  /** Fetch and count only: no Kafka, no job row. */
  dryRun?: boolean;
  maxWindowEvents?: number;
}

/** Injected I/O; every field has a production default. */
export interface EmailEventsImportIo {
  output?: ImportOutput;
  progress?: ImportProgress;
  env?: NodeJS.ProcessEnv;
  /** HubSpot page retry (tests shorten the delays). */
  retry?: ImportPageRetry;
  /** Minimum gap between HubSpot requests, ms (default DEFAULT_MIN_REQUEST_INTERVAL_MS; tests use 0). */
  minRequestIntervalMs?: number;
  now?: () => number;
}

/** What an import run ended with (counts are the job's totals, over every run of it). */
export interface ImportSummary extends ImportTotals {
  /** `null` on a dry run. */
  importId: string | null;
  status: 'completed' | 'failed' | 'dry-run';
  portalId: number;
  fromMs: number;
  toMs: number;
  windowsTotal: number;
  /** Wall time of this run, ms. */
  elapsedMs: number;
  error?: string;
}

/**
 * Runs `import email-events`: a new import (or `resume` of one) of a portal's email events over
 * [fromMs, toMs), produced oldest first per window to `hubspot.email-events.v1` with `source: 'import'`.
 * A failure during the windows ends the job `failed` and comes back as `status: 'failed'` (resume it);
 * bad arguments throw ImportUsageError, a job held by another process ImportJobBusyError, and an
 * unreachable Postgres/Kafka their own errors.
 */
export const runEmailEventsImport = async (
  request: EmailEventsImportRequest,
  io: EmailEventsImportIo = {},
): Promise<ImportSummary> => {
  const output = io.output ?? processOutput;
  const config = loadImportConfig(io.env ?? process.env);
  const token = request.token ?? config.hubspotAccessToken;
  if (!token) throw new ImportUsageError('a HubSpot token is required: --token or HUBSPOT_ACCESS_TOKEN');
  const source = new HubSpotEmailEventSource({
    accessToken: token,
    basePath: request.baseUrl ?? config.hubspotBaseUrl,
    retry: io.retry,
    minRequestIntervalMs: io.minRequestIntervalMs,
  });
  const run = { source, output, progress: io.progress ?? progressFor(output), now: io.now ?? Date.now };
  const maxWindowEvents = request.maxWindowEvents ?? DEFAULT_MAX_WINDOW_EVENTS;

  if (request.dryRun) {
    if (request.resume) throw new ImportUsageError('--dry-run cannot be combined with --resume');
    const { portalId, range } = newImport(request, run.now());
    return execute(
      run,
      { portalId, range, nextWindowStart: range.fromMs, totals: emptyTotals() },
      maxWindowEvents,
    );
  }

  const db = await openImportDatabase(config.databaseUrl);
  const platform = new KafkaPlatform(
    {
      brokers: parseBrokers(config.kafkaBrokers),
      clientId: 'ops-cli-import',
      registryUrl: config.schemaRegistryUrl,
    },
    { log: () => undefined, warn: (m) => output.warn(m), error: (m) => output.warn(m) },
  );
  try {
    return await runJob(request, run, db, platform, maxWindowEvents);
  } finally {
    await platform.close();
    await db.destroy();
  }
};

interface RunContext {
  source: ImportEventSource;
  output: ImportOutput;
  progress: ImportProgress;
  now: () => number;
}

interface JobState {
  importId?: string;
  portalId: number;
  range: ImportRange;
  nextWindowStart: number;
  totals: ImportTotals;
}

const runJob = async (
  request: EmailEventsImportRequest,
  run: RunContext,
  db: DataSource,
  platform: KafkaPlatform,
  maxWindowEvents: number,
): Promise<ImportSummary> => {
  const jobs = new ImportJobRepository(db);
  const job = request.resume ? await resumable(jobs, request) : await createJob(jobs, request, run.now());
  const release = await jobs.lock(job.id);
  try {
    const state = stateOf(job);
    if (job.status === 'completed') {
      run.output.info(`import ${job.id} is already completed; nothing to do`);
      return summaryOf(state, 'completed', 0);
    }
    if (request.resume) await jobs.markRunning(job.id);
    await platform.provision([HUBSPOT_EMAIL_EVENTS]);
    const producer = await platform.producer();
    const produce = async (records: HubSpotEmailEvent[]): Promise<void> => {
      for (let i = 0; i < records.length; i += PRODUCE_SLICE) {
        await producer.send(
          HUBSPOT_EMAIL_EVENTS,
          records.slice(i, i + PRODUCE_SLICE).map((value) => ({ value })),
        );
      }
    };
    const summary = await execute(run, state, maxWindowEvents, {
      produce,
      commit: (previousStart, commit) => jobs.commitWindow(job.id, previousStart, commit),
    });
    await jobs.finish(job.id, summary.status === 'failed' ? 'failed' : 'completed', summary.error);
    return summary;
  } finally {
    await release();
  }
};

/** Runs the windows with progress; a failure becomes a `failed` summary at the last committed point. */
const execute = async (
  run: RunContext,
  state: JobState,
  maxWindowEvents: number,
  sink: Pick<Parameters<typeof runImportWindows>[4], 'produce' | 'commit'> = {},
): Promise<ImportSummary> => {
  const startedAt = Date.now();
  let totals = state.totals;
  run.progress.start(gridWindowCount(state.range), gridWindowsDone(state.range, state.nextWindowStart));
  try {
    totals = await runImportWindows(state.portalId, state.range, state.nextWindowStart, totals, {
      source: run.source,
      ...sink,
      onWindow: (progress) => {
        totals = progress.totals;
        run.progress.window(progress);
      },
      maxWindowEvents,
      now: run.now,
    });
  } catch (error) {
    run.progress.stop();
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return summaryOf({ ...state, totals }, 'failed', Date.now() - startedAt, message);
  }
  run.progress.stop();
  return summaryOf({ ...state, totals }, sink.produce ? 'completed' : 'dry-run', Date.now() - startedAt);
};

const newImport = (
  request: EmailEventsImportRequest,
  nowMs: number,
): { portalId: number; range: ImportRange } => {
  if (request.portalId === undefined) throw new ImportUsageError('--portal is required for a new import');
  if (request.fromMs === undefined) throw new ImportUsageError('--from is required for a new import');
  const range = { fromMs: request.fromMs, toMs: request.toMs ?? nowMs, windowMs: request.windowMs };
  if (range.toMs <= range.fromMs) throw new ImportUsageError('--to must be after --from');
  return { portalId: request.portalId, range };
};

const createJob = async (
  jobs: ImportJobRepository,
  request: EmailEventsImportRequest,
  nowMs: number,
): Promise<ImportJobEntity> => {
  const { portalId, range } = newImport(request, nowMs);
  return jobs.create(portalId, range);
};

/** The job to resume; its own portal, range and window size win (flags must not contradict them). */
const resumable = async (
  jobs: ImportJobRepository,
  request: EmailEventsImportRequest,
): Promise<ImportJobEntity> => {
  const job = await jobs.find(request.resume!);
  if (!job) throw new ImportUsageError(`no import with id ${request.resume}`);
  if (request.portalId !== undefined && request.portalId !== job.portalId)
    throw new ImportUsageError(`import ${job.id} is of portal ${job.portalId}, not ${request.portalId}`);
  return job;
};

const stateOf = (job: ImportJobEntity): JobState => ({
  importId: job.id,
  portalId: job.portalId,
  range: { fromMs: job.fromMs, toMs: job.toMs, windowMs: job.windowMs },
  nextWindowStart: job.nextWindowStart,
  totals: {
    fetched: job.fetched,
    produced: job.produced,
    windowsDone: job.windowsDone,
    typeCounts: job.typeCounts,
    skipped: 0,
  },
});

const emptyTotals = (): ImportTotals => ({
  fetched: 0,
  produced: 0,
  windowsDone: 0,
  typeCounts: {},
  skipped: 0,
});

const summaryOf = (
  state: JobState,
  status: ImportSummary['status'],
  elapsedMs: number,
  error?: string,
): ImportSummary => ({
  ...state.totals,
  importId: state.importId ?? null,
  status,
  portalId: state.portalId,
  fromMs: state.range.fromMs,
  toMs: state.range.toMs,
  windowsTotal: gridWindowCount(state.range),
  elapsedMs,
  ...(error === undefined ? {} : { error }),
});
