import { cutString, HEAP_LIMITS, HEAP_ARRAY_SEPARATOR, type HeapProperties } from '@hubheap/heap';

/**
 * A HubSpot contact property definition as `GET /crm/v3/properties/contacts` returns it (hubspot-api.md
 * §3.4), reduced to what the Heap mapping needs. `type` is one of `string`, `number`, `bool`,
 * `enumeration`, `date`, `datetime`, `phone_number`, `object_coordinates`, `json` (§3.5).
 */
export interface ContactPropertyDefinition {
  /** Internal name, unique per portal (e.g. `lifecyclestage`). */
  name: string;
  /** Display label (e.g. `Lifecycle Stage`); not unique. */
  label: string;
  type: string;
  fieldType: string;
}

/** HubSpot internal name → Heap user property name, for one portal's definitions. */
export type HeapPropertyNaming = ReadonlyMap<string, string>;

/** HubSpot's `email` property goes to Heap's built-in Email user property (heap-api.md §4, §11). */
export const HEAP_EMAIL_PROPERTY = 'email';

/**
 * Names Heap reserves or treats specially for user properties (heap-api.md §4): any casing of `id`
 * (server-side), `user_id` (client-side), `identity`, and any casing of `email` (lowercase `email` is
 * the built-in Email field, which only HubSpot's own `email` property writes).
 */
const RESERVED_NAME = /^(id|user_id|identity|email)$/i;

/** Types whose values are internal to HubSpot and never sent to Heap (§3.5). */
const INTERNAL_TYPES = new Set(['object_coordinates', 'json']);

const fold = (name: string): string => name.toLowerCase();
const cleanLabel = (label: string): string => label.replace(/\s+/g, ' ').trim();

/** `<label> (<internal name>)`, the label cut so the whole stays within Heap's key length. */
const suffixed = (label: string, name: string): string => {
  const suffix = ` (${name})`;
  return `${cutString(label, Math.max(0, HEAP_LIMITS.maxPropertyLength - suffix.length))}${suffix}`;
};

/**
 * The naming rule of property-sync (documented in apps/property-sync/README.md "Naming rule"). For
 * each definition, the Heap user property name is:
 * 1. `email` for HubSpot's `email` property (Heap's built-in Email field);
 * 2. otherwise the HubSpot label with runs of whitespace collapsed and trimmed (the internal name
 *    when the label is empty), cut to 1023 characters;
 * 3. with ` (<internal name>)` appended when that label is reserved (any casing of `id`, `user_id`,
 *    `identity`, `email`) or shared, compared case-insensitively, with another property of the
 *    portal — every sharer gets the suffix, so the result does not depend on definition order;
 * 4. names that still collide (a label literally equal to another's suffixed name) become the
 *    internal name itself, which is unique per portal;
 * 5. if an internal name from rule 4 clashes again (it equals another property's label, or is a
 *    reserved name such as `user_id`), every clashing name becomes `<internal name> (hubspot <n>)`,
 *    n = 1, 2, … until no two names fold to the same text and none is reserved.
 * Pure; same definitions in any order → same map, and no two HubSpot properties share a Heap name.
 */
export const heapPropertyNames = (definitions: readonly ContactPropertyDefinition[]): Map<string, string> => {
  const sorted = [...definitions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const base = new Map<string, string>();
  for (const def of sorted) {
    const label = cleanLabel(def.label);
    base.set(def.name, cutString(label === '' ? def.name : label, HEAP_LIMITS.maxPropertyLength));
  }
  const sharers = new Map<string, number>();
  for (const [name, label] of base) {
    if (name !== HEAP_EMAIL_PROPERTY) sharers.set(fold(label), (sharers.get(fold(label)) ?? 0) + 1);
  }
  const named = new Map<string, string>();
  for (const [name, label] of base) {
    if (name === HEAP_EMAIL_PROPERTY) named.set(name, HEAP_EMAIL_PROPERTY);
    else if (RESERVED_NAME.test(label) || (sharers.get(fold(label)) ?? 0) > 1)
      named.set(name, suffixed(label, name));
    else named.set(name, label);
  }
  // Rules 4 and 5: rename clashing names until none is left. Terminates: from round 1 on, renamed names
  // embed the (unique) internal name and a round number no earlier name carries.
  for (let round = 0, clash = clashing(named); clash.length > 0; round += 1, clash = clashing(named)) {
    for (const name of clash) named.set(name, round === 0 ? name : `${name} (hubspot ${round})`);
  }
  return named;
};

/** HubSpot names (not `email`) whose Heap name folds to another's, or is reserved. */
const clashing = (named: ReadonlyMap<string, string>): string[] => {
  const uses = new Map<string, number>();
  for (const heapName of named.values()) uses.set(fold(heapName), (uses.get(fold(heapName)) ?? 0) + 1);
  return [...named]
    .filter(
      ([name, heapName]) =>
        name !== HEAP_EMAIL_PROPERTY && ((uses.get(fold(heapName)) ?? 0) > 1 || RESERVED_NAME.test(heapName)),
    )
    .map(([name]) => name);
};

/** A HubSpot value as read (always a string on the wire, §3.5; fixtures also hold numbers and booleans). */
export type HubSpotPropertyValue = string | number | boolean | null | undefined;

const isEmpty = (raw: HubSpotPropertyValue): raw is null | undefined | '' =>
  raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');

/** The largest |ms| a JS Date holds (ECMAScript §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;
/** Text that starts like an ISO 8601 date (`2026-02-01…`). */
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}/;

/** A date-time without zone designator, which `Date.parse` would read in the server's local time. */
const NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * ms epoch (number or digit string) or any string `Date` parses → ISO 8601 UTC with ms; a date-time
 * without zone is read as UTC (never the server's time zone); else undefined.
 */
const toIsoInstant = (raw: string | number): string | undefined => {
  const text = String(raw).trim();
  // Only ms epochs and ISO-8601-looking text: `Date.parse` also accepts free text ("Tomorrow 1").
  const millis = /^-?\d+$/.test(text)
    ? Number(text)
    : ISO_LIKE.test(text)
      ? Date.parse(NO_ZONE.test(text) ? `${text}Z` : text)
      : NaN;
  // ±8.64e15 ms is the range of a JS Date; beyond it toISOString throws.
  return Number.isFinite(millis) && Math.abs(millis) <= MAX_DATE_MS
    ? new Date(millis).toISOString()
    : undefined;
};

const toNumber = (raw: string | number): string | number => {
  const text = String(raw).trim();
  const value = Number(text);
  // Keep the text when a JS number would change it (precision beyond 2^53, `0x…`, `1e999`).
  if (!Number.isFinite(value) || !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return text;
  return Number.isSafeInteger(value) || !Number.isInteger(value) ? value : text;
};

const toBoolean = (raw: string | number | boolean): string | undefined => {
  const text = String(raw).trim().toLowerCase();
  return text === 'true' || text === 'false' ? text : undefined;
};

/**
 * One HubSpot property value → a Heap user property value (apps/property-sync/README.md "Value
 * mapping"; hubspot-api.md §3.5, heap-api.md §4), or `undefined` when nothing should be sent:
 * - empty (`null`, missing, blank string) → undefined (the caller decides whether to clear, see
 *   {@link mapContactProperties});
 * - `datetime` and `date`: ISO 8601 or ms epoch → ISO 8601 UTC with ms (`2026-02-01T08:30:00.000Z`;
 *   a date is midnight UTC); unparseable text is sent as text;
 * - `number` → a JS number (text kept when a number would lose digits);
 * - `bool`, and `enumeration` with fieldType `booleancheckbox` → `"true"` / `"false"` (Heap takes
 *   only strings and numbers; other text is sent as text);
 * - `enumeration` → the option value(s); a multi-checkbox `a;b` → `a||b` (Heap's own array form);
 * - `object_coordinates`, `json` → undefined (internal to HubSpot);
 * - everything else (`string`, `phone_number`, unknown types) → text.
 * Strings are cut to 1023 characters (Heap: shorter than 1024), never splitting a surrogate pair. Pure.
 */
export const toHeapPropertyValue = (
  definition: Pick<ContactPropertyDefinition, 'type' | 'fieldType'>,
  raw: HubSpotPropertyValue,
): string | number | undefined => {
  if (isEmpty(raw) || INTERNAL_TYPES.has(definition.type)) return undefined;
  const cut = (text: string): string => cutString(text, HEAP_LIMITS.maxPropertyLength);
  const text = String(raw);
  switch (definition.type) {
    case 'datetime':
    case 'date':
      return typeof raw === 'boolean' ? cut(text) : (toIsoInstant(raw) ?? cut(text));
    case 'number':
      return typeof raw === 'boolean' ? cut(text) : toNumber(raw);
    case 'bool':
      return toBoolean(raw) ?? cut(text);
    case 'enumeration': {
      if (definition.fieldType === 'booleancheckbox') return toBoolean(raw) ?? cut(text);
      const values = text
        .split(';')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      if (values.length === 0) return undefined;
      // Cut at an item boundary: a half option value would be a value HubSpot never had.
      let joined = values.join(HEAP_ARRAY_SEPARATOR);
      while (joined.length > HEAP_LIMITS.maxPropertyLength && values.length > 1) {
        values.pop();
        joined = values.join(HEAP_ARRAY_SEPARATOR);
      }
      return cut(joined);
    }
    default:
      return cut(text);
  }
};

/** Options of {@link mapContactProperties}. */
export interface MapContactPropertiesOptions {
  /**
   * HubSpot names whose empty value is sent as `""` so Heap's last value is cleared (the properties a
   * change named, `changedProperties`); every other empty value is left out.
   */
  clear?: ReadonlySet<string>;
}

/**
 * A contact's HubSpot properties (batch read `properties`, §3.2) → Heap user properties, named by
 * `naming` ({@link heapPropertyNames}) and valued by {@link toHeapPropertyValue}. Properties without
 * a definition are left out (the caller refreshes definitions first). HubSpot's `email` is trimmed and
 * lower-cased (heap-api.md §11). Pure.
 */
export const mapContactProperties = (
  definitions: ReadonlyMap<string, ContactPropertyDefinition>,
  naming: HeapPropertyNaming,
  properties: Readonly<Record<string, HubSpotPropertyValue>>,
  options: MapContactPropertiesOptions = {},
): HeapProperties => {
  const out: HeapProperties = {};
  for (const [name, raw] of Object.entries(properties)) {
    const definition = definitions.get(name);
    const heapName = naming.get(name);
    if (!definition || heapName === undefined) continue;
    const value = toHeapPropertyValue(definition, raw);
    if (value !== undefined)
      out[heapName] =
        name === HEAP_EMAIL_PROPERTY && typeof value === 'string' ? value.trim().toLowerCase() : value;
    else if (options.clear?.has(name) && !INTERNAL_TYPES.has(definition.type)) out[heapName] = '';
  }
  return out;
};
