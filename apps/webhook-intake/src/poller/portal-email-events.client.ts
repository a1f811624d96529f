import { EmailEventsClient, type HubSpotCallGate, type RawEmailEvent } from '@hubheap/hubspot';
import type { PortalCredentials } from '../webhook-intake.config';
import type { PollWindow } from './email-poll.planner';

/** Events of one window, newest first as HubSpot pages them; `overflow` when more than the cap exist. */
export interface FetchedWindow {
  events: RawEmailEvent[];
  overflow: boolean;
  pages: number;
}

class WindowOverflow extends Error {}

/**
 * Reads `GET /email/public/v1/events` (hubspot-api.md §2.2) for the configured portals, one
 * EmailEventsClient per access token. Every page request goes through `gate` (the shared HubSpot rate
 * budget): it waits for the portal's budget, retries 429s and 5xx, and throws what it gives up on.
 * `excludeFilteredEvents=false`: filtered (bot/prefetch) events are kept and marked, the downstream
 * mapper decides about them.
 */
export class PortalEmailEventsClient {
  /** portalId → the client of the portal's current token (replaced when control-api hands out a new one). */
  private readonly clients = new Map<number, { accessToken: string; client: EmailEventsClient }>();

  constructor(private readonly options: { basePath: string; pageLimit: number; gate: HubSpotCallGate }) {}

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
    const cached = this.clients.get(portal.portalId);
    if (cached?.accessToken === portal.accessToken) return cached.client;
    const client = new EmailEventsClient({
      accessToken: portal.accessToken,
      basePath: this.options.basePath,
      numberOfApiCallRetries: 0,
      gate: { gate: this.options.gate, portalId: portal.portalId },
    });
    this.clients.set(portal.portalId, { accessToken: portal.accessToken, client });
    return client;
  }
}
