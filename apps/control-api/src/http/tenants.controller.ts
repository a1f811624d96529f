import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '../auth/access.rules';
import { AdminAuthGuard, CurrentPrincipal, GlobalAdminOnly, TenantWrite } from '../auth/auth.guards';
import { HubSpotAuthService } from '../hubspot/hubspot-auth.service';
import { SEGMENT_MODE_BODY, SETTINGS_PATCH, type SettingsPatch } from '../tenants/settings.rules';
import { TenantsService } from '../tenants/tenants.service';
import { CreateTenantDto, HeapSecretsDto, PrivateAppTokenDto, SegmentModeDto, SettingsPatchDto } from './dto';
import { MAX_PORTAL_ID, ZodBody } from './zod-body.pipe';

const CREATE_TENANT = z
  .object({
    portalId: z.number().int().positive().max(MAX_PORTAL_ID),
    heapAppId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Heap app_id: letters, digits, _ or -'),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
const PRIVATE_APP_TOKEN = z.object({ token: z.string().trim().min(10).max(4096) }).strict();
const HEAP_SECRETS = z
  .object({
    apiKey: z.string().trim().min(1).max(4096).optional(),
    segmentsWebhookSecret: z.string().trim().min(1).max(4096).optional(),
  })
  .strict();
const SEGMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The admin API of tenants (all routes need `Authorization: Bearer <key>`; errors are `{error}`):
 * a tenant outside the key's scope answers 404, a read-only key changing something 403, a change to a
 * disconnected tenant 409, all decided before the body's fields are validated (400). Secrets are accepted, stored encrypted and never returned.
 */
@ApiTags('tenants')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/tenants')
export class TenantsController {
  constructor(
    @Inject(TenantsService) private readonly tenants: TenantsService,
    @Inject(HubSpotAuthService) private readonly hubspot: HubSpotAuthService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Tenants in the key’s scope' })
  list(@CurrentPrincipal() principal: Principal) {
    return this.tenants.list(principal);
  }

  @Post()
  @HttpCode(201)
  @ApiBody({ type: CreateTenantDto })
  @ApiOperation({
    summary: 'Pair a HubSpot portal with a Heap app_id (admin for every tenant); 409 if either is paired',
  })
  @GlobalAdminOnly('creates tenants')
  create(@Body(new ZodBody(CREATE_TENANT)) body: z.infer<typeof CREATE_TENANT>) {
    return this.tenants.create(body);
  }

  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.tenants.view(await this.tenants.authorize(principal, id, false));
  }

  @Put(':id/hubspot/private-app-token')
  @TenantWrite()
  @ApiBody({ type: PrivateAppTokenDto })
  @ApiOperation({ summary: 'Authorise HubSpot with a private-app token (replaces OAuth tokens)' })
  async privateAppToken(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodBody(PRIVATE_APP_TOKEN)) body: z.infer<typeof PRIVATE_APP_TOKEN>,
  ) {
    const tenant = await this.tenants.authorize(principal, id, true);
    await this.hubspot.setPrivateAppToken(tenant, body.token);
    return this.tenants.view(await this.tenants.authorize(principal, id, false));
  }

  @Post(':id/hubspot/oauth/start')
  @TenantWrite()
  @HttpCode(200)
  @ApiOperation({ summary: 'Install link: `{authorizeUrl}` with a single-use state bound to the tenant' })
  async oauthStart(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const tenant = await this.tenants.authorize(principal, id, true);
    try {
      return { authorizeUrl: await this.hubspot.authorizeUrl(tenant) };
    } catch (error) {
      throw new BadRequestException({ error: (error as Error).message });
    }
  }

  @Put(':id/heap')
  @TenantWrite()
  @ApiBody({ type: HeapSecretsDto })
  @ApiOperation({
    summary: 'Heap API key (user deletion) and Segments Sync webhook secret, stored encrypted',
  })
  async heap(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodBody(HEAP_SECRETS)) body: z.infer<typeof HEAP_SECRETS>,
  ) {
    return this.tenants.setHeapSecrets(await this.tenants.authorize(principal, id, true), body);
  }

  @Patch(':id/settings')
  @TenantWrite()
  @ApiBody({ type: SettingsPatchDto })
  @ApiOperation({ summary: 'Change settings; publishes the whole record on integration.settings.v1' })
  async settings(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodBody(SETTINGS_PATCH)) body: SettingsPatch,
  ) {
    return this.tenants.updateSettings(await this.tenants.authorize(principal, id, true), body);
  }

  @Put(':id/segments/:segmentId')
  @TenantWrite()
  @ApiBody({ type: SegmentModeDto })
  @ApiOperation({ summary: 'Sync mode of a Heap segment; 409 on a 31st recurring segment' })
  async segment(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('segmentId') segmentId: string,
    @Body(new ZodBody(SEGMENT_MODE_BODY)) body: z.infer<typeof SEGMENT_MODE_BODY>,
  ) {
    if (!SEGMENT_ID.test(segmentId))
      throw new BadRequestException({ error: 'segmentId: letters, digits, _ or -' });
    const tenant = await this.tenants.authorize(principal, id, true);
    return this.tenants.setSegmentMode(tenant, segmentId, body.mode, body.name);
  }

  @Post(':id/disconnect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop both directions, delete tokens; says what data is kept' })
  async disconnect(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const tenant = await this.tenants.authorize(principal, id, false);
    if (principal.role !== 'admin') throw new ForbiddenException({ error: 'this API key is read-only' });
    return this.tenants.disconnect(tenant);
  }
}
