import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CREATE_KEY_BODY, isGlobalAdmin, type Principal } from '../auth/access.rules';
import { AdminAuthGuard, CurrentPrincipal } from '../auth/auth.guards';
import { ApiKeyRepository } from '../database/api-key.repository';
import { CreateKeyDto } from './dto';
import { ZodBody } from './zod-body.pipe';
import type { z } from 'zod';

/**
 * API keys, for an admin key of every tenant only (else 403): `POST /api/keys` → 201
 * `{id, key, role, tenants}` (the key is shown once), `GET /api/keys` (never keys or hashes),
 * `DELETE /api/keys/:id` → 204 (revoked at once; 404 unknown).
 */
@ApiTags('keys')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/keys')
export class KeysController {
  constructor(@Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository) {}

  @Post()
  @HttpCode(201)
  @ApiBody({ type: CreateKeyDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBody(CREATE_KEY_BODY)) body: z.infer<typeof CREATE_KEY_BODY>,
  ) {
    if (!isGlobalAdmin(principal))
      throw new ForbiddenException({ error: 'only an admin key for every tenant creates keys' });
    const tenants = [...body.tenants];
    const { id, key } = await this.keys.create({ role: body.role, tenants, label: body.label });
    return { id, key, role: body.role, tenants, ...(body.label === undefined ? {} : { label: body.label }) };
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    if (!isGlobalAdmin(principal))
      throw new ForbiddenException({ error: 'only an admin key for every tenant lists keys' });
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    if (!isGlobalAdmin(principal))
      throw new ForbiddenException({ error: 'only an admin key for every tenant revokes keys' });
    if (!(await this.keys.revoke(id)))
      throw new NotFoundException({ error: 'unknown or already revoked key' });
  }
}
