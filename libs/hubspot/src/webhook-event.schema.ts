import { z } from 'zod';
import { isRawJsonNumber, type RawJsonNumber } from './lossless-json';

/**
 * zod schema of one webhook event as HubSpot delivers it (hubspot-api.md §1.4). Numbers may also
 * arrive as numeric strings (captured 2017 deliveries did so). Ids become decimal strings; counters
 * and times become numbers. Unknown fields pass through untouched (they stay in `rawJson`).
 */

const NOT_AN_INTEGER = 'must be a non-negative integer or a numeric string';

/** Keeps zod's `Required` for absent fields; any other failure reads as {@link NOT_AN_INTEGER}. */
const integerErrors: z.ZodErrorMap = (_issue, ctx) => ({
  message: ctx.data === undefined ? 'Required' : NOT_AN_INTEGER,
});

const canonicalDecimal = (digits: string): string => BigInt(digits).toString();

/** Id → exact decimal string: safe integer, numeric string, or an unsafe integer kept as raw JSON. */
const decimalId = z.union(
  [
    z
      .number()
      .int()
      .nonnegative()
      .transform((n) => String(n)),
    z.string().regex(/^\d+$/).transform(canonicalDecimal),
    z
      .custom<RawJsonNumber>(isRawJsonNumber)
      .refine((raw) => /^\d+$/.test(raw.rawJSON))
      .transform((raw) => canonicalDecimal(raw.rawJSON)),
  ],
  { errorMap: integerErrors },
);

/** Integer that must fit a JS number exactly (portalId, occurredAt ms epoch, attemptNumber). */
const safeInteger = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)], { errorMap: integerErrors })
  .refine((n) => Number.isSafeInteger(n) && n >= 0, { message: NOT_AN_INTEGER });

const optionalText = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .nullish()
  .transform((v) => v ?? null);

const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((v) => v ?? null);

export const webhookEventSchema = z
  .object({
    portalId: safeInteger,
    eventId: decimalId,
    objectId: decimalId,
    occurredAt: safeInteger,
    subscriptionType: z.string().min(1).optional(),
    eventType: z.string().min(1).optional(),
    appId: optional(safeInteger),
    subscriptionId: optional(decimalId),
    attemptNumber: safeInteger
      .refine((n) => n <= 2_147_483_647, { message: 'must fit an Avro int' })
      .optional()
      .transform((n) => n ?? 0),
    objectTypeId: optionalText,
    propertyName: optionalText,
    propertyValue: optionalText,
    changeSource: optionalText,
    sourceId: optionalText,
    changeFlag: optionalText,
    primaryObjectId: optional(decimalId),
    mergedObjectIds: z
      .array(decimalId)
      .nullish()
      .transform((ids) => ids ?? []),
    newObjectId: optional(decimalId),
  })
  .passthrough();

export type ParsedWebhookEvent = z.output<typeof webhookEventSchema>;
