import type { HubSpotTokenProvider } from './portal-access';

/** Why {@link ControlApiTokenProvider} could not return a token. `retriable`: try again later. */
export class HubSpotTokenUnavailableError extends Error {
  readonly retriable: boolean;
  /** HTTP status of control-api; 0 when it did not answer or the answer was unreadable. */
  readonly status: number;

  constructor(message: string, details: { status: number; retriable: boolean; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'HubSpotTokenUnavailableError';
    this.status = details.status;
    this.retriable = details.retriable;
  }
}

/** Options of {@link ControlApiTokenProvider}. */
export interface ControlApiTokenProviderOptions {
  /** control-api origin (CONTROL_API_URL), e.g. `http://control-api:3006`; a trailing slash is ignored. */
  controlApiUrl: string;
  /** Shared secret of the internal API (INTERNAL_API_KEY), sent as `Authorization: Bearer <key>`. */
  internalApiKey: string;
  /** A cached token is refreshed this long before its `expiresAt` (ms). Default 60 000. */
  refreshBeforeExpiryMs?: number;
  /** Deadline of one control-api request (ms). Default 10 000. */
  timeoutMs?: number;
  /** Clock, ms epoch. Default `Date.now`. */
  now?: () => number;
}

interface CachedToken {
  accessToken: string;
  /** ms epoch after which the token is fetched again; Infinity when control-api gave no expiry. */
  refreshAt: number;
}

/**
 * HubSpot access tokens from control-api, which holds each portal's OAuth tokens and refreshes them
 * (hubspot-api.md §5.1: access tokens live 30 min). `GET ${controlApiUrl}/internal/portals/:portalId/hubspot-token`
 * with `Authorization: Bearer <internalApiKey>` answers `{ "accessToken": string, "expiresAt": ISO-8601 | null }`.
 * Tokens are cached per portal until `refreshBeforeExpiryMs` before `expiresAt` (forever when null);
 * concurrent callers of one portal share one request.
 *
 * @throws HubSpotTokenUnavailableError — 401/403: control-api refused INTERNAL_API_KEY (not retriable);
 *   404: the portal has no HubSpot connection (not installed or disconnected; not retriable);
 *   other status, no answer, or a body without `accessToken`: retriable.
 */
export class ControlApiTokenProvider implements HubSpotTokenProvider {
  private readonly cache = new Map<number, CachedToken>();
  private readonly inFlight = new Map<number, Promise<CachedToken>>();
  private readonly now: () => number;

  constructor(private readonly options: ControlApiTokenProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  async accessToken(portalId: number): Promise<string> {
    const cached = this.cache.get(portalId);
    if (cached && this.now() < cached.refreshAt) return cached.accessToken;
    let pending = this.inFlight.get(portalId);
    if (!pending) {
      pending = this.fetchToken(portalId).finally(() => this.inFlight.delete(portalId));
      this.inFlight.set(portalId, pending);
    }
    const fresh = await pending;
    this.cache.set(portalId, fresh);
    return fresh.accessToken;
  }

  /** Forgets `portalId`'s cached token, e.g. after HubSpot answered 401 with it. */
  invalidate(portalId: number): void {
    this.cache.delete(portalId);
  }

  private async fetchToken(portalId: number): Promise<CachedToken> {
    const base = this.options.controlApiUrl.replace(/\/+$/, '');
    const url = `${base}/internal/portals/${encodeURIComponent(String(portalId))}/hubspot-token`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${this.options.internalApiKey}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new HubSpotTokenUnavailableError(
        `portal ${portalId}: control-api unreachable at ${base} (${String(cause)})`,
        { status: 0, retriable: true, cause },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new HubSpotTokenUnavailableError(
        `portal ${portalId}: control-api refused INTERNAL_API_KEY (HTTP ${response.status})`,
        { status: response.status, retriable: false },
      );
    }
    if (response.status === 404) {
      throw new HubSpotTokenUnavailableError(
        `portal ${portalId}: control-api has no HubSpot connection for this portal (HTTP 404): install or reconnect the app`,
        { status: 404, retriable: false },
      );
    }
    if (!response.ok) {
      throw new HubSpotTokenUnavailableError(
        `portal ${portalId}: control-api answered HTTP ${response.status} for the HubSpot token`,
        { status: response.status, retriable: true },
      );
    }
    return this.parse(portalId, response.status, await response.text());
  }

  private parse(portalId: number, status: number, text: string): CachedToken {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const { accessToken, expiresAt } = (body ?? {}) as { accessToken?: unknown; expiresAt?: unknown };
    const expiryMs = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    const badExpiry = expiresAt !== null && expiresAt !== undefined && Number.isNaN(expiryMs);
    if (typeof accessToken !== 'string' || accessToken === '' || badExpiry) {
      throw new HubSpotTokenUnavailableError(
        `portal ${portalId}: control-api answer is not {"accessToken": string, "expiresAt": ISO-8601 | null}`,
        { status, retriable: true },
      );
    }
    const refreshAt = Number.isNaN(expiryMs)
      ? Number.POSITIVE_INFINITY
      : expiryMs - (this.options.refreshBeforeExpiryMs ?? 60_000);
    return { accessToken, refreshAt };
  }
}
