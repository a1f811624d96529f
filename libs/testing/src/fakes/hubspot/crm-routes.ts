import { ContactStore, type CrmReply } from './crm-contacts';
import { ListStore } from './crm-lists';
import { hubspotErrorBody } from './hubspot-errors';

/** CRM state of one portal: contacts (§3.1–3.3), contact property definitions (§3.4) and lists (§4). */
export class PortalCrm {
  readonly contacts: ContactStore;
  readonly lists: ListStore;
  /** Seeded `GET /crm/v3/properties/contacts` results (Property objects, passed through verbatim). */
  properties: Array<Record<string, unknown>> = [];

  constructor(now: () => number) {
    this.contacts = new ContactStore(now);
    this.lists = new ListStore(now, (id) => this.contacts.has(id));
  }
}

/** One parsed request as the CRM router sees it; `params` keeps repeated query parameters. */
export interface CrmRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  params: URLSearchParams;
  /** Parsed JSON body; undefined when the body was empty. */
  body: unknown;
}

const CONTACT_BY_ID = /^\/crm\/v3\/objects\/contacts\/([^/]+)$/;
const PROPERTY_BY_NAME = /^\/crm\/v3\/properties\/contacts\/([^/]+)$/;
const LIST_BY_NAME = /^\/crm\/v3\/lists\/object-type-id\/([^/]+)\/name\/([^/]+)$/;
const LIST_BY_ID = /^\/crm\/v3\/lists\/(\d+)$/;
const LIST_ACTION = /^\/crm\/v3\/lists\/(\d+)\/(update-list-name|restore)$/;
const MEMBERSHIPS = /^\/crm\/v3\/lists\/(\d+)\/memberships(?:\/(add|remove|add-and-remove))?$/;

/** True for CRM search endpoints, which have their own secondly limit and no rate-limit headers (§3.3, §6). */
export function isCrmSearch(method: string, path: string): boolean {
  return method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(path);
}

/** Comma lists and repeated parameters (`properties=a,b&properties=c`) flattened to names. */
function listParam(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * Routes the CRM contacts, properties and lists endpoints (hubspot-api.md §3, §4) of one portal; undefined when
 * the path is not a CRM route handled here.
 */
export function routeCrm(req: CrmRequest, crm: PortalCrm): CrmReply | undefined {
  const { method, path, query, params, body } = req;
  const includeFilters = query['includeFilters'] === 'true';

  if (path === '/crm/v3/objects/contacts/batch/read' && method === 'POST')
    return crm.contacts.batchRead(body);
  if (path === '/crm/v3/objects/contacts/search' && method === 'POST') return crm.contacts.search(body);
  if (path === '/crm/v3/objects/contacts' && method === 'GET') {
    return crm.contacts.listPage(query, listParam(params, 'properties'));
  }
  const contact = method === 'GET' ? CONTACT_BY_ID.exec(path) : null;
  if (contact?.[1] !== undefined) {
    return crm.contacts.getOne(
      decode(contact[1]),
      query['idProperty'],
      listParam(params, 'properties'),
      listParam(params, 'propertiesWithHistory'),
    );
  }
  if (path === '/crm/v3/properties/contacts' && method === 'GET') {
    return [200, { results: structuredClone(crm.properties) }];
  }
  const property = method === 'GET' ? PROPERTY_BY_NAME.exec(path) : null;
  if (property?.[1] !== undefined) {
    const name = decode(property[1]);
    const found = crm.properties.find((p) => p['name'] === name);
    return found
      ? [200, structuredClone(found)]
      : [
          404,
          hubspotErrorBody('OBJECT_NOT_FOUND', `Unable to find property ${name} for object type contacts`),
        ];
  }

  if (path === '/crm/v3/lists' && method === 'POST') return crm.lists.createFromBody(body);
  if (path === '/crm/v3/lists' && method === 'GET')
    return crm.lists.getMany(listParam(params, 'listIds'), includeFilters);
  if (path === '/crm/v3/lists/search' && method === 'POST') return crm.lists.search(body);
  const byName = method === 'GET' ? LIST_BY_NAME.exec(path) : null;
  if (byName?.[1] !== undefined && byName[2] !== undefined) {
    return crm.lists.getByName(decode(byName[1]), decode(byName[2]), includeFilters);
  }
  const byId = LIST_BY_ID.exec(path);
  if (byId?.[1] !== undefined) {
    if (method === 'GET') return crm.lists.getById(byId[1], includeFilters);
    if (method === 'DELETE') return crm.lists.delete(byId[1]);
  }
  const action = method === 'PUT' ? LIST_ACTION.exec(path) : null;
  if (action?.[1] !== undefined) {
    return action[2] === 'restore'
      ? crm.lists.restore(action[1])
      : crm.lists.rename(action[1], query['listName'], includeFilters);
  }
  const members = MEMBERSHIPS.exec(path);
  if (members?.[1] !== undefined) {
    const change = members[2];
    if (change === undefined && method === 'GET') return crm.lists.membershipPage(members[1], query);
    if (change !== undefined && method === 'PUT') {
      const kind = change === 'add' ? 'add' : change === 'remove' ? 'remove' : 'addAndRemove';
      return crm.lists.changeMembers(members[1], kind, body);
    }
  }
  return undefined;
}
