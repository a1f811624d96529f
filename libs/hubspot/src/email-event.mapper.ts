import type { HeapTrackEvent, HubSpotEmailEvent } from '@hubheap/schemas';
import { z } from 'zod';
import { emailEventProperties, type EmailEventPropertySettings } from './email-event-properties.mapper';
import { heapEventNameFor, type SkipReason } from './email-event-types';
import { InvalidEmailEventError } from './hubspot.errors';
import { recipientToIdentity } from './recipient-identity.mapper';

/** Latest instant a JS Date holds, in ms since the Unix epoch. */
const MAX_DATE_MS = 8.64e15;

const lenient = <T extends z.ZodTypeAny>(schema: T) =>
  schema
    .nullish()
    .catch(null)
    .transform((v: z.output<T> | null | undefined) => v ?? null);

const lenientInt = lenient(
  z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).refine(Number.isSafeInteger),
);

/** zod's `Required` for an absent field; `message` for any other failure of a union. */
const requiredOr =
  (message: string): z.ZodErrorMap =>
  (_issue, ctx) => ({ message: ctx.data === undefined ? 'Required' : message });

const rawEmailEventSchema = z.object({
  id: z.union(
    [z.string().min(1, 'must be a non-empty string'), z.number().int().nonnegative().transform(String)],
    {
      errorMap: requiredOr('must be a non-empty string'),
    },
  ),
  created: z
    .union([z.number(), z.string().regex(/^\d+$/).transform(Number)], {
      errorMap: requiredOr('must be a ms-epoch integer'),
    })
    .refine((ms) => Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_DATE_MS, 'must be a ms-epoch integer'),
  portalId: lenientInt,
  type: lenient(z.string()),
  recipient: lenient(z.string()),
  appId: lenientInt,
  appName: lenient(z.string()),
  emailCampaignId: lenientInt,
  filteredEvent: lenient(z.boolean()),
  obsoletedBy: lenient(z.object({ id: z.string() })),
});

/**
 * Builds a `hubspot.email-events.v1` record from one raw event of `GET /email/public/v1/events`
 * (hubspot-api.md §2.3). Pure.
 * - `id` (non-empty string) and `created` (ms epoch, number or numeric string) are required.
 * - `portalId` is the event's own, else `portalIdFallback` (the portal that was polled).
 * - Other typed fields are lenient: a missing or wrongly typed value becomes null, so a cosmetic
 *   oddity never loses an event; `obsoletedById` is `obsoletedBy.id`.
 * - `rawJson` is `JSON.stringify(raw)`: HubSpot's keys, order and values, compact whitespace.
 * - `polledAt` is ms since the Unix epoch; `source` says who read it (`poller`, `import`, `fixture`).
 * @throws InvalidEmailEventError when `raw` is not an object or `id`/`created` is missing or invalid.
 */
export const toEmailEventRecord = (
  raw: unknown,
  portalIdFallback: number,
  polledAt: number,
  source: string,
): HubSpotEmailEvent => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InvalidEmailEventError('not a JSON object');
  const parsed = rawEmailEventSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidEmailEventError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const e = parsed.data;
  return {
    portalId: e.portalId ?? portalIdFallback,
    id: e.id,
    created: e.created,
    type: e.type,
    recipient: e.recipient,
    appId: e.appId,
    appName: e.appName,
    emailCampaignId: e.emailCampaignId,
    filteredEvent: e.filteredEvent,
    obsoletedById: e.obsoletedBy?.id ?? null,
    source,
    polledAt,
    rawJson: JSON.stringify(raw),
  };
};

export interface EmailEventMappingSettings extends EmailEventPropertySettings {
  /** Heap `app_id` (environment id) of the tenant. */
  appId: string;
  /** Send events HubSpot marks `filteredEvent: true` (bot and prefetch opens). Default false. */
  includeFilteredEvents?: boolean;
}

export type EmailEventDecision =
  { kind: 'track'; event: HeapTrackEvent } | { kind: 'skip'; reason: SkipReason };

/**
 * Decides what one HubSpot email event becomes in Heap (hubspot-api.md §2.3–§2.4, heap-api.md §2–§3, §11).
 * Pure; never throws. Skips are checked in the order documented on {@link SkipReason}. A track gets:
 * - `event`: the Heap name of the `type` (HEAP_EVENT_NAMES);
 * - `identity`: the recipient trimmed and lower-cased;
 * - `timestamp`: `created` as ISO 8601 UTC with ms (`2021-02-24T18:26:31.202Z`);
 * - `idempotencyKey`: `hs:<portalId>:<created>:<id>` — HubSpot's EventId is (id, created);
 * - `properties`: see emailEventProperties (an unparseable `rawJson` leaves only the common ones);
 * - `appId` from settings, `portalId` and `sourceEventId` (= `id`) from the event.
 */
export const mapEmailEventToHeap = (
  event: HubSpotEmailEvent,
  settings: EmailEventMappingSettings,
): EmailEventDecision => {
  const eventName = heapEventNameFor(event.type);
  if (eventName === undefined) return skip('unsupported-type');
  if (event.obsoletedById) return skip('obsoleted');
  if (event.filteredEvent === true && settings.includeFilteredEvents !== true) return skip('filtered');
  const identity = recipientToIdentity(event.recipient);
  if (!identity.ok) return skip(identity.reason);
  const timestamp = isoTimestamp(event.created);
  if (timestamp === undefined) return skip('invalid-created');
  return {
    kind: 'track',
    event: {
      appId: settings.appId,
      portalId: event.portalId,
      identity: identity.identity,
      event: eventName,
      timestamp,
      idempotencyKey: `hs:${event.portalId}:${event.created}:${event.id}`,
      properties: emailEventProperties(event, parseRaw(event.rawJson), settings),
      sourceEventId: event.id,
    },
  };
};

const skip = (reason: SkipReason): EmailEventDecision => ({ kind: 'skip', reason });

const isoTimestamp = (ms: number): string | undefined => {
  const date = new Date(ms);
  return Number.isInteger(ms) && Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
};

const parseRaw = (rawJson: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(rawJson);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
};
