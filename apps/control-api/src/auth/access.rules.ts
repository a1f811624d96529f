import { z } from 'zod';

/** `admin` may change what it can see; `read-only` may only read. */
export type Role = 'admin' | 'read-only';

/** Who called: an API key's role and the tenants it reaches (`'*'` = all, also creating tenants and keys). */
export interface Principal {
  keyId: string;
  role: Role;
  tenants: '*' | string[];
}

/** Body of `POST /api/keys`. */
export const CREATE_KEY_BODY = z
  .object({
    role: z.enum(['admin', 'read-only']),
    tenants: z.union([
      z.tuple([z.literal('*')]),
      z
        .array(
          z
            .string()
            .uuid()
            .transform((id) => id.toLowerCase()),
        )
        .min(1)
        .max(1000),
    ]),
    label: z.string().max(200).optional(),
  })
  .strict();

/** What a principal may do to one tenant: `not-found` hides tenants outside the key's scope. */
export type Access = 'ok' | 'forbidden' | 'not-found';

/** Whether the principal sees tenant `tenantId`. */
export const canSee = (principal: Principal, tenantId: string): boolean =>
  principal.tenants === '*' || principal.tenants.includes(tenantId);

/** Access for reading (`write` false) or changing (`write` true) tenant `tenantId`. */
export const tenantAccess = (principal: Principal, tenantId: string, write: boolean): Access => {
  if (!canSee(principal, tenantId)) return 'not-found';
  if (write && principal.role !== 'admin') return 'forbidden';
  return 'ok';
};

/** Creating tenants and API keys needs an admin key for every tenant. */
export const isGlobalAdmin = (principal: Principal): boolean =>
  principal.role === 'admin' && principal.tenants === '*';
