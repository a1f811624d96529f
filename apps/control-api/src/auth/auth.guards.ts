import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { z } from 'zod';
import { CONTROL_API_CONFIG_TOKEN, type ControlApiConfig } from '../control-api.config';
import { ApiKeyRepository } from '../database/api-key.repository';
import { TenantsService } from '../tenants/tenants.service';
import { isGlobalAdmin, type Principal } from './access.rules';
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

const GLOBAL_ADMIN_ACTION = 'control-api:global-admin-action';

/**
 * The route needs an admin key for every tenant (else 403 `{error: "only an admin key for every tenant
 * <action>"}`). Checked by a guard, before any pipe validates the body, so a key that may not call the
 * route gets 403 whatever fields it sends (a body that is not JSON or is too large is still refused
 * first by the body parser: 400 / 413). Apply after `@UseGuards(AdminAuthGuard)` on the controller.
 */
export const GlobalAdminOnly = (action: string) =>
  applyDecorators(SetMetadata(GLOBAL_ADMIN_ACTION, action), UseGuards(GlobalAdminGuard));

/** Guard of {@link GlobalAdminOnly}. */
@Injectable()
export class GlobalAdminGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<WithPrincipal>().principal;
    if (principal && isGlobalAdmin(principal)) return true;
    const action = this.reflector.get<string>(GLOBAL_ADMIN_ACTION, context.getHandler()) ?? 'may do this';
    throw new ForbiddenException({ error: `only an admin key for every tenant ${action}` });
  }
}

/**
 * The route changes tenant `:id`: 404 when the key does not see it (or it does not exist), 403 for a
 * read-only key, 409 when it is disconnected ({@link TenantsService.authorize}), all before any pipe
 * validates the body or the route's other parameters. A malformed `:id` is left to `ParseUUIDPipe` (400).
 */
export const TenantWrite = () => UseGuards(TenantWriteGuard);

const UUID = z.string().uuid();

/** Guard of {@link TenantWrite}. */
@Injectable()
export class TenantWriteGuard implements CanActivate {
  constructor(@Inject(TenantsService) private readonly tenants: TenantsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<WithPrincipal>();
    const id = req.params['id'];
    if (!req.principal || !UUID.safeParse(id).success) return true;
    await this.tenants.authorize(req.principal, id as string, true);
    return true;
  }
}
