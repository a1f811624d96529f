import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { classifyHubSpotFailure, type HubSpotCallGate } from '@hubheap/hubspot';
import type { ContactJson } from './contact-backfill.mapper';

/** Contacts per request: the list endpoint's maximum (hubspot-api.md §3.1), also used for search. */
export const CONTACT_PAGE_LIMIT = 100;

/** Properties read per contact: the backfill only needs the email (property-sync reads the rest). */
const BACKFILL_PROPERTIES = ['email'];

/** One page of contacts and the cursor of the next one (absent on the last page). */
export interface ContactPage {
  contacts: ContactJson[];
  /** Opaque resume cursor: list `after`, or (search) the last hs_object_id read. */
  nextCursor?: string;
}

/** Where the backfill reads contact pages from; {@link HubSpotContactPageSource} in production. */
export interface ContactPageSource {
  /** The page after `cursor` (undefined = first page). Throws the gate's/SDK's error on failure. */
  fetchPage(cursor: string | undefined): Promise<ContactPage>;
  /** How many contacts the run will read from the start, when HubSpot can tell; else undefined. */
  total(): Promise<number | undefined>;
}

/** Options of {@link HubSpotContactPageSource}. */
export interface HubSpotContactPageSourceOptions {
  portalId: number;
  accessToken: string;
  /** API origin without trailing slash (`https://api.hubapi.com` or a fake). */
  basePath: string;
  /** Every HubSpot call of the portal runs through it (portal rate budget). */
  gate: HubSpotCallGate;
  /** Only contacts modified at or after this instant (ms epoch): search instead of list. */
  sinceMs?: number;
  /**
   * SDK `numberOfApiCallRetries` (0–6, §7). Default 0: the gate (HubSpotRateBudget) retries 429 and 5xx;
   * SDK retries on top would double them.
   */
  numberOfApiCallRetries?: number;
}

/** SDK model (Dates) → the JSON HubSpot sent (ISO strings). */
const toJson = (value: unknown): ContactJson => JSON.parse(JSON.stringify(value)) as ContactJson;

/**
 * Reads a portal's contacts through @hubspot/api-client, `limit` 100, oldest id first:
 * - without `sinceMs`: `GET /crm/v3/objects/contacts?limit=100&after=…&properties=email` (§3.1), cursor
 *   HubSpot's `paging.next.after`;
 * - with `sinceMs`: `POST /crm/v3/objects/contacts/search` (§3.3) filtered on `lastmodifieddate GTE
 *   sinceMs`, sorted by `hs_object_id` ascending and paged by keyset (`hs_object_id GT <last id>`, cursor
 *   the last id) so a portal with more than 10,000 matches is read whole (search paging stops at 10,000).
 * `total()` is one search call (`limit` 1) whose `total` counts the matches.
 */
export class HubSpotContactPageSource implements ContactPageSource {
  private readonly client: Client;

  constructor(private readonly options: HubSpotContactPageSourceOptions) {
    this.client = new Client({
      accessToken: options.accessToken,
      basePath: options.basePath.replace(/\/+$/, ''),
      numberOfApiCallRetries: options.numberOfApiCallRetries ?? 0,
    });
  }

  async fetchPage(cursor: string | undefined): Promise<ContactPage> {
    return this.options.sinceMs === undefined ? this.listPage(cursor) : this.searchPage(cursor);
  }

  async total(): Promise<number | undefined> {
    const res = await this.run(() =>
      this.client.crm.contacts.searchApi.doSearch({
        filterGroups: this.filterGroups(undefined),
        properties: ['hs_object_id'],
        limit: 1,
      }),
    );
    return res.total;
  }

  private async listPage(after: string | undefined): Promise<ContactPage> {
    const res = await this.run(() =>
      this.client.crm.contacts.basicApi.getPage(CONTACT_PAGE_LIMIT, after, BACKFILL_PROPERTIES),
    );
    const next = res.paging?.next?.after;
    return { contacts: res.results.map(toJson), ...(next ? { nextCursor: next } : {}) };
  }

  private async searchPage(afterId: string | undefined): Promise<ContactPage> {
    const res = await this.run(() =>
      this.client.crm.contacts.searchApi.doSearch({
        filterGroups: this.filterGroups(afterId),
        sorts: ['hs_object_id'],
        properties: BACKFILL_PROPERTIES,
        limit: CONTACT_PAGE_LIMIT,
      }),
    );
    const contacts = res.results.map(toJson);
    const last = contacts[contacts.length - 1];
    const more = res.paging?.next !== undefined || contacts.length === CONTACT_PAGE_LIMIT;
    return { contacts, ...(more && last ? { nextCursor: last.id } : {}) };
  }

  /** `lastmodifieddate GTE since` (and `hs_object_id GT afterId` when resuming a keyset page); none for list mode. */
  private filterGroups(afterId: string | undefined) {
    if (this.options.sinceMs === undefined) return [];
    const filters = [
      {
        propertyName: 'lastmodifieddate',
        operator: FilterOperatorEnum.Gte,
        value: String(this.options.sinceMs),
      },
      ...(afterId === undefined
        ? []
        : [{ propertyName: 'hs_object_id', operator: FilterOperatorEnum.Gt, value: afterId }]),
    ];
    return [{ filters }];
  }

  /**
   * One SDK call through the gate (which sees the SDK's own error, `Retry-After` included); what the gate
   * gives up on comes out as libs/hubspot's classed errors (HubSpotRetriableError, HubSpotAuthError,
   * HubSpotRequestError).
   */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.options.gate.run(this.options.portalId, call);
    } catch (error) {
      throw classifyHubSpotFailure(error).error;
    }
  }
}
