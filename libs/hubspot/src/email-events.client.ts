import { Client } from '@hubspot/api-client';
import type Bottleneck from 'bottleneck';
import { z } from 'zod';
import { HubSpotRequestError, HubSpotRetriableError, hubSpotErrorFromResponse } from './hubspot.errors';
import { DEFAULT_RETRY_DELAYS_MS, hubSpotRetryDelayMs, type RetryDelaysMs } from './hubspot-retry.policy';
import type { HubSpotCallGate } from './portal-access';

/** One event object exactly as `GET /email/public/v1/events` returned it (hubspot-api.md §2.3–§2.4). */
export type RawEmailEvent = Record<string, unknown>;

export interface EmailEventsClientOptions {
  /** OAuth access token or private-app token with the `content` scope (§2, §5). */
  accessToken: string;
  /** API origin, default `https://api.hubapi.com`; point it at a local fake in tests. */
  basePath?: string;
  /** Total attempts for retriable answers, 0–6 like the SDK option (0 and 1 both mean one try). Default 3. */
  numberOfApiCallRetries?: number;
  /** Bottleneck options handed to the SDK (e.g. `DEFAULT_LIMITER_OPTIONS`). Default none. */
  limiterOptions?: Bottleneck.ConstructorOptions;
  retryDelaysMs?: Partial<RetryDelaysMs>;
  /** Waits between attempts; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The portal's rate budget (HubSpotRateBudget, rate-budget.ts). When given, every page request goes
   * through `gate.run(portalId, …)`, which waits for the budget and does all retrying (429 by policyName,
   * 5xx with backoff); `numberOfApiCallRetries` and `retryDelaysMs` are then unused.
   */
  gate?: { gate: HubSpotCallGate; portalId: number };
}

export interface FetchWindowOptions {
  /** Inclusive lower bound on `created`, ms since the Unix epoch. */
  startTimestamp: number;
  /** Inclusive upper bound on `created`, ms since the Unix epoch. */
  endTimestamp: number;
  /** Page size, 1–1000 (HubSpot's maximum). Default 1000. */
  limit?: number;
  /** Sent as `excludeFilteredEvents` when set; HubSpot's default is false (§2.2). */
  excludeFilteredEvents?: boolean;
  /** When given, each page is handed over here (1-based `pageNo`) and not accumulated. */
  onPage?: (events: RawEmailEvent[], pageNo: number) => Promise<void>;
}

export interface FetchWindowResult {
  /** Every raw event of the window, newest first as HubSpot pages them; empty when `onPage` is used. */
  events: RawEmailEvent[];
  pageCount: number;
  eventCount: number;
}

const EVENTS_PATH = '/email/public/v1/events';

const pageSchema = z.object({
  events: z.array(z.record(z.unknown())),
  hasMore: z.boolean(),
  offset: z.union([z.string(), z.number()]).nullish(),
});
type EventsPage = z.output<typeof pageSchema>;

/**
 * Reads the legacy marketing email event log, `GET /email/public/v1/events` (hubspot-api.md §2.2),
 * through `Client.apiRequest` of @hubspot/api-client (base path, bearer auth and limiter of the SDK).
 *
 * Why the retry lives here: `apiRequest` returns the raw fetch `Response` and does not throw on
 * non-2xx, and the SDK's retry decorator only retries *thrown* errors carrying an HTTP `code`, so
 * `numberOfApiCallRetries` never applies to it (checked in @hubspot/api-client 14.0.1 source:
 * client.js, RetryDecorator.js). This client checks the status itself and repeats the SDK's policy:
 * 5xx (and no response) wait 200 ms × attempt, 429 `TEN_SECONDLY_ROLLING` 10 s × attempt, the search
 * "secondly limit" 1 s × attempt, up to `numberOfApiCallRetries` attempts. `DAILY` 429s are not retried.
 *
 * SDK caveat (§7): decorators (limiter, retries) are a process-wide singleton replaced by every
 * `new Client()`; `apiRequest` uses whichever client was constructed last. Keep one per process.
 * Requests have no deadline of their own: Node's fetch gives up after 300 s without headers or body data.
 */
export class EmailEventsClient {
  private readonly client: Client;
  private readonly maxAttempts: number;
  private readonly delays: RetryDelaysMs;
  private readonly sleep: (ms: number) => Promise<void>;

  /** @throws RangeError when `numberOfApiCallRetries` is outside 0–6. */
  constructor(private readonly options: EmailEventsClientOptions) {
    const retries = options.numberOfApiCallRetries ?? 3;
    if (!Number.isInteger(retries) || retries < 0 || retries > 6) {
      throw new RangeError(`numberOfApiCallRetries must be 0–6, got ${retries}`);
    }
    this.client = new Client({
      accessToken: options.accessToken,
      basePath: (options.basePath ?? 'https://api.hubapi.com').replace(/\/+$/, ''),
      numberOfApiCallRetries: retries,
      ...(options.limiterOptions ? { limiterOptions: options.limiterOptions } : {}),
    });
    this.maxAttempts = Math.max(1, retries);
    this.delays = { ...DEFAULT_RETRY_DELAYS_MS, ...options.retryDelaysMs };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Fetches every event with `created` in [startTimestamp, endTimestamp] (ms epoch, inclusive),
   * following `offset` while `hasMore` (§2.2). Pages are requested one at a time; a page that fails
   * is retried with the same offset.
   * @throws RangeError for an invalid window or limit (nothing is requested).
   * @throws HubSpotRetriableError after the retries (429, 5xx, no response); HubSpotAuthError (401/403);
   *   HubSpotRequestError (other 4xx, a body that is not `{events[], hasMore, offset}`, or `hasMore`
   *   without a new offset). Errors thrown by `onPage` propagate unchanged.
   */
  async fetchWindow(options: FetchWindowOptions): Promise<FetchWindowResult> {
    const baseQuery = windowQuery(options);
    const events: RawEmailEvent[] = [];
    let offset: string | undefined;
    let pageCount = 0;
    let eventCount = 0;
    do {
      const page = await this.fetchPage(offset === undefined ? baseQuery : { ...baseQuery, offset });
      pageCount += 1;
      eventCount += page.events.length;
      if (options.onPage) await options.onPage(page.events, pageCount);
      else events.push(...page.events);
      offset = nextOffset(page, offset);
    } while (offset !== undefined);
    return { events, pageCount, eventCount };
  }

  private async fetchPage(qs: Record<string, string>): Promise<EventsPage> {
    const gated = this.options.gate;
    if (gated) return gated.gate.run(gated.portalId, () => this.requestPage(qs));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.requestPage(qs);
      } catch (error) {
        const delay = hubSpotRetryDelayMs(error, attempt, this.maxAttempts, this.delays);
        if (delay === undefined) throw error;
        await this.sleep(delay);
      }
    }
  }

  private async requestPage(qs: Record<string, string>): Promise<EventsPage> {
    let status: number;
    let text: string;
    try {
      const response = await this.client.apiRequest({ method: 'GET', path: EVENTS_PATH, qs });
      status = response.status;
      text = await response.text();
    } catch (cause) {
      throw new HubSpotRetriableError(`HubSpot unreachable: ${String(cause)}`, {
        status: 0,
        body: undefined,
        cause,
      });
    }
    if (status < 200 || status >= 300) throw hubSpotErrorFromResponse(status, text);
    return parsePage(status, text);
  }
}

const windowQuery = (options: FetchWindowOptions): Record<string, string> => {
  const { startTimestamp, endTimestamp, limit = 1000, excludeFilteredEvents } = options;
  if (
    !Number.isSafeInteger(startTimestamp) ||
    !Number.isSafeInteger(endTimestamp) ||
    startTimestamp > endTimestamp
  ) {
    throw new RangeError(
      `invalid window [${startTimestamp}, ${endTimestamp}]: ms-epoch integers, start ≤ end`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new RangeError(`limit must be 1–1000, got ${limit}`);
  const qs: Record<string, string> = {
    startTimestamp: String(startTimestamp),
    endTimestamp: String(endTimestamp),
    limit: String(limit),
  };
  if (excludeFilteredEvents !== undefined) qs['excludeFilteredEvents'] = String(excludeFilteredEvents);
  return qs;
};

const parsePage = (status: number, text: string): EventsPage => {
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // keep the text as body: the shape check below reports it
  }
  const page = pageSchema.safeParse(body);
  if (!page.success) {
    throw new HubSpotRequestError('HubSpot email events answer is not {events[], hasMore, offset}', {
      status,
      body,
    });
  }
  return page.data;
};

/** The offset of the next page, or undefined at the end; guards against a server that loops. */
const nextOffset = (page: EventsPage, previous: string | undefined): string | undefined => {
  if (!page.hasMore) return undefined;
  const next = page.offset === null || page.offset === undefined ? '' : String(page.offset);
  if (next === '' || next === previous) {
    throw new HubSpotRequestError('HubSpot email events answered hasMore without a new offset', {
      status: 200,
      body: page,
    });
  }
  return next;
};
