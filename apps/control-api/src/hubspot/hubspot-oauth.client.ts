import type { HubSpotCallGate } from '@hubheap/hubspot';

/** Tokens from `POST /oauth/v1/token` (hubspot-api.md §5.1); `expiresIn` in seconds. */
export interface HubSpotTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Metadata of an access token (`GET /oauth/v1/access-tokens/{token}`, §5.1). */
export interface AccessTokenInfo {
  hubId: number;
  scopes: string[];
}

/**
 * A refused OAuth call (4xx: bad code, bad or deleted refresh token, wrong client). `code` is HubSpot's
 * `status` field (e.g. `BAD_REFRESH_TOKEN`); the message never contains a token.
 */
export class HubSpotOAuthError extends Error {
  override name = 'HubSpotOAuthError';
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** HubSpot did not answer usefully (timeout, network, 5xx): worth retrying later. */
export class HubSpotOAuthUnavailableError extends Error {
  override name = 'HubSpotOAuthUnavailableError';
  readonly retriable = true;
}

/** Where and as whom to call the OAuth endpoints. */
export interface HubSpotOAuthClientOptions {
  apiBase: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  timeoutMs: number;
}

/**
 * HubSpot OAuth v1 endpoints (hubspot-api.md §5.1): code exchange, refresh, token metadata and
 * refresh-token deletion. Form-encoded bodies; every call runs through the portal's HubSpotCallGate.
 * Errors name the endpoint, never the token (tokens travel in paths of the metadata/delete calls).
 */
export class HubSpotOAuthClient {
  constructor(
    private readonly options: HubSpotOAuthClientOptions,
    private readonly gate: HubSpotCallGate,
  ) {}

  /** `grant_type=authorization_code`. @throws HubSpotOAuthError (400 bad code) or HubSpotOAuthUnavailableError. */
  exchangeCode(portalId: number, code: string): Promise<HubSpotTokens> {
    return this.token(portalId, {
      grant_type: 'authorization_code',
      redirect_uri: this.options.redirectUri,
      code,
    });
  }

  /** `grant_type=refresh_token`; HubSpot answers the same refresh token and a new 30-minute access token. */
  refresh(portalId: number, refreshToken: string): Promise<HubSpotTokens> {
    return this.token(portalId, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** `GET /oauth/v1/access-tokens/{token}` → hub_id and scopes. */
  async accessTokenInfo(portalId: number, accessToken: string): Promise<AccessTokenInfo> {
    const body = await this.call(
      portalId,
      'access-token metadata',
      `/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`,
      {
        method: 'GET',
      },
    );
    return {
      hubId: Number(body['hub_id']),
      scopes: Array.isArray(body['scopes']) ? (body['scopes'] as string[]) : [],
    };
  }

  /** `DELETE /oauth/v1/refresh-tokens/{token}` (204); an unknown token (404) counts as deleted. */
  async deleteRefreshToken(portalId: number, refreshToken: string): Promise<void> {
    try {
      await this.call(
        portalId,
        'refresh-token delete',
        `/oauth/v1/refresh-tokens/${encodeURIComponent(refreshToken)}`,
        {
          method: 'DELETE',
        },
      );
    } catch (error) {
      if (error instanceof HubSpotOAuthError && error.httpStatus === 404) return;
      throw error;
    }
  }

  private async token(portalId: number, grant: Record<string, string>): Promise<HubSpotTokens> {
    const body = await this.call(portalId, 'token', '/oauth/v1/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...grant,
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret ?? '',
      }).toString(),
    });
    const accessToken = body['access_token'];
    const refreshToken = body['refresh_token'];
    const expiresIn = Number(body['expires_in']);
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || !Number.isFinite(expiresIn)) {
      throw new HubSpotOAuthUnavailableError(
        'HubSpot token response lacks access_token, refresh_token or expires_in',
      );
    }
    return { accessToken, refreshToken, expiresIn };
  }

  private call(
    portalId: number,
    what: string,
    path: string,
    init: RequestInit,
  ): Promise<Record<string, unknown>> {
    return this.gate.run(portalId, async () => {
      let res: Response;
      try {
        res = await fetch(`${this.options.apiBase.replace(/\/$/, '')}${path}`, {
          ...init,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        const reason = error instanceof Error ? error.name : 'error';
        throw new HubSpotOAuthUnavailableError(`HubSpot OAuth ${what} call failed (${reason})`);
      }
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        body = {};
      }
      if (res.status >= 500 || res.status === 429) {
        throw new HubSpotOAuthUnavailableError(`HubSpot OAuth ${what} answered ${res.status}`);
      }
      if (!res.ok) {
        const code =
          typeof body['status'] === 'string'
            ? body['status']
            : typeof body['error'] === 'string'
              ? body['error']
              : 'error';
        const message = typeof body['message'] === 'string' ? body['message'] : '';
        throw new HubSpotOAuthError(
          res.status,
          code,
          `HubSpot OAuth ${what} refused (${res.status} ${code}) ${message}`.trim(),
        );
      }
      return body;
    });
  }
}

/** A gate that just runs the call (until the shared HubSpotRateBudget is wired in). */
export const passThroughGate: HubSpotCallGate = { run: (_portalId, call) => call() };
