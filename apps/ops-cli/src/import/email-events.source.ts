import { EmailEventsClient, type EmailEventsClientOptions, type RawEmailEvent } from '@hubheap/hubspot';
import { toQueryBounds, type ImportWindow } from './import-window.planner';

/** Page retry of the import's HubSpot client (attempts and base delays in ms; libs/hubspot policy). */
export type ImportPageRetry = Pick<EmailEventsClientOptions, 'numberOfApiCallRetries' | 'retryDelaysMs'>;

/** Events of one window, newest first as HubSpot pages them; `overflow` once more than the cap arrived. */
export interface FetchedWindow {
  events: RawEmailEvent[];
  overflow: boolean;
}

/** Where the import reads a window's events from; {@link HubSpotEmailEventSource} in production. */
export interface ImportEventSource {
  fetch(window: ImportWindow, maxEvents: number): Promise<FetchedWindow>;
}

class WindowOverflow extends Error {}

/**
 * Default gap between HubSpot requests, ms: at most 50 per 10 s, half the smallest burst limit (100 / 10 s,
 * hubspot-api.md §6), because the import shares the app's budget with the live poller.
 */
export const DEFAULT_MIN_REQUEST_INTERVAL_MS = 200;

/**
 * Reads `GET /email/public/v1/events` (hubspot-api.md §2.2) with `limit=1000`, following `offset` while
 * `hasMore` (EmailEventsClient, which also retries 429/5xx). Filtered events are kept (no
 * `excludeFilteredEvents`), as the live poller does: identity-resolution decides about them.
 */
export class HubSpotEmailEventSource implements ImportEventSource {
  private readonly client: EmailEventsClient;

  constructor(options: {
    accessToken: string;
    basePath: string;
    retry?: ImportPageRetry;
    /** Minimum gap between requests, ms (SDK Bottleneck limiter); 0 = none. */
    minRequestIntervalMs?: number;
  }) {
    const minTime = options.minRequestIntervalMs ?? DEFAULT_MIN_REQUEST_INTERVAL_MS;
    this.client = new EmailEventsClient({
      accessToken: options.accessToken,
      basePath: options.basePath,
      ...options.retry,
      ...(minTime > 0 ? { limiterOptions: { maxConcurrent: 1, minTime } } : {}),
    });
  }

  /**
   * Every event of the half-open `window` (ms epoch), or — once more than `maxEvents` arrived —
   * `overflow: true` with what was read so far. Throws HubSpotRetriableError (after retries),
   * HubSpotAuthError (401/403) or HubSpotRequestError.
   */
  async fetch(window: ImportWindow, maxEvents: number): Promise<FetchedWindow> {
    const events: RawEmailEvent[] = [];
    try {
      await this.client.fetchWindow({
        ...toQueryBounds(window),
        limit: 1000,
        onPage: async (page) => {
          events.push(...page);
          if (events.length > maxEvents) throw new WindowOverflow();
        },
      });
    } catch (error) {
      if (error instanceof WindowOverflow) return { events, overflow: true };
      throw error;
    }
    return { events, overflow: false };
  }
}
