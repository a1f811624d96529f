import { EmailEventsClient, type EmailEventsClientOptions, type RawEmailEvent } from '@hubheap/hubspot';
import type { PortalCredentials } from '../webhook-intake.config';
import type { PollWindow } from './email-poll.planner';

/** In-client retry of one page; the poller's own backoff (next tick) handles longer outages. */
export type PageRetryOptions = Pick<EmailEventsClientOptions, 'numberOfApiCallRetries' | 'retryDelaysMs'>;

/** Events of one window, newest first as HubSpot pages them; `overflow` when more than the cap exist. */
export interface FetchedWindow {
  events: RawEmailEvent[];
  overflow: boolean;
  pages: number;
}

/** Default page retry: 2 attempts, short waits, so a poll never stalls a shutdown for long. */
export const DEFAULT_PAGE_RETRY: PageRetryOptions = {
  numberOfApiCallRetries: 2,
  retryDelaysMs: { serverError: 500, tenSecondlyRolling: 5_000, secondly: 1_000 },
};

class WindowOverflow extends Error {}

/**
 * Reads `GET /email/public/v1/events` (hubspot-api.md §2.2) for the configured portals, one
 * EmailEventsClient per access token. `excludeFilteredEvents=false`: filtered (bot/prefetch) events are
 * kept and marked, the downstream mapper decides about them.
 */
export class PortalEmailEventsClient {
  private readonly clients = new Map<string, EmailEventsClient>();

  constructor(private readonly options: { basePath: string; pageLimit: number; retry?: PageRetryOptions }) {}

  /**
   * Every event with `created` in `window` (inclusive, ms epoch), or — once more than `maxEvents`
   * arrived — `overflow: true` with the pages read so far (the caller narrows the window).
   * Throws HubSpotRetriableError (429/5xx/unreachable), HubSpotAuthError (401/403), HubSpotRequestError.
   */
  async fetch(portal: PortalCredentials, window: PollWindow, maxEvents: number): Promise<FetchedWindow> {
    const events: RawEmailEvent[] = [];
    let pages = 0;
    try {
      await this.clientFor(portal).fetchWindow({
        startTimestamp: window.startTimestamp,
        endTimestamp: window.endTimestamp,
        limit: this.options.pageLimit,
        excludeFilteredEvents: false,
        onPage: async (page) => {
          pages += 1;
          events.push(...page);
          if (events.length > maxEvents) throw new WindowOverflow();
        },
      });
    } catch (error) {
      if (error instanceof WindowOverflow) return { events, overflow: true, pages };
      throw error;
    }
    return { events, overflow: false, pages };
  }

  private clientFor(portal: PortalCredentials): EmailEventsClient {
    let client = this.clients.get(portal.accessToken);
    if (!client) {
      const retry = this.options.retry ?? DEFAULT_PAGE_RETRY;
      client = new EmailEventsClient({
        accessToken: portal.accessToken,
        basePath: this.options.basePath,
        ...retry,
      });
      this.clients.set(portal.accessToken, client);
    }
    return client;
  }
}
