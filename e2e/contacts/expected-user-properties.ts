import type { PropertyDefinition } from '@hubheap/testing';

// What Heap must hold for a contact, computed here from the raw fixtures by the rules written in
// apps/property-sync/README.md ("Naming rule", "Value mapping") — deliberately not with the app's mapper.

/** Heap keeps property keys and values shorter than 1024 characters (heap-api.md §4). */
const MAX = 1023;
const RESERVED = new Set(['id', 'user_id', 'identity', 'email']);

/** Cuts `text` to `max` UTF-16 units without splitting a surrogate pair. */
const cut = (text: string, max = MAX): string => {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
};

/**
 * HubSpot internal name → Heap user property name: `email` stays `email`; others use their label
 * (whitespace collapsed; internal name if the label is empty); a label that is reserved or shared
 * (case-insensitively) with another property gets ` (<internal name>)`; a name still shared falls
 * back to the internal name.
 */
export const expectedPropertyNames = (definitions: readonly PropertyDefinition[]): Map<string, string> => {
  const label = new Map(
    definitions.map((d) => {
      const clean = d.label.replace(/\s+/g, ' ').trim();
      return [d.name, cut(clean === '' ? d.name : clean)] as const;
    }),
  );
  const count = (values: Iterable<string>) => {
    const n = new Map<string, number>();
    for (const v of values) n.set(v.toLowerCase(), (n.get(v.toLowerCase()) ?? 0) + 1);
    return n;
  };
  const labelUses = count([...label].filter(([name]) => name !== 'email').map(([, l]) => l));
  const names = new Map<string, string>();
  for (const [name, l] of label) {
    if (name === 'email') names.set(name, 'email');
    else if (RESERVED.has(l.toLowerCase()) || (labelUses.get(l.toLowerCase()) ?? 0) > 1) {
      const suffix = ` (${name})`;
      names.set(name, `${cut(l, MAX - suffix.length)}${suffix}`);
    } else names.set(name, l);
  }
  const nameUses = count(names.values());
  for (const [name, heapName] of names)
    if (name !== 'email' && (nameUses.get(heapName.toLowerCase()) ?? 0) > 1) names.set(name, name);
  return names;
};

const iso = (text: string): string | undefined => {
  const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

/** One HubSpot value (a string on the wire) → the Heap value, or undefined when nothing is sent. */
export const expectedValue = (
  def: PropertyDefinition,
  raw: string | null | undefined,
): string | number | undefined => {
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  if (def.type === 'object_coordinates' || def.type === 'json') return undefined;
  const bool = (): string => {
    const t = raw.trim().toLowerCase();
    return t === 'true' || t === 'false' ? t : cut(raw);
  };
  switch (def.type) {
    case 'date':
    case 'datetime':
      return iso(raw.trim()) ?? cut(raw);
    case 'number': {
      const t = raw.trim();
      const n = Number(t);
      if (!Number.isFinite(n) || !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return t;
      return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : t;
    }
    case 'bool':
      return bool();
    case 'enumeration': {
      if (def.fieldType === 'booleancheckbox') return bool();
      const parts = raw
        .split(';')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return parts.length === 0 ? undefined : cut(parts.join('||'));
    }
    default:
      return cut(raw);
  }
};

/**
 * The Heap user properties of one contact: every property with a definition and a non-empty value,
 * named and valued as above; HubSpot's `email` trimmed and lower-cased (it goes to Heap's Email field).
 */
export const expectedUserProperties = (
  definitions: readonly PropertyDefinition[],
  properties: Readonly<Record<string, string | null>>,
): Record<string, string | number> => {
  const names = expectedPropertyNames(definitions);
  const out: Record<string, string | number> = {};
  for (const def of definitions) {
    const value = expectedValue(def, properties[def.name]);
    if (value === undefined) continue;
    out[names.get(def.name)!] =
      def.name === 'email' && typeof value === 'string' ? value.trim().toLowerCase() : value;
  }
  return out;
};
