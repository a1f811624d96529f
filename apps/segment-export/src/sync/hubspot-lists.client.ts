import { Client } from '@hubspot/api-client';
import type { HubSpotCallGate } from '@hubheap/hubspot';
import { isNotFound } from './hubspot-call';

/** A HubSpot list as this service needs it (hubspot-api.md §4). */
export interface HubSpotList {
  listId: string;
  name: string;
  processingType: string;
}

/** Options of one portal's client. */
export interface HubSpotListsClientOptions {
  portalId: number;
  accessToken: string;
  /** API origin without trailing slash (`https://api.hubapi.com`, or a fake). */
  basePath: string;
  /** The portal's rate budget (HubSpotRateBudget): waits, 429/5xx retries, error classes. */
  gate: HubSpotCallGate;
}

const CONTACTS = '0-1';
/** Batch read takes at most 100 inputs (§3.2); memberships pages at most 250 (§4.6). */
export const BATCH_READ_MAX = 100;
export const MEMBERSHIP_PAGE_MAX = 250;

/**
 * Contacts batch read and Lists v3 for one portal through @hubspot/api-client (hubspot-api.md §3.2,
 * §4, §7). Every request goes through the portal's {@link HubSpotCallGate} (the shared rate budget), which
 * retries 429s and 5xx and throws libs/hubspot's error classes. The SDK's own retry and limiter stay off
 * (`numberOfApiCallRetries: 0`, no `limiterOptions`): they are a process-wide singleton (§7) and would
 * double the gate's retries.
 */
export class HubSpotListsClient {
  private readonly client: Client;

  constructor(private readonly options: HubSpotListsClientOptions) {
    this.client = new Client({
      accessToken: options.accessToken,
      basePath: options.basePath.replace(/\/+$/, ''),
      numberOfApiCallRetries: 0,
    });
  }

  /**
   * Contact ids of `values` by `idProperty` (e.g. `email`), ≤ 100 per request (§3.2); values HubSpot does
   * not know are absent from the map (207 partial answers). Never creates contacts.
   * @param normalise applied to returned property values, so keys match the caller's values.
   */
  async contactIdsBy(
    idProperty: string,
    values: ReadonlyArray<string>,
    normalise: (value: string) => string,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (let i = 0; i < values.length; i += BATCH_READ_MAX) {
      const inputs = values.slice(i, i + BATCH_READ_MAX).map((id) => ({ id }));
      const res = await this.call(() =>
        this.client.crm.contacts.batchApi.read({
          idProperty,
          inputs,
          properties: [idProperty],
          propertiesWithHistory: [],
        }),
      );
      for (const contact of res.results) {
        const value = contact.properties[idProperty];
        if (typeof value === 'string') ids.set(normalise(value), contact.id);
      }
    }
    return ids;
  }

  /** The list with `listId`, or undefined when HubSpot answers 404 (deleted). */
  async getList(listId: string): Promise<HubSpotList | undefined> {
    return this.orUndefined(async () => (await this.client.crm.lists.listsApi.getById(listId)).list);
  }

  /** The contact list named `name` (names are unique and case-insensitive per account, §4.2), if any. */
  async findListByName(name: string): Promise<HubSpotList | undefined> {
    return this.orUndefined(
      async () => (await this.client.crm.lists.listsApi.getByName(name, CONTACTS)).list,
    );
  }

  /** Creates a MANUAL contact list (§4.3). */
  async createManualList(name: string): Promise<HubSpotList> {
    const res = await this.call(() =>
      this.client.crm.lists.listsApi.create({ name, objectTypeId: CONTACTS, processingType: 'MANUAL' }),
    );
    return res.list;
  }

  /** Renames a list (`PUT /crm/v3/lists/{listId}/update-list-name`, §4.2). */
  async renameList(listId: string, name: string): Promise<void> {
    await this.call(() => this.client.crm.lists.listsApi.updateName(listId, name));
  }

  /** Every record id in the list, following `paging.next.after` with pages of 250 (§4.6). */
  async memberIds(listId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.crm.lists.membershipsApi.getPage(listId, after, undefined, MEMBERSHIP_PAGE_MAX),
      );
      ids.push(...page.results.map((r) => String(r.recordId)));
      after = page.paging?.next?.after;
    } while (after);
    return ids;
  }

  /** Adds record ids (one request; the caller chunks, §4.5). */
  async addMembers(listId: string, ids: string[]): Promise<void> {
    await this.call(() => this.client.crm.lists.membershipsApi.add(listId, ids));
  }

  /** Removes record ids (one request; the caller chunks, §4.5). */
  async removeMembers(listId: string, ids: string[]): Promise<void> {
    await this.call(() => this.client.crm.lists.membershipsApi.remove(listId, ids));
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.gate.run(this.options.portalId, fn);
  }

  private async orUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(fn);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
