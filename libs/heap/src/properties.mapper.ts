import { HEAP_LIMITS } from './heap.limits';

/** Heap property values: only strings and numbers reach Heap (heap-api.md §2 "Property value handling"). */
export type HeapPropertyValue = string | number;
export type HeapProperties = Record<string, HeapPropertyValue>;

export interface FlattenOptions {
  /** Longest string value kept, in UTF-16 code units; longer values are cut. Default 1023. */
  maxValueLength?: number;
  /** Longest key kept; longer keys are dropped (cutting could merge two keys). Default 1023. */
  maxKeyLength?: number;
}

/** Heap's own array convention: `["a","b"]` is stored as `"a||b"` (heap-api.md §2). */
export const HEAP_ARRAY_SEPARATOR = '||';
/** What a key matching /^id$/i becomes: Heap forbids `id` in any casing (heap-api.md §4). */
export const RENAMED_ID_KEY = 'hubspot_id';

interface Limits {
  maxValueLength: number;
  maxKeyLength: number;
}

/**
 * Turns arbitrary JSON-like data into Heap-safe flat properties, following heap-api.md §2 and §11:
 * - nested objects are flattened with `.` (`{a:{b:1}}` → `{"a.b": 1}`);
 * - arrays are joined with `||` (Heap's convention); null/undefined/'' items are left out, objects in
 *   arrays are JSON-encoded; the joined string is cut like any string;
 * - booleans become `"true"`/`"false"`; Dates become ISO 8601 strings; bigints decimal strings;
 * - null, undefined, '' and non-finite numbers are dropped, as are functions and symbols;
 * - strings are cut to `maxValueLength` code units without splitting a surrogate pair;
 * - a flattened key matching /^id$/i is renamed `hubspot_id` (an explicit `hubspot_id` in the input
 *   wins); keys longer than `maxKeyLength`, and empty keys, are dropped.
 * Pure; never throws.
 */
export const flattenProperties = (
  input: Record<string, unknown>,
  options: FlattenOptions = {},
): HeapProperties => {
  const limits: Limits = {
    maxValueLength: options.maxValueLength ?? HEAP_LIMITS.maxPropertyLength,
    maxKeyLength: options.maxKeyLength ?? HEAP_LIMITS.maxPropertyLength,
  };
  const out: HeapProperties = {};
  walk(input, '', out, limits, new Set());
  return renameIdKeys(out);
};

const walk = (
  node: Record<string, unknown>,
  prefix: string,
  out: HeapProperties,
  limits: Limits,
  ancestors: Set<object>,
): void => {
  ancestors.add(node);
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) {
      if (!ancestors.has(value)) walk(value, path, out, limits, ancestors);
      continue;
    }
    const scalar = Array.isArray(value) ? joinArray(value) : toScalar(value);
    if (scalar === undefined || key === '' || path.length > limits.maxKeyLength) continue;
    out[path] = typeof scalar === 'string' ? cutString(scalar, limits.maxValueLength) : scalar;
  }
  ancestors.delete(node);
};

const renameIdKeys = (flat: HeapProperties): HeapProperties => {
  const out: HeapProperties = {};
  let renamed: HeapPropertyValue | undefined;
  for (const [key, value] of Object.entries(flat)) {
    if (/^id$/i.test(key)) renamed = value;
    else out[key] = value;
  }
  if (renamed !== undefined && !(RENAMED_ID_KEY in out)) out[RENAMED_ID_KEY] = renamed;
  return out;
};

const toScalar = (value: unknown): HeapPropertyValue | undefined => {
  switch (typeof value) {
    case 'string':
      return value === '' ? undefined : value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      return undefined;
    default:
      return undefined;
  }
};

const joinArray = (items: readonly unknown[]): string | undefined => {
  const parts: string[] = [];
  for (const item of items) {
    const part = isPlainObject(item) || Array.isArray(item) ? safeJson(item) : toScalar(item);
    if (part !== undefined && part !== '') parts.push(String(part));
  }
  return parts.length > 0 ? parts.join(HEAP_ARRAY_SEPARATOR) : undefined;
};

const safeJson = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // cycles or bigints deep inside an array item
  }
};

/**
 * Cuts `value` to at most `max` UTF-16 code units, never leaving half of a surrogate pair. Pure.
 */
export const cutString = (value: string, max: number): string => {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return value.slice(0, splitsPair ? max - 1 : max);
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
