import { Body, Controller, ForbiddenException, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CREATE_KEY_BODY, isGlobalAdmin, type Principal } from '../auth/access.rules';
import { AdminAuthGuard, CurrentPrincipal } from '../auth/auth.guards';
import { ApiKeyRepository } from '../database/api-key.repository';
import { CreateKeyDto } from './dto';
import { ZodBody } from './zod-body.pipe';
import type { z } from 'zod';

/** `POST /api/keys` (admin for every tenant) → 201 `{id, key, role, tenants}`; the key is shown once. */
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
}
