import { decodeOffset, encodeOffset, queryFingerprint, type EventCursor } from './offset-token';

/** A raw HubSpot email event as returned by the API (hubspot-api.md §2.3–2.4); unknown fields pass through. */
export type RawEmailEvent = Record<string, unknown>;

/** One page of `GET /email/public/v1/events` (§2.2): events newest first, `hasMore`, opaque `offset`. */
export interface EmailEventsPage {
  events: RawEmailEvent[];
  hasMore: boolean;
  offset: string;
}

/** Outcome of a query: a page, or a 400 `VALIDATION_ERROR` message. */
export type EmailEventsResult = { ok: true; page: EmailEventsPage } | { ok: false; message: string };

/** Largest accepted `limit` (§2.2); default is 10. */
export const MAX_EMAIL_EVENTS_LIMIT = 1000;

const INTEGER = /^-?\d+$/;
type Positioned = { created?: unknown; id?: unknown };
const createdOf = (e: Positioned): number => (typeof e.created === 'number' ? e.created : 0);
const idOf = (e: Positioned): string => String(e.id ?? '');

/** Reverse-chronological order: `created` descending, ties broken by `id` descending (string order). */
export function compareNewestFirst(a: Positioned, b: Positioned): number {
  const byCreated = createdOf(b) - createdOf(a);
  if (byCreated !== 0) return byCreated;
  const ia = idOf(a);
  const ib = idOf(b);
  return ia === ib ? 0 : ia < ib ? 1 : -1;
}

function integerParam(query: Record<string, string>, name: string): number | undefined | Error {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  if (!INTEGER.test(raw)) return new Error(`Invalid value for parameter ${name}: "${raw}" is not an integer`);
  return Number(raw);
}

function buildFilter(query: Record<string, string>): ((e: RawEmailEvent) => boolean) | Error {
  const nums: Record<string, number | undefined> = {};
  for (const name of ['appId', 'campaignId', 'startTimestamp', 'endTimestamp']) {
    const v = integerParam(query, name);
    if (v instanceof Error) return v;
    nums[name] = v;
  }
  const { appId, campaignId, startTimestamp, endTimestamp } = nums;
  const eventType = query['eventType'];
  const recipient = query['recipient']?.toLowerCase();
  const excludeFiltered = query['excludeFilteredEvents'] === 'true';
  return (e) =>
    (eventType === undefined || e['type'] === eventType) &&
    (recipient === undefined || String(e['recipient'] ?? '').toLowerCase() === recipient) &&
    (appId === undefined || Number(e['appId']) === appId) &&
    (campaignId === undefined || Number(e['emailCampaignId']) === campaignId) &&
    (startTimestamp === undefined || createdOf(e) >= startTimestamp) &&
    (endTimestamp === undefined || createdOf(e) <= endTimestamp) &&
    (!excludeFiltered || e['filteredEvent'] !== true);
}

/**
 * Answers `GET /email/public/v1/events` for one portal (hubspot-api.md §2.2, §8 item 11). Pure.
 *
 * - `query`: raw string query parameters. Filters: `eventType` (exact, case-sensitive), `recipient`
 *   (case-insensitive), `appId`, `campaignId` (matches `emailCampaignId`), `startTimestamp`/`endTimestamp`
 *   (ms epoch, inclusive, on `created`), `excludeFilteredEvents=true` (drops `filteredEvent: true`).
 * - `limit`: default 10, 1..1000; above 1000 or not a positive integer → error.
 * - `offset`: token from a previous page of the same query (same parameters except `offset`/`limit`) → else error.
 * - The returned `offset` always encodes the last returned position; follow it while `hasMore`.
 */
export function queryEmailEvents(
  portalId: number,
  events: readonly RawEmailEvent[],
  query: Record<string, string>,
): EmailEventsResult {
  const limit = integerParam(query, 'limit') ?? 10;
  if (limit instanceof Error) return { ok: false, message: limit.message };
  if (limit < 1 || limit > MAX_EMAIL_EVENTS_LIMIT) {
    return { ok: false, message: `limit must be between 1 and ${MAX_EMAIL_EVENTS_LIMIT}, got ${limit}` };
  }
  const filter = buildFilter(query);
  if (filter instanceof Error) return { ok: false, message: filter.message };
  const fingerprint = queryFingerprint(portalId, query);
  let cursor: EventCursor | undefined;
  if (query['offset']) {
    cursor = decodeOffset(query['offset'], fingerprint);
    if (!cursor)
      return { ok: false, message: 'Invalid offset: it is malformed or belongs to a different query' };
  }
  const after = cursor;
  const matching = events
    .filter(filter)
    .sort(compareNewestFirst)
    .filter((e) => after === undefined || compareNewestFirst(after, e) < 0);
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  const position = last
    ? { created: createdOf(last), id: idOf(last) }
    : (cursor ?? { created: Number.MAX_SAFE_INTEGER, id: '' });
  return {
    ok: true,
    page: { events: page, hasMore: matching.length > limit, offset: encodeOffset(fingerprint, position) },
  };
}
