import {
  Body,
  Controller,
  Delete,
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
import { CREATE_KEY_BODY } from '../auth/access.rules';
import { AdminAuthGuard, GlobalAdminOnly } from '../auth/auth.guards';
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
  @GlobalAdminOnly('creates keys')
  async create(@Body(new ZodBody(CREATE_KEY_BODY)) body: z.infer<typeof CREATE_KEY_BODY>) {
    const tenants = [...body.tenants];
    const { id, key } = await this.keys.create({ role: body.role, tenants, label: body.label });
    return { id, key, role: body.role, tenants, ...(body.label === undefined ? {} : { label: body.label }) };
  }

  @Get()
  @GlobalAdminOnly('lists keys')
  list() {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @GlobalAdminOnly('revokes keys')
  async revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    if (!(await this.keys.revoke(id)))
      throw new NotFoundException({ error: 'unknown or already revoked key' });
  }
}
