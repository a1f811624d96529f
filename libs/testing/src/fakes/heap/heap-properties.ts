/** A stored Heap property value (booleans/null only when the fake is configured to accept them). */
export type HeapPropertyValue = string | number | boolean | null;

/**
 * How strictly property values and timestamps are checked (heap-api.md §12 items 6, 7, 9).
 * `mode: 'strict'` (default): ISO 8601 timestamps only, strings ≥ 1024 chars → 400, nested objects → 400.
 * `mode: 'lenient'`: epoch-ms timestamps also accepted, long strings truncated to 1023, nested objects JSON-stringified.
 */
export interface HeapValidationOptions {
  mode: 'strict' | 'lenient';
  /** Boolean values: `reject` (default) → 400, `accept` → stored unchanged. */
  booleans: 'accept' | 'reject';
  /** null values: `reject` (default) → 400, `accept` → stored as null. */
  nulls: 'accept' | 'reject';
  /** User property names matching /^id$/i: `reject` (default) → 400, `ignore` → dropped. */
  reservedIdKeys: 'reject' | 'ignore';
  /** Minimum `idempotency_key` length; 0 (default) disables the check (Segment notes ≥ 8). */
  minIdempotencyKeyLength: number;
}

/** Defaults of {@link HeapValidationOptions}: strict everywhere. */
export const DEFAULT_HEAP_VALIDATION: HeapValidationOptions = {
  mode: 'strict',
  booleans: 'reject',
  nulls: 'reject',
  reservedIdKeys: 'reject',
  minIdempotencyKeyLength: 0,
};

/** Heap's limit: keys and string values must be shorter than this many characters (§2). */
export const HEAP_MAX_STRING = 1024;

/**
 * Thrown by validators: `message` is the plain-text body, e.g. `postBody.events[0].properties should be object`;
 * `status` is 400 except for an unknown app_id (configurable).
 */
export class HeapValidationError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** True for a JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalizeValue(path: string, value: unknown, opts: HeapValidationOptions): HeapPropertyValue {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value.length < HEAP_MAX_STRING) return value;
    if (opts.mode === 'lenient') return value.slice(0, HEAP_MAX_STRING - 1);
    throw new HeapValidationError(`${path} should NOT be longer than ${HEAP_MAX_STRING - 1} characters`);
  }
  if (typeof value === 'boolean' && opts.booleans === 'accept') return value;
  if (value === null && opts.nulls === 'accept') return null;
  if (Array.isArray(value)) {
    const parts = value.map((item, i) => {
      if (typeof item !== 'string' && typeof item !== 'number') {
        throw new HeapValidationError(`${path}[${i}] should be string,number`);
      }
      return String(item);
    });
    return parts.join('||').slice(0, HEAP_MAX_STRING);
  }
  if (isPlainObject(value) && opts.mode === 'lenient')
    return JSON.stringify(value).slice(0, HEAP_MAX_STRING - 1);
  throw new HeapValidationError(`${path} should be string,number`);
}

/**
 * Validates and normalises a `properties` object (§2 "Property value handling", §12 item 7): must be an object;
 * keys shorter than 1024 chars; values string/number (arrays → `||`-joined string cut at 1024 chars).
 * `absentOk`: undefined properties yield `{}`. `reservedIds`: apply the /^id$/i rule (user properties).
 * Throws {@link HeapValidationError}.
 */
export function normalizeProperties(
  path: string,
  properties: unknown,
  opts: HeapValidationOptions,
  { absentOk, reservedIds }: { absentOk: boolean; reservedIds: boolean },
): Record<string, HeapPropertyValue> {
  if (properties === undefined && absentOk) return {};
  if (!isPlainObject(properties)) throw new HeapValidationError(`${path} should be object`);
  const out: Record<string, HeapPropertyValue> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (key.length >= HEAP_MAX_STRING) {
      throw new HeapValidationError(
        `${path} property name should NOT be longer than ${HEAP_MAX_STRING - 1} characters`,
      );
    }
    if (reservedIds && /^id$/i.test(key)) {
      if (opts.reservedIdKeys === 'ignore') continue;
      throw new HeapValidationError(`${path}.${key} is a reserved property name`);
    }
    out[key] = normalizeValue(`${path}.${key}`, value, opts);
  }
  return out;
}
