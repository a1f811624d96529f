import { hubspotErrorBody } from './hubspot-errors';
import { isRecord, type CrmReply } from './crm-contacts';

/** List processing types (hubspot-api.md §4.1). */
export type HubSpotListProcessingType = 'MANUAL' | 'DYNAMIC' | 'SNAPSHOT';

/**
 * A Lists v3 list as the fake answers it (`PublicObjectList`, hubspot-api.md §4.3): string `listId`,
 * ISO-8601 UTC timestamps, `processingStatus` always `COMPLETE`. `filterBranch` only when one was given.
 */
export interface HubSpotList {
  listId: string;
  listVersion: number;
  name: string;
  objectTypeId: string;
  processingType: HubSpotListProcessingType;
  processingStatus: 'COMPLETE';
  createdAt: string;
  updatedAt: string;
  filtersUpdatedAt: string;
  createdById: string;
  updatedById: string;
  listPermissions: { teamsWithEditAccess: string[]; usersWithEditAccess: string[] };
  membershipSettings: { membershipTeamId: null; includeUnassigned: null };
  filterBranch?: unknown;
}

/** Input of `HubSpotFake.createList` (test setup); `members` pre-fills memberships (also for DYNAMIC lists). */
export interface HubSpotListSeed {
  name: string;
  processingType: HubSpotListProcessingType;
  objectTypeId?: string;
  members?: string[];
}

/** Contacts object type id (§4). */
export const CONTACTS_OBJECT_TYPE_ID = '0-1';
/** Max `limit` of `GET /crm/v3/lists/{id}/memberships` (§4.6). */
export const MAX_MEMBERSHIP_PAGE = 250;
/** Max `count` of `POST /crm/v3/lists/search` (§4.4). */
export const MAX_LIST_SEARCH_COUNT = 500;
/** User id the fake writes into `createdById`/`updatedById`. */
const FAKE_USER_ID = '9586504';
const PROCESSING_TYPES = new Set<string>(['MANUAL', 'DYNAMIC', 'SNAPSHOT']);

interface StoredList {
  list: HubSpotList;
  deleted: boolean;
  /** record id → membership timestamp (ISO). */
  members: Map<string, string>;
  lastAddedAt?: string;
  lastRemovedAt?: string;
}

const validation = (message: string): CrmReply => [400, hubspotErrorBody('VALIDATION_ERROR', message)];
const listNotFound = (what: string): CrmReply => [
  404,
  hubspotErrorBody('OBJECT_NOT_FOUND', `List ${what} does not exist.`),
];

/**
 * Contact lists of one portal (hubspot-api.md §4). Names are unique case-insensitively among lists that are
 * not deleted. `isContact(id)` tells membership changes which record ids exist (others go to `recordIdsMissing`).
 */
export class ListStore {
  private readonly byId = new Map<string, StoredList>();
  private nextId = 1;

  constructor(
    private readonly now: () => number,
    private readonly isContact: (id: string) => boolean,
  ) {}

  /** Test setup: creates a list (throws on an invalid or duplicate name) and optionally fills its members. */
  create(seed: HubSpotListSeed): HubSpotList {
    const [status, body] = this.createFromBody({
      name: seed.name,
      objectTypeId: seed.objectTypeId ?? CONTACTS_OBJECT_TYPE_ID,
      processingType: seed.processingType,
    });
    if (status !== 200) throw new Error(`createList: ${(body as { message: string }).message}`);
    const list = (body as { list: HubSpotList }).list;
    const stored = this.byId.get(list.listId);
    const at = this.iso();
    for (const id of seed.members ?? []) stored?.members.set(String(id), at);
    return structuredClone(list);
  }

  /** Every list that is not deleted, by numeric id (deep copies). */
  all(): HubSpotList[] {
    return this.live().map((s) => structuredClone(s.list));
  }

  /** Members of a list (not deleted) sorted by numeric record id; undefined for an unknown list. */
  members(listId: string): string[] | undefined {
    const stored = this.get(listId);
    return stored ? sortIds([...stored.members.keys()]) : undefined;
  }

  /**
   * `POST /crm/v3/lists` (§4.3) → 200 `{list}`. 400 `VALIDATION_ERROR` for a missing name/objectTypeId, a
   * processingType other than MANUAL/DYNAMIC/SNAPSHOT, or a duplicate name. The duplicate-name status and
   * message are a guess (hubspot-api.md §9: undocumented): 400, `A list named "<name>" already exists (listId <id>).`
   */
  createFromBody(body: unknown): CrmReply {
    if (!isRecord(body)) return validation('Invalid input JSON: body must be an object');
    const { name, objectTypeId, processingType } = body;
    if (typeof name !== 'string' || name.trim() === '') return validation('"name" is required');
    if (typeof objectTypeId !== 'string' || objectTypeId === '')
      return validation('"objectTypeId" is required');
    if (typeof processingType !== 'string' || !PROCESSING_TYPES.has(processingType)) {
      return validation(
        `"processingType" must be one of MANUAL, DYNAMIC, SNAPSHOT, got ${String(processingType)}`,
      );
    }
    const duplicate = this.duplicateOf(name);
    if (duplicate) return duplicate;
    const at = this.iso();
    const list: HubSpotList = {
      listId: String(this.nextId++),
      listVersion: 1,
      name,
      objectTypeId,
      processingType: processingType as HubSpotListProcessingType,
      processingStatus: 'COMPLETE',
      createdAt: at,
      updatedAt: at,
      filtersUpdatedAt: at,
      createdById: FAKE_USER_ID,
      updatedById: FAKE_USER_ID,
      listPermissions: { teamsWithEditAccess: [], usersWithEditAccess: [] },
      membershipSettings: { membershipTeamId: null, includeUnassigned: null },
      ...(body['filterBranch'] !== undefined ? { filterBranch: structuredClone(body['filterBranch']) } : {}),
    };
    this.byId.set(list.listId, { list, deleted: false, members: new Map() });
    return [200, { list: structuredClone(list) }];
  }

  /** `GET /crm/v3/lists/{listId}` → 200 `{list}` / 404 (also for deleted lists). */
  getById(listId: string, includeFilters: boolean): CrmReply {
    const stored = this.get(listId);
    return stored ? [200, { list: this.render(stored, includeFilters) }] : listNotFound(`with id ${listId}`);
  }

  /** `GET /crm/v3/lists?listIds=…` → 200 `{lists}` (unknown ids skipped). */
  getMany(listIds: string[], includeFilters: boolean): CrmReply {
    const lists = listIds.flatMap((id) => {
      const stored = this.get(id);
      return stored ? [this.render(stored, includeFilters)] : [];
    });
    return [200, { lists }];
  }

  /** `GET /crm/v3/lists/object-type-id/{objectTypeId}/name/{listName}`: name compared case-insensitively. */
  getByName(objectTypeId: string, name: string, includeFilters: boolean): CrmReply {
    const wanted = name.toLowerCase();
    const stored = this.live().find(
      (s) => s.list.objectTypeId === objectTypeId && s.list.name.toLowerCase() === wanted,
    );
    return stored
      ? [200, { list: this.render(stored, includeFilters) }]
      : listNotFound(`with name "${name}" and objectTypeId ${objectTypeId}`);
  }

  /**
   * `POST /crm/v3/lists/search` (§4.4): case-insensitive substring `query` on the name (empty = all),
   * `processingTypes`, `listIds`, `count` default 20 (max 500, else 400), `offset` default 0. Sorted by numeric
   * listId. Answers `{total, offset: <next offset>, hasMore, lists}` with string `additionalProperties`.
   */
  search(body: unknown): CrmReply {
    const b = isRecord(body) ? body : {};
    const count = b['count'] === undefined ? 20 : Number(b['count']);
    if (!Number.isInteger(count) || count < 1 || count > MAX_LIST_SEARCH_COUNT) {
      return validation(`count must be between 1 and ${MAX_LIST_SEARCH_COUNT}, got ${String(b['count'])}`);
    }
    const offset = b['offset'] === undefined ? 0 : Number(b['offset']);
    if (!Number.isInteger(offset) || offset < 0)
      return validation(`offset must be ≥ 0, got ${String(b['offset'])}`);
    const query = typeof b['query'] === 'string' ? b['query'].toLowerCase() : '';
    const types = Array.isArray(b['processingTypes']) ? (b['processingTypes'] as unknown[]).map(String) : [];
    const ids = Array.isArray(b['listIds']) ? (b['listIds'] as unknown[]).map(String) : [];
    const matches = this.live().filter(
      (s) =>
        s.list.name.toLowerCase().includes(query) &&
        (types.length === 0 || types.includes(s.list.processingType)) &&
        (ids.length === 0 || ids.includes(s.list.listId)),
    );
    const page = matches.slice(offset, offset + count);
    const next = offset + page.length;
    return [
      200,
      {
        total: matches.length,
        offset: next,
        hasMore: next < matches.length,
        lists: page.map((s) => ({
          ...this.render(s, false),
          additionalProperties: {
            hs_list_size: String(s.members.size),
            hs_list_reference_count: '0',
            ...(s.lastAddedAt ? { hs_last_record_added_at: String(Date.parse(s.lastAddedAt)) } : {}),
            ...(s.lastRemovedAt ? { hs_last_record_removed_at: String(Date.parse(s.lastRemovedAt)) } : {}),
          },
        })),
      },
    ];
  }

  /** `PUT /crm/v3/lists/{listId}/update-list-name?listName=` → 200 `{updatedList}`; duplicate name → 400. */
  rename(listId: string, listName: string | undefined, includeFilters: boolean): CrmReply {
    const stored = this.get(listId);
    if (!stored) return listNotFound(`with id ${listId}`);
    if (listName === undefined || listName.trim() === '') return validation('"listName" is required');
    const duplicate = this.duplicateOf(listName, listId);
    if (duplicate) return duplicate;
    stored.list.name = listName;
    stored.list.updatedAt = this.iso();
    return [200, { updatedList: this.render(stored, includeFilters) }];
  }

  /** `DELETE /crm/v3/lists/{listId}` → 204; the list then 404s until restored. */
  delete(listId: string): CrmReply {
    const stored = this.get(listId);
    if (!stored) return listNotFound(`with id ${listId}`);
    stored.deleted = true;
    return [204, undefined];
  }

  /** `PUT /crm/v3/lists/{listId}/restore` → 204 (400 if its name was taken meanwhile, 404 if unknown/not deleted). */
  restore(listId: string): CrmReply {
    const stored = this.byId.get(listId);
    if (!stored?.deleted) return listNotFound(`with id ${listId} (deleted)`);
    const duplicate = this.duplicateOf(stored.list.name, listId);
    if (duplicate) return duplicate;
    stored.deleted = false;
    return [204, undefined];
  }

  /**
   * Membership changes (§4.5): `add` = `PUT …/memberships/add` (bare array), `remove` = `…/remove`,
   * `addAndRemove` = `…/add-and-remove` (`{recordIdsToAdd, recordIdsToRemove}`, adds applied first).
   * Answers 200 `{recordIdsMissing, recordIdsRemoved, recordsIdsAdded}` (HubSpot's spelling). Ids already in the
   * list are not echoed as added, ids not in it not echoed as removed; ids of unknown contacts go to
   * `recordIdsMissing` and change nothing. DYNAMIC lists → 400 `VALIDATION_ERROR` (status guessed, §9).
   */
  changeMembers(listId: string, kind: 'add' | 'remove' | 'addAndRemove', body: unknown): CrmReply {
    const stored = this.get(listId);
    if (!stored) return listNotFound(`with id ${listId}`);
    let toAdd: unknown;
    let toRemove: unknown;
    if (kind === 'addAndRemove') {
      if (
        !isRecord(body) ||
        !Array.isArray(body['recordIdsToAdd']) ||
        !Array.isArray(body['recordIdsToRemove'])
      ) {
        return validation('"recordIdsToAdd" and "recordIdsToRemove" are required arrays');
      }
      toAdd = body['recordIdsToAdd'];
      toRemove = body['recordIdsToRemove'];
    } else {
      if (!Array.isArray(body))
        return validation('Invalid input JSON: the body must be a JSON array of record ids');
      if (kind === 'add') toAdd = body;
      else toRemove = body;
    }
    if (stored.list.processingType === 'DYNAMIC') {
      return validation(
        `List ${listId} has processingType DYNAMIC; memberships can only be changed on MANUAL or SNAPSHOT lists.`,
      );
    }
    const missing: string[] = [];
    const added: string[] = [];
    const removed: string[] = [];
    const at = this.iso();
    for (const id of unique(toAdd)) {
      if (!this.isContact(id)) pushOnce(missing, id);
      else if (!stored.members.has(id)) {
        stored.members.set(id, at);
        added.push(id);
      }
    }
    for (const id of unique(toRemove)) {
      if (!this.isContact(id)) pushOnce(missing, id);
      else if (stored.members.delete(id)) removed.push(id);
    }
    if (added.length > 0) stored.lastAddedAt = at;
    if (removed.length > 0) stored.lastRemovedAt = at;
    return [200, { recordIdsMissing: missing, recordIdsRemoved: removed, recordsIdsAdded: added }];
  }

  /**
   * `GET /crm/v3/lists/{listId}/memberships?after=&before=&limit=` (§4.6): ascending by numeric record id
   * (`before` alone → descending below it), `limit` default 100, 1–250 (else 400), `paging.next.after` an
   * opaque token only when more members follow, `total` = list size.
   */
  membershipPage(listId: string, query: Record<string, string>): CrmReply {
    const stored = this.get(listId);
    if (!stored) return listNotFound(`with id ${listId}`);
    const limit = query['limit'] === undefined ? 100 : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MEMBERSHIP_PAGE) {
      return validation(`limit must be between 1 and ${MAX_MEMBERSHIP_PAGE}, got ${query['limit']}`);
    }
    const after = query['after'];
    const before = query['before'];
    const cursorOf = (token: string): number | undefined => decodeCursor(token);
    let ids = sortIds([...stored.members.keys()]);
    if (after !== undefined && after !== '') {
      const c = cursorOf(after);
      if (c === undefined) return validation(`Invalid "after" cursor: ${after}`);
      ids = ids.filter((id) => Number(id) > c);
    } else if (before !== undefined && before !== '') {
      const c = cursorOf(before);
      if (c === undefined) return validation(`Invalid "before" cursor: ${before}`);
      ids = ids.filter((id) => Number(id) < c).reverse();
    }
    const page = ids.slice(0, limit);
    const last = page[page.length - 1];
    const more = ids.length > page.length && last !== undefined;
    const nextToken = more ? encodeCursor(Number(last)) : undefined;
    const pagingKey =
      before !== undefined && before !== '' && (after === undefined || after === '') ? 'prev' : 'next';
    return [
      200,
      {
        results: page.map((recordId) => ({ recordId, membershipTimestamp: stored.members.get(recordId) })),
        ...(nextToken
          ? {
              paging: {
                [pagingKey]: {
                  [pagingKey === 'next' ? 'after' : 'before']: nextToken,
                  link: `?${pagingKey === 'next' ? 'after' : 'before'}=${nextToken}`,
                },
              },
            }
          : {}),
        total: stored.members.size,
      },
    ];
  }

  private duplicateOf(name: string, exceptId?: string): CrmReply | undefined {
    const wanted = name.toLowerCase();
    const other = this.live().find((s) => s.list.listId !== exceptId && s.list.name.toLowerCase() === wanted);
    return other
      ? validation(`A list named "${other.list.name}" already exists (listId ${other.list.listId}).`)
      : undefined;
  }

  private get(listId: string): StoredList | undefined {
    const stored = this.byId.get(listId);
    return stored && !stored.deleted ? stored : undefined;
  }

  private live(): StoredList[] {
    return [...this.byId.values()]
      .filter((s) => !s.deleted)
      .sort((a, b) => Number(a.list.listId) - Number(b.list.listId));
  }

  private render(stored: StoredList, includeFilters: boolean): HubSpotList {
    const list = structuredClone(stored.list);
    if (!includeFilters) delete list.filterBranch;
    return list;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function unique(ids: unknown): string[] {
  return Array.isArray(ids) ? [...new Set(ids.map((id) => String(id)))] : [];
}

function pushOnce(list: string[], id: string): void {
  if (!list.includes(id)) list.push(id);
}

function sortIds(ids: string[]): string[] {
  return ids.sort((a, b) => Number(a) - Number(b));
}

function encodeCursor(recordId: number): string {
  return Buffer.from(`m:${recordId}`, 'utf8').toString('base64url');
}

function decodeCursor(token: string): number | undefined {
  const m = /^m:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}
