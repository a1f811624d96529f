/** Parsing of the import command's time arguments. Pure; throws RangeError with an operator-facing message. */

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * An instant given as ms since the Unix epoch (`1700000000000`) or an ISO 8601 date or date-time
 * (`2024-01-01`, `2024-01-01T12:00:00Z`; a date alone is midnight UTC). Returns ms epoch.
 * @throws RangeError for anything else.
 */
export const parseInstant = (text: string, what: string): number => {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const ms = Number(trimmed);
    if (Number.isSafeInteger(ms)) return ms;
  } else if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return ms;
  }
  throw new RangeError(`${what}: expected an ISO 8601 date or ms since the epoch, got "${text}"`);
};

/**
 * A duration like `500ms`, `30s`, `15m`, `6h`, `1d` (or bare ms) → ms, at least 1.
 * @throws RangeError for anything else.
 */
export const parseDuration = (text: string, what: string): number => {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 'ms']! : NaN;
  if (!Number.isSafeInteger(ms) || ms < 1)
    throw new RangeError(`${what}: expected a duration like 6h, 1d, 30m or 500ms, got "${text}"`);
  return ms;
};

/** A HubSpot portal id: a positive integer. @throws RangeError otherwise. */
export const parsePortalId = (text: string): number => {
  const id = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(id) || id < 1)
    throw new RangeError(`--portal: expected a portal id, got "${text}"`);
  return id;
};
