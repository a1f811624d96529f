import { z } from 'zod';

/** One entry of `HUBSPOT_PORTALS`: a portal, its token (private-app or OAuth, §5) and optionally its rate tier. */
export interface HubSpotPortalEntry {
  portalId: number;
  accessToken: string;
  /**
   * HubSpot's calls per 10 s for this portal (hubspot-api.md §6: 100 Free/Starter, 110 public apps, 190
   * Professional/Enterprise, 250 with the API add-on); absent → the rate budget's default (100).
   */
  requestsPer10s?: number;
}

const entrySchema = z
  .object({
    portalId: z.number().int().positive(),
    accessToken: z.string().min(1),
    requestsPer10s: z.number().int().min(1).max(1_000).optional(),
  })
  .strict();

const SHAPE = '[{"portalId": <int>, "accessToken": "<token>", "requestsPer10s"?: <int>}, ...]';

/**
 * zod schema of `HUBSPOT_PORTALS` (used by every app that reads it): a JSON string
 * `[{"portalId":62515,"accessToken":"…","requestsPer10s":190}]`, default `[]` → HubSpotPortalEntry[].
 * Rejects non-JSON, other shapes and a portalId listed twice. Error messages never contain a token.
 */
export const hubSpotPortalsSchema = z
  .string()
  .default('[]')
  .transform((text, ctx): HubSpotPortalEntry[] => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON array' });
      return z.NEVER;
    }
    const parsed = z.array(entrySchema).safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${SHAPE}` });
      return z.NEVER;
    }
    const ids = parsed.data.map((p) => p.portalId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'lists a portalId twice' });
      return z.NEVER;
    }
    return parsed.data.map(({ portalId, accessToken, requestsPer10s }) =>
      requestsPer10s === undefined ? { portalId, accessToken } : { portalId, accessToken, requestsPer10s },
    );
  });

/** portalId → token, for a StaticTokenProvider. */
export const staticTokensOf = (portals: ReadonlyArray<HubSpotPortalEntry>): Map<number, string> =>
  new Map(portals.map((p) => [p.portalId, p.accessToken]));

/** portalId → calls per 10 s, for HubSpotRateBudget's `portalRequestsPerWindow` (portals with an override). */
export const requestsPer10sOf = (portals: ReadonlyArray<HubSpotPortalEntry>): Map<number, number> =>
  new Map(
    portals.flatMap((p) => (p.requestsPer10s === undefined ? [] : [[p.portalId, p.requestsPer10s] as const])),
  );
