import { PortalIdParam } from './zod-body.pipe';
import {
  BadGatewayException,
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Param,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalAuthGuard } from '../auth/auth.guards';
import { SecretStore } from '../database/secret.store';
import { TenantRepository } from '../database/tenant.repository';
import { HubSpotAuthService, NoHubSpotTokenError } from '../hubspot/hubspot-auth.service';
import { HubSpotOAuthError } from '../hubspot/hubspot-oauth.client';

/**
 * Credentials for the other apps (`Authorization: Bearer <INTERNAL_API_KEY>`; `Cache-Control: no-store`).
 * Only active tenants answer; a disconnected or unknown one is 404. Apps cache a HubSpot token until
 * shortly before `expiresAt` (null = does not expire).
 */
@ApiTags('internal')
@ApiBearerAuth()
@UseGuards(InternalAuthGuard)
@Controller('internal')
export class InternalController {
  constructor(
    @Inject(HubSpotAuthService) private readonly hubspot: HubSpotAuthService,
    @Inject(TenantRepository) private readonly tenants: TenantRepository,
    @Inject(SecretStore) private readonly secrets: SecretStore,
  ) {}

  @Get('portals/:portalId/hubspot-token')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '`{accessToken, expiresAt}`; OAuth tokens are refreshed within 5 min of expiry' })
  async hubspotToken(@Param('portalId', PortalIdParam) portalId: number) {
    try {
      const { accessToken, expiresAt } = await this.hubspot.accessToken(portalId);
      return { accessToken, expiresAt: expiresAt?.toISOString() ?? null };
    } catch (error) {
      if (error instanceof NoHubSpotTokenError) throw new NotFoundException({ error: error.message });
      if (error instanceof HubSpotOAuthError) {
        throw new BadGatewayException({
          error: `HubSpot refused the refresh (${error.code}); reinstall the app`,
        });
      }
      throw new ServiceUnavailableException({
        error: `HubSpot token refresh failed: ${(error as Error).message}`,
      });
    }
  }

  @Get('apps/:appId/heap-credentials')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '`{apiKey}`: the Heap API key used for user deletion' })
  async heapCredentials(@Param('appId') appId: string) {
    const tenant = await this.tenants.activeByApp(appId);
    const apiKey = tenant ? await this.secrets.get(tenant.id, 'heap_api_key') : null;
    if (!apiKey) throw new NotFoundException({ error: `no Heap API key for app_id ${appId}` });
    return { apiKey };
  }

  @Get('portals/:portalId/heap-segments-secret')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '`{secret}`: the Heap Segments Sync webhook secret of the portal’s tenant' })
  async heapSegmentsSecret(@Param('portalId', PortalIdParam) portalId: number) {
    const tenant = await this.tenants.activeByPortal(portalId);
    const secret = tenant ? await this.secrets.get(tenant.id, 'heap_segments_secret') : null;
    if (!secret) throw new NotFoundException({ error: `no Segments Sync secret for portal ${portalId}` });
    return { secret };
  }
}
