import { z } from 'zod';

/**
 * One Heap Segments Sync integration (heap-api.md §8.1): its webhook secret identifies the tenant, i.e.
 * which HubSpot portal (and Heap app) the pages it signs belong to.
 */
export interface HeapSegmentWebhookTenant {
  /** Webhook secret shown by Heap's Developer Hub (sensitive). */
  secret: string;
  /** HubSpot portal the segment syncs into. */
  portalId: number;
  /** Heap app_id (environment id), when known. */
  heapAppId?: string | undefined;
}

const tenantSchema = z
  .object({
    secret: z.string().min(1),
    portalId: z.number().int().positive(),
    heapAppId: z.string().min(1).optional(),
  })
  .strict();

/**
 * zod schema of `HEAP_SEGMENT_WEBHOOKS`: JSON `[{"secret":"…","portalId":62515,"heapAppId":"…"}]`,
 * default `[]` (endpoint off). Secrets must be distinct, since the matching secret selects the tenant.
 * Error messages never contain a secret.
 */
export const heapSegmentTenantList = z
  .string()
  .default('[]')
  .transform((text, ctx): HeapSegmentWebhookTenant[] => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON array' });
      return z.NEVER;
    }
    const parsed = z.array(tenantSchema).safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be [{"secret": "<secret>", "portalId": <int>, "heapAppId": "<app id>"}, ...]',
      });
      return z.NEVER;
    }
    const secrets = parsed.data.map((t) => t.secret);
    if (new Set(secrets).size !== secrets.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'lists the same secret twice' });
      return z.NEVER;
    }
    return parsed.data;
  });
