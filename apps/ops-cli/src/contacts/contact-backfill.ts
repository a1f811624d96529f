import { KafkaPlatform, parseBrokers } from '@hubheap/kafka';
import {
  HubSpotRateBudget,
  StaticTokenProvider,
  requestsPer10sOf,
  staticTokensOf,
  type HubSpotCallGate,
} from '@hubheap/hubspot';
import type { DataSource } from 'typeorm';
import { processOutput, type ImportOutput } from '../import/import-output';
import { ImportUsageError } from '../import/import.errors';
import { loadContactBackfillConfig, type ContactBackfillConfig } from './contact-backfill.config';
import {
  emptyState,
  execute,
  runJob,
  totalOf,
  type ContactBackfillSummary,
  type RunContext,
} from './contact-backfill.execution';
import { contactProgressFor, type ContactProgress } from './contact-backfill.progress';
import { openContactImportDatabase } from './contact-import-database';
import { HubSpotContactPageSource, type ContactPageSource } from './contact-page.source';

export type { ContactBackfillSummary } from './contact-backfill.execution';

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
  const gate = gateOf(io, config);
  try {
    const source = io.source ?? (await hubSpotSource(request, { ...io, gate: gate.gate }, config));
    const run: RunContext = {
      request,
      source,
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
    await gate.close();
  }
};

/**
 * The injected gate (its owner closes it), else the shared HubSpot rate budget on the ops database
 * (hubspot-api.md §6), closed by this run.
 */
const gateOf = (
  io: ContactBackfillIo,
  config: ContactBackfillConfig,
): { gate: HubSpotCallGate; close: () => Promise<void> } => {
  if (io.gate) return { gate: io.gate, close: async () => undefined };
  const budget = HubSpotRateBudget.fromDatabaseUrl(config.databaseUrl, {
    portalRequestsPerWindow: requestsPer10sOf(config.hubspotPortals),
  });
  return { gate: budget, close: () => budget.close() };
};

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
