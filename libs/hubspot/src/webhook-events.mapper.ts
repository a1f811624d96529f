import type { HubSpotWebhookEvent } from '@hubheap/schemas';
import type { ZodIssue } from 'zod';
import { parseJsonLossless } from './lossless-json';
import { webhookEventSchema, type ParsedWebhookEvent } from './webhook-event.schema';

export type WebhookBatchResult = { ok: true; events: HubSpotWebhookEvent[] } | { ok: false; reason: string };

/**
 * Parses one HubSpot webhook delivery body (hubspot-api.md §1.1, §1.4) into `hubspot.webhook-events.v1`
 * records. Pure; never throws.
 *
 * - `rawBody` must be the raw body text: a JSON array of 1..`maxEvents` (default 100) objects.
 * - Each event needs `portalId`, `eventId`, `objectId`, `occurredAt` (numbers or numeric strings) and
 *   `subscriptionType`, falling back to the legacy `eventType`.
 * - Ids (`eventId`, `objectId`, `subscriptionId`, `primaryObjectId`, `newObjectId`, `mergedObjectIds`)
 *   become exact decimal strings. Plain `JSON.parse` would round integers above 2^53 (ids above
 *   2^31 are common and fine); the body is parsed with source-text access so such ids stay exact
 *   (see lossless-json.ts; a runtime without it would lose precision there).
 * - `rawJson` is the event re-serialised from the parse: same keys, order and values (unsafe
 *   integers included), compact whitespace. `receivedAt` is ms since the Unix epoch.
 * The first invalid event fails the batch with a reason naming its index and field,
 * e.g. `events[2].portalId: Required`.
 */
export const parseWebhookBatch = (
  rawBody: string,
  receivedAt: number,
  options: { maxEvents?: number } = {},
): WebhookBatchResult => {
  const maxEvents = options.maxEvents ?? 100;
  let body: unknown;
  try {
    body = parseJsonLossless(rawBody);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON (${(error as Error).message})` };
  }
  if (!Array.isArray(body)) return { ok: false, reason: 'body must be a JSON array of events' };
  if (body.length === 0) return { ok: false, reason: 'batch is empty' };
  if (body.length > maxEvents)
    return { ok: false, reason: `batch has ${body.length} events; at most ${maxEvents} allowed` };
  const events: HubSpotWebhookEvent[] = [];
  for (const [index, item] of body.entries()) {
    const mapped = toWebhookEvent(item, index, receivedAt);
    if (typeof mapped === 'string') return { ok: false, reason: mapped };
    events.push(mapped);
  }
  return { ok: true, events };
};

/** One event → record, or the reason it is invalid. */
const toWebhookEvent = (item: unknown, index: number, receivedAt: number): HubSpotWebhookEvent | string => {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    return `events[${index}]: must be a JSON object`;
  const parsed = webhookEventSchema.safeParse(item);
  if (!parsed.success) return parsed.error.issues.map((issue) => describeIssue(index, issue)).join('; ');
  const subscriptionType = parsed.data.subscriptionType ?? parsed.data.eventType;
  if (subscriptionType === undefined)
    return `events[${index}].subscriptionType: Required (legacy eventType also absent)`;
  return toRecord(parsed.data, subscriptionType, receivedAt, JSON.stringify(item));
};

const toRecord = (
  e: ParsedWebhookEvent,
  subscriptionType: string,
  receivedAt: number,
  rawJson: string,
): HubSpotWebhookEvent => ({
  portalId: e.portalId,
  appId: e.appId,
  eventId: e.eventId,
  subscriptionId: e.subscriptionId,
  subscriptionType,
  occurredAt: e.occurredAt,
  attemptNumber: e.attemptNumber,
  objectId: e.objectId,
  objectTypeId: e.objectTypeId,
  propertyName: e.propertyName,
  propertyValue: e.propertyValue,
  changeSource: e.changeSource,
  sourceId: e.sourceId,
  changeFlag: e.changeFlag,
  primaryObjectId: e.primaryObjectId,
  mergedObjectIds: e.mergedObjectIds,
  newObjectId: e.newObjectId,
  receivedAt,
  rawJson,
});

const describeIssue = (index: number, issue: ZodIssue): string =>
  `events[${index}]${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ${issue.message}`;
