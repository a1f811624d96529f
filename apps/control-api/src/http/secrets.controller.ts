import { Controller, ForbiddenException, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isGlobalAdmin, type Principal } from '../auth/access.rules';
import { AdminAuthGuard, CurrentPrincipal } from '../auth/auth.guards';
import { SecretStore } from '../database/secret.store';

/**
 * `POST /api/secrets/rotate` (admin for every tenant) → `{reencrypted, unreadable: [{tenantId, kind, keyId}]}`:
 * see SecretStore.rotate.
 */
@ApiTags('keys')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('api/secrets')
export class SecretsController {
  constructor(@Inject(SecretStore) private readonly secrets: SecretStore) {}

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-encrypt every secret with the first key of SECRET_KEYS' })
  async rotate(@CurrentPrincipal() principal: Principal) {
    if (!isGlobalAdmin(principal))
      throw new ForbiddenException({ error: 'only an admin key for every tenant rotates keys' });
    return this.secrets.rotate();
  }
}
