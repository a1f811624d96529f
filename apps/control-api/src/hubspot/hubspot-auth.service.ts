import { Inject, Injectable, Logger } from '@nestjs/common';
import { OAuthStateRepository } from '../database/oauth-state.repository';
import { SecretStore } from '../database/secret.store';
import { TenantRepository } from '../database/tenant.repository';
import { CONTROL_API_CONFIG_TOKEN, type ControlApiConfig } from '../control-api.config';
import type { Tenant } from '../tenants/tenant.model';
import { HubSpotOAuthClient, HubSpotOAuthError, type HubSpotTokens } from './hubspot-oauth.client';

/** Why a callback could not complete; shown on the 400 page (never with a token). */
export class OAuthCallbackError extends Error {
  override name = 'OAuthCallbackError';
}

/** Why no token can be handed out (404 to the calling app). */
export class NoHubSpotTokenError extends Error {
  override name = 'NoHubSpotTokenError';
}

/** A token for an app: `expiresAt` null for private-app tokens (they do not expire). */
export interface IssuedToken {
  accessToken: string;
  expiresAt: Date | null;
}

/**
 * HubSpot authorisation of tenants (hubspot-api.md §5): OAuth install (authorize URL with the required
 * scopes and a single-use `state`, callback with code exchange and a hub_id check), refresh before
 * expiry, private-app tokens (§5.3), and revocation on disconnect. Tokens are stored only encrypted.
 */
@Injectable()
export class HubSpotAuthService {
  private readonly logger = new Logger(HubSpotAuthService.name);

  constructor(
    @Inject(CONTROL_API_CONFIG_TOKEN) private readonly config: ControlApiConfig,
    @Inject(TenantRepository) private readonly tenants: TenantRepository,
    @Inject(SecretStore) private readonly secrets: SecretStore,
    @Inject(OAuthStateRepository) private readonly states: OAuthStateRepository,
    @Inject(HubSpotOAuthClient) private readonly oauth: HubSpotOAuthClient,
  ) {}

  /** `<PUBLIC_URL>/oauth/hubspot/callback`, the redirect URI registered with the HubSpot app. */
  static redirectUri(config: ControlApiConfig): string {
    return `${config.publicUrl.replace(/\/$/, '')}/oauth/hubspot/callback`;
  }

  /**
   * The install link for `tenant`: the account-specific authorize URL (§5.1) with the configured
   * scopes and a fresh `state` bound to the tenant (single use, OAUTH_STATE_TTL_MS).
   * @throws Error when HUBSPOT_CLIENT_ID is not configured.
   */
  async authorizeUrl(tenant: Tenant): Promise<string> {
    if (!this.config.hubspotClientId || !this.config.hubspotClientSecret) {
      throw new Error('OAuth install needs HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET');
    }
    const state = await this.states.create(tenant.id, this.config.oauthStateTtlMs);
    const url = new URL(
      `${this.config.hubspotAppBase.replace(/\/$/, '')}/oauth/${tenant.portalId}/authorize`,
    );
    url.searchParams.set('client_id', this.config.hubspotClientId);
    url.searchParams.set('redirect_uri', HubSpotAuthService.redirectUri(this.config));
    url.searchParams.set('scope', this.config.hubspotScopes);
    url.searchParams.set('state', state);
    return url.toString();
  }

  /**
   * Completes an install: uses up `state`, exchanges `code`, checks the token's hub_id is the tenant's
   * portalId, stores the tokens encrypted. Returns the tenant id.
   * @throws OAuthCallbackError for a bad/used/expired state, a refused code or another HubSpot account.
   */
  async completeInstall(code: string, state: string): Promise<string> {
    const tenantId = await this.states.consume(state);
    if (!tenantId)
      throw new OAuthCallbackError('This install link is unknown, already used or expired. Start again.');
    const tenant = await this.tenants.get(tenantId);
    if (!tenant || tenant.state !== 'active') throw new OAuthCallbackError('The tenant is disconnected.');
    let tokens: HubSpotTokens;
    try {
      tokens = await this.oauth.exchangeCode(tenant.portalId, code);
    } catch (error) {
      throw new OAuthCallbackError(`HubSpot refused the authorization code: ${(error as Error).message}`);
    }
    const info = await this.oauth.accessTokenInfo(tenant.portalId, tokens.accessToken);
    if (info.hubId !== tenant.portalId) {
      await this.oauth.deleteRefreshToken(info.hubId, tokens.refreshToken).catch(() => undefined);
      throw new OAuthCallbackError(
        `The app was installed in HubSpot account ${info.hubId}, but this tenant is paired with account ${tenant.portalId}.`,
      );
    }
    await this.tenants.runInTransaction(async (q) => {
      await this.secrets.delete(tenant.id, ['hubspot_private_app_token'], q);
      await this.secrets.put(tenant.id, 'hubspot_access_token', tokens.accessToken, q);
      await this.secrets.put(tenant.id, 'hubspot_refresh_token', tokens.refreshToken, q);
      await this.tenants.setHubSpotAuth(
        tenant.id,
        { method: 'oauth', expiresAt: new Date(Date.now() + tokens.expiresIn * 1000), scopes: info.scopes },
        q,
      );
    });
    this.logger.log(`tenant ${tenant.id}: HubSpot portal ${tenant.portalId} authorised by OAuth`);
    return tenant.id;
  }

  /** Stores a private-app token (§5.3, no expiry) instead of any OAuth tokens (the refresh token is revoked). */
  async setPrivateAppToken(tenant: Tenant, token: string): Promise<void> {
    const refreshToken = await this.secrets.get(tenant.id, 'hubspot_refresh_token');
    await this.tenants.runInTransaction(async (q) => {
      await this.secrets.delete(tenant.id, ['hubspot_access_token', 'hubspot_refresh_token'], q);
      await this.secrets.put(tenant.id, 'hubspot_private_app_token', token, q);
      await this.tenants.setHubSpotAuth(tenant.id, { method: 'private-app', expiresAt: null, scopes: [] }, q);
    });
    if (refreshToken) await this.revoke(tenant.portalId, refreshToken);
    this.logger.log(`tenant ${tenant.id}: HubSpot portal ${tenant.portalId} uses a private-app token`);
  }

  /**
   * A usable access token of `portalId`'s active tenant. OAuth tokens within TOKEN_REFRESH_MARGIN_MS of
   * expiry are refreshed first, with the tenant row locked so concurrent callers (and replicas) refresh once.
   * @throws NoHubSpotTokenError (no active tenant or no token), HubSpotOAuthError (refresh refused: the
   *   OAuth tokens are then deleted and the tenant needs a reinstall),
   *   HubSpotOAuthUnavailableError (HubSpot unreachable).
   */
  async accessToken(portalId: number): Promise<IssuedToken> {
    const tenant = await this.tenants.activeByPortal(portalId);
    if (!tenant || tenant.hubspotMethod === null)
      throw new NoHubSpotTokenError(`no HubSpot token for portal ${portalId}`);
    if (tenant.hubspotMethod === 'private-app') {
      const token = await this.secrets.get(tenant.id, 'hubspot_private_app_token');
      if (!token) throw new NoHubSpotTokenError(`no HubSpot token for portal ${portalId}`);
      return { accessToken: token, expiresAt: null };
    }
    const fresh = (t: Tenant) =>
      t.hubspotExpiresAt !== null &&
      t.hubspotExpiresAt.getTime() - Date.now() > this.config.tokenRefreshMarginMs;
    if (fresh(tenant)) {
      const token = await this.secrets.get(tenant.id, 'hubspot_access_token');
      if (token) return { accessToken: token, expiresAt: tenant.hubspotExpiresAt };
    }
    try {
      return await this.refreshLocked(tenant, fresh);
    } catch (error) {
      if (error instanceof HubSpotOAuthError) await this.forgetRefusedTokens(tenant);
      throw error;
    }
  }

  /** Refresh with the tenant row locked (see {@link accessToken}). */
  private refreshLocked(tenant: Tenant, fresh: (t: Tenant) => boolean): Promise<IssuedToken> {
    const portalId = tenant.portalId;
    return this.tenants.runInTransaction(async (q) => {
      if (!(await this.tenants.lockActive(tenant.id, q)))
        throw new NoHubSpotTokenError(`portal ${portalId} disconnected`);
      const locked = (await this.tenants.get(tenant.id, q)) as Tenant;
      const current = await this.secrets.get(tenant.id, 'hubspot_access_token', q);
      if (fresh(locked) && current) return { accessToken: current, expiresAt: locked.hubspotExpiresAt };
      const refreshToken = await this.secrets.get(tenant.id, 'hubspot_refresh_token', q);
      if (locked.hubspotMethod !== 'oauth' || !refreshToken)
        throw new NoHubSpotTokenError(`no HubSpot token for portal ${portalId}`);
      const tokens = await this.oauth.refresh(portalId, refreshToken);
      const expiresAt = new Date(Date.now() + tokens.expiresIn * 1000);
      await this.secrets.put(tenant.id, 'hubspot_access_token', tokens.accessToken, q);
      if (tokens.refreshToken !== refreshToken)
        await this.secrets.put(tenant.id, 'hubspot_refresh_token', tokens.refreshToken, q);
      await this.tenants.setHubSpotAuth(
        tenant.id,
        { method: 'oauth', expiresAt, scopes: locked.hubspotScopes },
        q,
      );
      this.logger.log(`tenant ${tenant.id}: refreshed the HubSpot access token of portal ${portalId}`);
      return { accessToken: tokens.accessToken, expiresAt };
    });
  }

  /**
   * HubSpot refused the refresh token (app uninstalled, token deleted): the stored OAuth tokens are
   * useless, so they are deleted and the tenant shows "not authorised" until an admin reinstalls.
   */
  private async forgetRefusedTokens(tenant: Tenant): Promise<void> {
    await this.tenants.runInTransaction(async (q) => {
      await this.secrets.delete(tenant.id, ['hubspot_access_token', 'hubspot_refresh_token'], q);
      await this.tenants.setHubSpotAuth(tenant.id, null, q);
    });
    this.logger.warn(
      `tenant ${tenant.id}: HubSpot refused the refresh token of portal ${tenant.portalId}; OAuth tokens deleted, reinstall needed`,
    );
  }

  /**
   * Deletes `refreshToken` at HubSpot (§5.1). Returns whether HubSpot confirmed; failures are logged
   * (without the token) and reported to the caller, the local copy is deleted anyway.
   */
  async revoke(portalId: number, refreshToken: string): Promise<boolean> {
    try {
      await this.oauth.deleteRefreshToken(portalId, refreshToken);
      return true;
    } catch (error) {
      this.logger.warn(
        `portal ${portalId}: could not delete the refresh token at HubSpot: ${(error as Error).message}`,
      );
      return false;
    }
  }

  /** Maps a refresh failure to what the app should hear (HubSpot's refusal keeps its code). */
  static describe(error: unknown): string {
    return error instanceof HubSpotOAuthError ? `${error.code}: ${error.message}` : (error as Error).message;
  }
}
