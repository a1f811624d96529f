import { Client } from '@hubspot/api-client';
import type { ContactPropertyDefinition, HubSpotPropertyValue } from './contact-properties.mapper';
import { classifyHubSpotFailure } from './rate-budget.policy';
import type { HubSpotCallGate, HubSpotTokenProvider } from './portal-access';

/** CRM batch endpoints take at most 100 inputs per request (hubspot-api.md §3.2, §6). */
export const CONTACTS_BATCH_READ_MAX = 100;

/** One contact as batch read returned it (§3.2); values as HubSpot sent them. */
export interface HubSpotContactRecord {
  id: string;
  properties: Record<string, HubSpotPropertyValue>;
}

/** Result of {@link ContactPropertiesClient.batchRead}: contacts found, and the ids HubSpot did not return. */
export interface ContactBatchReadResult {
  contacts: HubSpotContactRecord[];
  /** Requested ids absent from the answer (207 `OBJECT_NOT_FOUND`: deleted, merged away or archived). */
  missingIds: string[];
}

export interface ContactPropertiesClientOptions {
  tokens: HubSpotTokenProvider;
  /** Every call runs inside `gate.run(portalId, …)`: the portal's shared rate budget (§6). */
  gate: HubSpotCallGate;
  /** API origin, default `https://api.hubapi.com`; a local fake in tests. */
  basePath?: string;
}

/**
 * Contact property definitions and contact batch reads through @hubspot/api-client (hubspot-api.md
 * §3.2, §3.4, §7). Each HTTP request is one `gate.run(portalId, …)` (the portal's shared rate budget,
 * e.g. HubSpotRateBudget), which sees the raw SDK error and waits out a 429. The SDK's own retries are
 * off (`numberOfApiCallRetries: 0`, no limiter): waiting is the gate's job. What the gate throws is
 * classed ({@link classifyHubSpotFailure}): HubSpotRetriableError / HubSpotAuthError / HubSpotRequestError.
 * The token is fetched before the call; a portal without one throws the provider's Error.
 * SDK caveat (§7): its decorators are process-wide; every client here uses the same options.
 */
export class ContactPropertiesClient {
  private readonly clients = new Map<string, Client>();
  private readonly basePath: string;

  constructor(private readonly options: ContactPropertiesClientOptions) {
    this.basePath = (options.basePath ?? 'https://api.hubapi.com').replace(/\/+$/, '');
  }

  /**
   * Every (non-archived) contact property definition of the portal, `GET /crm/v3/properties/contacts`
   * (§3.4, no paging). @throws classed HubSpot errors the gate did not absorb.
   */
  async definitions(portalId: number): Promise<ContactPropertyDefinition[]> {
    const page = await this.call(portalId, (client) => client.crm.properties.coreApi.getAll('contacts'));
    return page.results.map((p) => ({
      name: p.name,
      label: p.label,
      type: String(p.type),
      fieldType: String(p.fieldType),
    }));
  }

  /**
   * `POST /crm/v3/objects/contacts/batch/read` by record id with `properties` (§3.2), cutting `ids`
   * into requests of ≤ 100. Results are matched by id, not order; ids HubSpot did not return (207) are
   * in `missingIds`. @throws classed HubSpot errors the gate did not absorb.
   */
  async batchRead(
    portalId: number,
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<ContactBatchReadResult> {
    const found = new Map<string, HubSpotContactRecord>();
    for (let i = 0; i < ids.length; i += CONTACTS_BATCH_READ_MAX) {
      const inputs = ids.slice(i, i + CONTACTS_BATCH_READ_MAX).map((id) => ({ id }));
      const res = await this.call(portalId, (client) =>
        client.crm.contacts.batchApi.read({
          inputs,
          properties: [...properties],
          propertiesWithHistory: [],
        }),
      );
      for (const contact of res.results) {
        if (contact.archived) continue;
        found.set(contact.id, {
          id: contact.id,
          properties: contact.properties as HubSpotContactRecord['properties'],
        });
      }
    }
    return { contacts: [...found.values()], missingIds: ids.filter((id) => !found.has(id)) };
  }

  private async call<T>(portalId: number, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = this.clientFor(await this.options.tokens.accessToken(portalId));
    try {
      // The raw SDK error goes to the gate, which classes it itself (keeping `Retry-After`).
      return await this.options.gate.run(portalId, () => fn(client));
    } catch (error) {
      throw classifyHubSpotFailure(error).error;
    }
  }

  private clientFor(accessToken: string): Client {
    let client = this.clients.get(accessToken);
    if (!client) {
      client = new Client({ accessToken, basePath: this.basePath, numberOfApiCallRetries: 0 });
      this.clients.set(accessToken, client);
    }
    return client;
  }
}
