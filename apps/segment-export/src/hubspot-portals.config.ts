import { z } from 'zod';

/** One HubSpot portal and the token segment-export uses for it (`crm.objects.contacts.read`, `crm.lists.read/write`). */
export interface PortalCredentials {
  portalId: number;
  accessToken: string;
}

/**
 * zod schema of `HUBSPOT_PORTALS`: JSON `[{"portalId":62515,"accessToken":"…"}]` (same shape as
 * webhook-intake's), default `[]`. Error messages never contain a token.
 */
export const portalCredentialList = z
  .string()
  .default('[]')
  .transform((text, ctx): PortalCredentials[] => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON array' });
      return z.NEVER;
    }
    const parsed = z
      .array(z.object({ portalId: z.number().int().positive(), accessToken: z.string().min(1) }).strict())
      .safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be [{"portalId": <int>, "accessToken": "<token>"}, ...]',
      });
      return z.NEVER;
    }
    const ids = parsed.data.map((p) => p.portalId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'lists a portalId twice' });
      return z.NEVER;
    }
    return parsed.data;
  });
