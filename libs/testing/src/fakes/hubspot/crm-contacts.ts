import { hubspotErrorBody } from './hubspot-errors';

/** Contact as seeded by tests: `id` a numeric string (auto-assigned when absent); values strings or null. */
export interface HubSpotContactSeed {
  id?: string;
  properties: Record<string, string | null>;
}

/**
 * A stored CRM v3 contact (hubspot-api.md §3.1): numeric-string `id`, property values strings or `null`
 * (`hs_object_id`, `createdate`, `lastmodifieddate` always present), ISO-8601 UTC `createdAt`/`updatedAt`.
 */
export interface HubSpotContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: false;
}

/** [HTTP status, JSON body] answered by a CRM route handler. */
export type CrmReply = [number, unknown];

/** Max inputs of a CRM batch call (§3.2, §6). */
export const MAX_BATCH_INPUTS = 100;
/** Max `limit` of a CRM search page (§3.3). */
export const MAX_SEARCH_LIMIT = 200;
/** Results reachable through one search query (§3.3): `after` ≥ this → 400. */
export const MAX_SEARCH_RESULTS = 10_000;
/** Properties a contact read returns when none are requested (§3.3). */
export const DEFAULT_CONTACT_PROPERTIES = [
  'createdate',
  'email',
  'firstname',
  'hs_object_id',
  'lastmodifieddate',
  'lastname',
];
/** Properties HubSpot adds to every read even when other properties are requested (§3.2 example). */
const ALWAYS_RETURNED = ['hs_object_id', 'createdate', 'lastmodifieddate'];

const SUPPORTED_OPERATORS = new Set([
  'EQ',
  'NEQ',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
]);

/**
 * A property or filter value as a number for the range operators: a decimal string as is (numbers,
 * ids, ms-epoch dates as HubSpot takes them in filters), else an ISO date as ms since the epoch (how
 * date properties are stored); NaN when it is neither (such a contact never matches).
 */
const rangeValue = (value: unknown): number => {
  if (value === undefined || value === null || value === '') return Number.NaN;
  const text = String(value).trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
};

const validation = (message: string): CrmReply => [400, hubspotErrorBody('VALIDATION_ERROR', message)];
const notFound = (message = 'resource not found'): CrmReply => [
  404,
  hubspotErrorBody('OBJECT_NOT_FOUND', message),
];

const lower = (v: string | null | undefined): string | undefined =>
  v === null || v === undefined ? undefined : v.toLowerCase();

/**
 * Contacts of one portal (hubspot-api.md §3): unique numeric-string ids, `email` unique case-insensitively.
 * The request handlers return `[status, body]` pairs; the fake adds transport, auth and rate limiting.
 */
export class ContactStore {
  private readonly byId = new Map<string, HubSpotContact>();
  private nextId = 1001;

  constructor(private readonly now: () => number) {}

  /**
   * Adds or replaces contacts. A contact with a known `id` is replaced. Throws when an `id` is not a numeric
   * string or when an email (case-insensitive) already belongs to another contact. `createdAt` is taken from a
   * valid `createdate` property (ISO or ms epoch), else the fake clock; `updatedAt` likewise from `lastmodifieddate`.
   */
  seed(contacts: readonly HubSpotContactSeed[]): HubSpotContact[] {
    return contacts.map((seed) => {
      const id = seed.id ?? String(this.nextId);
      if (!/^\d+$/.test(id))
        throw new Error(`seedContacts: contact id must be a numeric string, got "${id}"`);
      const email = lower(seed.properties['email']);
      if (email !== undefined) {
        const other = this.findBy('email', email);
        if (other && other.id !== id) {
          throw new Error(`seedContacts: email ${email} already belongs to contact ${other.id}`);
        }
      }
      const createdAt = toIso(seed.properties['createdate']) ?? new Date(this.now()).toISOString();
      const updatedAt = toIso(seed.properties['lastmodifieddate']) ?? createdAt;
      const contact: HubSpotContact = {
        id,
        properties: {
          ...seed.properties,
          createdate: seed.properties['createdate'] ?? createdAt,
          lastmodifieddate: seed.properties['lastmodifieddate'] ?? updatedAt,
          hs_object_id: id,
        },
        createdAt,
        updatedAt,
        archived: false,
      };
      this.byId.set(id, contact);
      this.nextId = Math.max(this.nextId, Number(id) + 1);
      return structuredClone(contact);
    });
  }

  /** Every contact, sorted by numeric id (deep copies). */
  all(): HubSpotContact[] {
    return this.sorted().map((c) => structuredClone(c));
  }

  /** True when a contact with record id `id` exists. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** `GET /crm/v3/objects/contacts/{id}` (§3.1): `idProperty`, `properties`, `propertiesWithHistory`. */
  getOne(idOrValue: string, idProperty: string | undefined, props: string[], history: string[]): CrmReply {
    const contact = this.lookup(idOrValue, idProperty);
    return contact ? [200, this.render(contact, props, history)] : notFound();
  }

  /** `GET /crm/v3/objects/contacts?limit=&after=` (§3.1): limit default 10, max 100; `after` = first id of the next page. */
  listPage(query: Record<string, string>, props: string[]): CrmReply {
    const limit = query['limit'] === undefined ? 10 : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return validation(`limit must be between 1 and 100, got ${query['limit']}`);
    }
    const after = query['after'] === undefined ? 0 : Number(query['after']);
    if (!Number.isFinite(after)) return validation(`after must be a numeric string, got ${query['after']}`);
    const rest = this.sorted().filter((c) => Number(c.id) >= after);
    const page = rest.slice(0, limit);
    const last = page[page.length - 1];
    const next = rest.length > limit && last ? String(Number(last.id) + 1) : undefined;
    return [
      200,
      {
        results: page.map((c) => this.render(c, props, [])),
        ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
      },
    ];
  }

  /**
   * `POST /crm/v3/objects/contacts/batch/read` (§3.2): ≤ 100 inputs (else 400 `VALIDATION_ERROR`); 200 when
   * every input was found, 207 with `OBJECT_NOT_FOUND` + `context.ids` otherwise. Duplicate inputs yield one result.
   */
  batchRead(body: unknown): CrmReply {
    const startedAt = new Date(this.now()).toISOString();
    if (!isRecord(body) || !Array.isArray(body['inputs'])) {
      return validation('Invalid input JSON: "inputs" must be an array of {"id": string}');
    }
    const inputs = body['inputs'] as unknown[];
    if (inputs.length > MAX_BATCH_INPUTS) {
      return validation(`Batch input must contain at most ${MAX_BATCH_INPUTS} inputs, got ${inputs.length}`);
    }
    const idProperty = typeof body['idProperty'] === 'string' ? body['idProperty'] : undefined;
    const props = stringArray(body['properties']);
    const history = stringArray(body['propertiesWithHistory']);
    const results: unknown[] = [];
    const seen = new Set<string>();
    const missing: string[] = [];
    for (const input of inputs) {
      const id = isRecord(input) && input['id'] !== undefined ? String(input['id']) : undefined;
      if (id === undefined) return validation('Invalid input JSON: every input needs an "id"');
      const contact = this.lookup(id, idProperty);
      if (!contact) {
        if (!missing.includes(id)) missing.push(id);
      } else if (!seen.has(contact.id)) {
        seen.add(contact.id);
        results.push(this.render(contact, props, history));
      }
    }
    const completedAt = new Date(this.now()).toISOString();
    if (missing.length === 0) return [200, { status: 'COMPLETE', results, startedAt, completedAt }];
    return [
      207,
      {
        status: 'COMPLETE',
        results,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message:
              'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
            context: { ids: missing },
            links: {},
            errors: [],
          },
        ],
        startedAt,
        completedAt,
      },
    ];
  }

  /**
   * `POST /crm/v3/objects/contacts/search` (§3.3). Filters: `EQ`/`NEQ` (`value`), `IN`/`NOT_IN` (`values`),
   * `HAS_PROPERTY`/`NOT_HAS_PROPERTY`, `LT`/`LTE`/`GT`/`GTE`/`BETWEEN` (`value`, `highValue`; numbers, ids and
   * dates compared as numbers: ms-epoch strings, or ISO dates as stored); string comparisons are case-insensitive;
   * filters in a group are ANDed, groups ORed; other operators (`CONTAINS_TOKEN`…) → 400 (not faked). One sort (`"prop"`/`"-prop"` or `{propertyName, direction}`),
   * default by numeric id. `limit` default 10, max 200; `after` is a numeric offset string; `after` ≥ 10,000 → 400.
   */
  search(body: unknown): CrmReply {
    if (!isRecord(body)) return validation('Invalid input JSON: body must be an object');
    const limit = body['limit'] === undefined ? 10 : Number(body['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      return validation(`limit must be between 1 and ${MAX_SEARCH_LIMIT}, got ${String(body['limit'])}`);
    }
    const after = body['after'] === undefined || body['after'] === '' ? 0 : Number(body['after']);
    if (!Number.isInteger(after) || after < 0) {
      return validation(`after must be a non-negative numeric string, got ${String(body['after'])}`);
    }
    if (after >= MAX_SEARCH_RESULTS) {
      return validation(
        `Paging is limited to ${MAX_SEARCH_RESULTS} results; after=${after} is past that limit.`,
      );
    }
    const groups = body['filterGroups'] === undefined ? [] : body['filterGroups'];
    if (!Array.isArray(groups)) return validation('filterGroups must be an array');
    const predicates: Array<Array<(c: HubSpotContact) => boolean>> = [];
    for (const group of groups) {
      const filters =
        isRecord(group) && Array.isArray(group['filters']) ? (group['filters'] as unknown[]) : [];
      const compiled: Array<(c: HubSpotContact) => boolean> = [];
      for (const filter of filters) {
        const result = compileFilter(filter);
        if (typeof result === 'string') return validation(result);
        compiled.push(result);
      }
      predicates.push(compiled);
    }
    const matches = this.sorted().filter(
      (c) => predicates.length === 0 || predicates.some((group) => group.every((p) => p(c))),
    );
    sortContacts(matches, body['sorts']);
    const page = matches.slice(after, after + limit);
    const end = after + page.length;
    const props = stringArray(body['properties']);
    return [
      200,
      {
        total: matches.length,
        results: page.map((c) => this.render(c, props, [])),
        ...(end < matches.length ? { paging: { next: { after: String(end), link: `?after=${end}` } } } : {}),
      },
    ];
  }

  private lookup(idOrValue: string, idProperty: string | undefined): HubSpotContact | undefined {
    if (idProperty === undefined || idProperty === '' || idProperty === 'hs_object_id') {
      return this.byId.get(idOrValue);
    }
    return this.findBy(idProperty, idOrValue);
  }

  private findBy(property: string, value: string): HubSpotContact | undefined {
    const wanted = property === 'email' ? value.toLowerCase() : value;
    for (const c of this.byId.values()) {
      const v = c.properties[property];
      if (v !== null && v !== undefined && (property === 'email' ? v.toLowerCase() : v) === wanted) return c;
    }
    return undefined;
  }

  private sorted(): HubSpotContact[] {
    return [...this.byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
  }

  private render(contact: HubSpotContact, props: string[], history: string[]): unknown {
    const names =
      props.length === 0 ? DEFAULT_CONTACT_PROPERTIES : [...new Set([...props, ...ALWAYS_RETURNED])];
    const properties: Record<string, string | null> = {};
    for (const name of names) {
      const value = contact.properties[name];
      if (value !== undefined || props.includes(name)) properties[name] = value ?? null;
    }
    const out: Record<string, unknown> = {
      id: contact.id,
      properties,
      createdAt: contact.createdAt,
      updatedAt: contact.updatedAt,
      archived: false,
    };
    if (history.length > 0) {
      out['propertiesWithHistory'] = Object.fromEntries(
        history.map((name) => {
          const value = contact.properties[name];
          return [
            name,
            value === undefined || value === null
              ? []
              : [{ value, timestamp: contact.updatedAt, sourceType: 'API', sourceId: 'hubspot-fake' }],
          ];
        }),
      );
    }
    return out;
  }
}

function compileFilter(filter: unknown): ((c: HubSpotContact) => boolean) | string {
  if (
    !isRecord(filter) ||
    typeof filter['propertyName'] !== 'string' ||
    typeof filter['operator'] !== 'string'
  ) {
    return 'Every filter needs "propertyName" and "operator"';
  }
  const name = filter['propertyName'];
  const op = filter['operator'];
  if (!SUPPORTED_OPERATORS.has(op)) {
    return `HubSpotFake supports only ${[...SUPPORTED_OPERATORS].join(', ')} in search filters, got ${op}`;
  }
  const get = (c: HubSpotContact): string | undefined =>
    name === 'id' ? c.id.toLowerCase() : lower(c.properties[name]);
  if (op === 'LT' || op === 'LTE' || op === 'GT' || op === 'GTE' || op === 'BETWEEN') {
    const low = rangeValue(filter['value']);
    if (Number.isNaN(low)) return `${op} needs a numeric or date "value"`;
    const high = op === 'BETWEEN' ? rangeValue(filter['highValue']) : Number.NaN;
    if (op === 'BETWEEN' && Number.isNaN(high)) return 'BETWEEN needs a numeric or date "highValue"';
    const test = {
      LT: (v: number) => v < low,
      LTE: (v: number) => v <= low,
      GT: (v: number) => v > low,
      GTE: (v: number) => v >= low,
      BETWEEN: (v: number) => v >= low && v <= high,
    }[op];
    return (c) => {
      const v = rangeValue(name === 'id' ? c.id : c.properties[name]);
      return !Number.isNaN(v) && test(v);
    };
  }
  if (op === 'HAS_PROPERTY') return (c) => (get(c) ?? '') !== '';
  if (op === 'NOT_HAS_PROPERTY') return (c) => (get(c) ?? '') === '';
  if (op === 'EQ' || op === 'NEQ') {
    if (filter['value'] === undefined || filter['value'] === null) return `${op} needs a "value"`;
    const value = String(filter['value']).toLowerCase();
    return op === 'EQ' ? (c) => get(c) === value : (c) => get(c) !== value;
  }
  if (!Array.isArray(filter['values'])) return `${op} needs "values" (an array)`;
  const values = new Set((filter['values'] as unknown[]).map((v) => String(v).toLowerCase()));
  return op === 'IN' ? (c) => values.has(get(c) ?? '\u0000') : (c) => !values.has(get(c) ?? '\u0000');
}

function sortContacts(contacts: HubSpotContact[], sorts: unknown): void {
  const first: unknown = Array.isArray(sorts) ? sorts[0] : undefined;
  let name: string | undefined;
  let descending = false;
  if (typeof first === 'string' && first !== '') {
    descending = first.startsWith('-');
    name = descending ? first.slice(1) : first;
  } else if (isRecord(first) && typeof first['propertyName'] === 'string') {
    name = first['propertyName'];
    descending = first['direction'] === 'DESCENDING';
  }
  if (name === undefined) return;
  const key = name;
  const value = (c: HubSpotContact): string => (key === 'id' ? c.id : (c.properties[key] ?? ''));
  contacts.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const na = Number(va);
    const nb = Number(vb);
    const cmp =
      va !== '' && vb !== '' && Number.isFinite(na) && Number.isFinite(nb) ? na - nb : va.localeCompare(vb);
    return (descending ? -cmp : cmp) || Number(a.id) - Number(b.id);
  });
}

function toIso(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
