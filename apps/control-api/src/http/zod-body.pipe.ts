import { BadRequestException, NotFoundException, type PipeTransform } from '@nestjs/common';
import type { ZodTypeAny, z } from 'zod';

/** Largest portalId that survives the Avro `long` of integration.settings.v1 (avsc: safe integers − 1). */
export const MAX_PORTAL_ID = Number.MAX_SAFE_INTEGER - 1;

/** True when a string anywhere in `value` holds U+0000, which PostgreSQL `text` cannot store. */
const hasNul = (value: unknown): boolean => JSON.stringify(value ?? null).includes('\\u0000');

/**
 * Validates a JSON body with a zod schema; 400 `{error, issues}` naming the fields (never echoing
 * values, which may be secrets). A NUL character in any string is refused up front (400) rather than
 * failing in PostgreSQL.
 */
export class ZodBody<S extends ZodTypeAny> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    if (hasNul(value)) {
      throw new BadRequestException({
        error: 'invalid request body',
        issues: ['body: NUL characters are not allowed'],
      });
    }
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data as z.output<S>;
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new BadRequestException({ error: 'invalid request body', issues });
  }
}

/**
 * Path parameter `:portalId` (HubSpot account id): a decimal integer 1 … {@link MAX_PORTAL_ID}.
 * Anything else is a portal no tenant can have: 404, the same answer as an unknown portal.
 */
export class PortalIdParam implements PipeTransform<string, number> {
  transform(value: string): number {
    const portalId = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(portalId) || portalId < 1 || portalId > MAX_PORTAL_ID) {
      throw new NotFoundException({ error: `no tenant for portal ${value.slice(0, 32)}` });
    }
    return portalId;
  }
}
