import { randomBytes, randomUUID } from 'node:crypto';

/** OAuth behaviour of the fake (hubspot-api.md §5.1, §8 item 14). */
export interface HubSpotOAuthOptions {
  /** When set, `/oauth/v1/token` rejects another `client_id` (400 `BAD_CLIENT_ID`). */
  clientId?: string;
  /** When set, `/oauth/v1/token` rejects another `client_secret` (400 `BAD_CLIENT_SECRET`). */
  clientSecret?: string;
  /** `expires_in` of issued access tokens in seconds; HubSpot's is 1800. */
  accessTokenTtlSeconds: number;
  /** Scopes granted when the authorize request names none. */
  defaultScopes: string[];
  /** Portal `GET /oauth/authorize` (without a portal id in the path) installs into; unset → 400. */
  defaultPortalId?: number;
}

/** A status, a JSON payload (undefined = empty body) and extra headers, as the fake replies. */
export type OAuthReply = [number, unknown, Record<string, string>?];

interface Grant {
  portalId: number;
  scopes: string[];
  redirectUri: string;
}

interface AccessToken {
  portalId: number;
  scopes: string[];
  expiresAtMs: number;
}

const AUTHORIZE = /^\/oauth(?:\/(\d+))?\/authorize$/;
const ACCESS_TOKEN = /^\/oauth\/v1\/access-tokens\/([^/]+)$/;
const REFRESH_TOKEN = /^\/oauth\/v1\/refresh-tokens\/([^/]+)$/;

/** HubSpot's OAuth error body (`status` is the error code, not `"error"`; §5.1 "Failed exchange"). */
const oauthError = (status: string, message: string): Record<string, string> => ({
  status,
  message,
  correlationId: randomUUID(),
});

/**
 * The OAuth 2.0 endpoints of the HubSpot fake (hubspot-api.md §5.1):
 * - `GET /oauth/authorize` and `GET /oauth/{portalId}/authorize` (`client_id`, `redirect_uri`, `scope`, `state`):
 *   consents at once and answers 302 to `redirect_uri?code=…&state=…`;
 * - `POST /oauth/v1/token` (form body) with `grant_type=authorization_code` (single-use code, same `redirect_uri`)
 *   or `refresh_token` → `{token_type, access_token, refresh_token, expires_in}`; bad code/refresh token → 400;
 * - `GET /oauth/v1/access-tokens/{token}` → `{token, hub_id, scopes, expires_in, …}` (404 unknown or expired);
 * - `GET` / `DELETE /oauth/v1/refresh-tokens/{token}` (DELETE 204 deletes only the refresh token).
 * Issued access tokens are registered with the fake's portal through `register` and expire after
 * `accessTokenTtlSeconds` on the fake's clock ({@link isExpired}).
 */
export class HubSpotOAuth {
  private options: HubSpotOAuthOptions = {
    accessTokenTtlSeconds: 1800,
    defaultScopes: ['oauth', 'crm.objects.contacts.read', 'crm.lists.read', 'crm.lists.write', 'content'],
  };
  private readonly codes = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessToken>();

  constructor(
    private readonly now: () => number,
    private readonly register: (token: string, portalId: number) => void,
  ) {}

  /** Changes client credentials, token lifetime, default scopes or the default portal. */
  configure(options: Partial<HubSpotOAuthOptions>): void {
    this.options = { ...this.options, ...options };
  }

  /** Test setup: a single-use authorization code for `portalId`, as the consent screen would issue. */
  issueCode(portalId: number, redirectUri: string, scopes = this.options.defaultScopes): string {
    const code = randomUUID();
    this.codes.set(code, { portalId, scopes: [...scopes], redirectUri });
    return code;
  }

  /** True for an OAuth access token this fake issued whose lifetime ran out (other tokens never expire). */
  isExpired(token: string): boolean {
    const issued = this.accessTokens.get(token);
    return issued !== undefined && issued.expiresAtMs <= this.now();
  }

  /** Refresh tokens that still work (not deleted). */
  liveRefreshTokens(): string[] {
    return [...this.refreshTokens.keys()];
  }

  /** Answers an `/oauth/…` request; `undefined` when `path` is not an OAuth endpoint. */
  route(method: string, path: string, params: URLSearchParams, rawBody: string): OAuthReply | undefined {
    const authorize = AUTHORIZE.exec(path);
    if (authorize && method === 'GET') return this.authorize(authorize[1], params);
    if (path === '/oauth/v1/token' && method === 'POST') return this.token(new URLSearchParams(rawBody));
    const access = ACCESS_TOKEN.exec(path);
    if (access && method === 'GET') return this.accessTokenInfo(decodeURIComponent(access[1] ?? ''));
    const refresh = REFRESH_TOKEN.exec(path);
    if (refresh) return this.refreshTokenRoute(method, decodeURIComponent(refresh[1] ?? ''));
    return undefined;
  }

  private authorize(portalText: string | undefined, params: URLSearchParams): OAuthReply {
    const portalId = portalText === undefined ? this.options.defaultPortalId : Number(portalText);
    const redirectUri = params.get('redirect_uri');
    if (portalId === undefined || !redirectUri) {
      return [400, oauthError('BAD_REQUEST', 'redirect_uri and an account (portal id) are required')];
    }
    const scope = params.get('scope');
    const scopes = scope ? scope.split(/[ +]/).filter(Boolean) : this.options.defaultScopes;
    const target = new URL(redirectUri);
    target.searchParams.set('code', this.issueCode(portalId, redirectUri, scopes));
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return [302, undefined, { Location: target.toString() }];
  }

  private token(form: URLSearchParams): OAuthReply {
    const { clientId, clientSecret } = this.options;
    if (clientId !== undefined && form.get('client_id') !== clientId) {
      return [400, oauthError('BAD_CLIENT_ID', 'missing or unknown client id')];
    }
    if (clientSecret !== undefined && form.get('client_secret') !== clientSecret) {
      return [400, oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret')];
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const grant = this.codes.get(form.get('code') ?? '');
      if (!grant) return [400, oauthError('BAD_AUTH_CODE', 'missing or unknown auth code')];
      this.codes.delete(form.get('code') ?? '');
      if (grant.redirectUri !== form.get('redirect_uri')) {
        return [400, oauthError('BAD_REDIRECT_URI', 'redirect_uri does not match the authorize request')];
      }
      const refreshToken = randomUUID();
      this.refreshTokens.set(refreshToken, grant);
      return [200, this.issueAccessToken(grant, refreshToken)];
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(refreshToken);
      if (!grant) return [400, oauthError('BAD_REFRESH_TOKEN', 'missing or unknown refresh token')];
      return [200, this.issueAccessToken(grant, refreshToken)];
    }
    return [400, oauthError('BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token')];
  }

  private issueAccessToken(grant: Grant, refreshToken: string): Record<string, unknown> {
    // Real tokens are long opaque strings (≥ 300 characters allowed, §5.1).
    const accessToken = `CKfake${randomBytes(96).toString('base64url')}`;
    const ttl = this.options.accessTokenTtlSeconds;
    this.accessTokens.set(accessToken, {
      portalId: grant.portalId,
      scopes: grant.scopes,
      expiresAtMs: this.now() + ttl * 1000,
    });
    this.register(accessToken, grant.portalId);
    return { token_type: 'bearer', refresh_token: refreshToken, access_token: accessToken, expires_in: ttl };
  }

  private accessTokenInfo(token: string): OAuthReply {
    const issued = this.accessTokens.get(token);
    if (!issued || issued.expiresAtMs <= this.now()) {
      return [404, oauthError('NOT_FOUND', 'access token not found or expired')];
    }
    return [
      200,
      {
        token,
        user: 'admin@example.com',
        hub_domain: `portal-${issued.portalId}.example.com`,
        scopes: issued.scopes,
        hub_id: issued.portalId,
        app_id: 1,
        expires_in: Math.floor((issued.expiresAtMs - this.now()) / 1000),
        user_id: 1,
        token_type: 'access',
      },
    ];
  }

  private refreshTokenRoute(method: string, token: string): OAuthReply {
    const grant = this.refreshTokens.get(token);
    if (!grant) return [404, oauthError('NOT_FOUND', 'refresh token not found')];
    if (method === 'DELETE') {
      this.refreshTokens.delete(token);
      return [204, undefined];
    }
    if (method !== 'GET') return [405, oauthError('METHOD_NOT_ALLOWED', `${method} not supported`)];
    return [
      200,
      {
        token,
        user: 'admin@example.com',
        hub_domain: `portal-${grant.portalId}.example.com`,
        scopes: grant.scopes,
        hub_id: grant.portalId,
        client_id: this.options.clientId ?? 'fake-client-id',
        user_id: 1,
        token_type: 'refresh',
      },
    ];
  }
}
