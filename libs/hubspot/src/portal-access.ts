/**
 * How apps reach one HubSpot portal: where its access token comes from and the rate budget every
 * HubSpot call of that portal spends. Every app that calls HubSpot (webhook-intake's poller,
 * identity-resolution, property-sync, segment-export, ops-cli) goes through these two seams, so a
 * portal's 100–190 requests per 10 s (hubspot-api.md §6) are shared by every replica of every app.
 */

/** A source of HubSpot access tokens (OAuth or private-app, hubspot-api.md §5) per portal. */
export interface HubSpotTokenProvider {
  /**
   * A token valid now for `portalId`. Implementations cache until shortly before expiry.
   * @throws Error when the portal has no token (not installed, or disconnected).
   */
  accessToken(portalId: number): Promise<string>;
}

/** Tokens from configuration (e.g. `HUBSPOT_PORTALS` private-app tokens): never expire. */
export class StaticTokenProvider implements HubSpotTokenProvider {
  constructor(private readonly tokens: ReadonlyMap<number, string>) {}

  async accessToken(portalId: number): Promise<string> {
    const token = this.tokens.get(portalId);
    if (!token) throw new Error(`no HubSpot access token configured for portal ${portalId}`);
    return token;
  }
}

/**
 * Runs one HubSpot call of a portal inside the portal's rate budget. A 429 from HubSpot waits (its
 * policyName decides how long, hubspot-api.md §6) and retries: the gate never drops a call; it throws
 * only non-retriable errors (4xx other than 429) or when the caller's deadline passes.
 */
export interface HubSpotCallGate {
  /**
   * @param portalId the HubSpot account the call spends budget of
   * @param call one HTTP request (an SDK call); called again after a 429 or 5xx
   * @param options optional: heartbeat while waiting, longest acceptable wait
   * @returns what `call` resolved to
   */
  run<T>(portalId: number, call: () => Promise<T>, options?: HubSpotCallOptions): Promise<T>;
}

/** Per-call options of {@link HubSpotCallGate.run}. */
export interface HubSpotCallOptions {
  /** Called at least every second while the call waits for budget (e.g. a Kafka consumer's heartbeat). */
  heartbeat?: () => Promise<void>;
  /**
   * Longest single wait accepted, in ms (default: the gate's). A longer one (e.g. after a `DAILY` 429)
   * throws HubSpotRetriableError (status 429) instead, so a Kafka consumer keeps its offsets and retries.
   */
  maxWaitMs?: number;
}
