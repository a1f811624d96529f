import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { CONTROL_API_CONFIG_TOKEN, type ControlApiConfig } from '../control-api.config';
import { ApiKeyRepository } from '../database/api-key.repository';
import type { Principal } from './access.rules';
import { bearerOf, sameKey } from './api-key';

type WithPrincipal = Request & { principal?: Principal };

/**
 * `/api/*`: `Authorization: Bearer <key>` must be the bootstrap key (CONTROL_API_BOOTSTRAP_KEY: admin,
 * every tenant) or a stored API key; else 401. The principal is attached for {@link CurrentPrincipal}.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    @Inject(CONTROL_API_CONFIG_TOKEN) private readonly config: ControlApiConfig,
    @Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithPrincipal>();
    const key = bearerOf(req.headers.authorization);
    if (!key) throw new UnauthorizedException({ error: 'Authorization: Bearer <API key> required' });
    const bootstrap = this.config.bootstrapKey;
    const principal: Principal | null =
      bootstrap && sameKey(key, bootstrap)
        ? { keyId: 'bootstrap', role: 'admin', tenants: '*' }
        : await this.keys.principalOf(key);
    if (!principal) throw new UnauthorizedException({ error: 'unknown or revoked API key' });
    req.principal = principal;
    return true;
  }
}

/** `/internal/*`: `Authorization: Bearer <INTERNAL_API_KEY>`; 401 otherwise (also when the key is unset). */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(@Inject(CONTROL_API_CONFIG_TOKEN) private readonly config: ControlApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const key = bearerOf(context.switchToHttp().getRequest<Request>().headers.authorization);
    const expected = this.config.internalApiKey;
    if (!key || !expected || !sameKey(key, expected)) {
      throw new UnauthorizedException({ error: 'internal API key required' });
    }
    return true;
  }
}

/** The authenticated caller of an `/api/*` route (set by {@link AdminAuthGuard}). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<WithPrincipal>().principal as Principal,
);
