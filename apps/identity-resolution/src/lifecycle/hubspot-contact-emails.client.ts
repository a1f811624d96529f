import { Client } from '@hubspot/api-client';
import {
  type HubSpotCallGate,
  HubSpotRetriableError,
  type HubSpotTokenProvider,
  hubSpotErrorFromResponse,
  StaticTokenProvider,
} from '@hubheap/hubspot';
import type { Tenant } from '../tenants.config';

/** Inputs per CRM batch read (hubspot-api.md §3.2). */
export const BATCH_READ_MAX = 100;

/**
 * A gate that runs the call as is: for tests and until the shared Postgres-backed rate budget
 * (`HubSpotRateBudget`) is wired; it spends no budget and does not wait on 429s.
 */
export const passThroughGate: HubSpotCallGate = { run: (_portalId, call) => call() };

/**
 * The SDK's `ApiException` (`code` HTTP status, `body`) or a network error as a classed libs/hubspot
 * error: 429/5xx/no answer → HubSpotRetriableError (`retriable`, the runner retries with offsets
 * uncommitted); 401/403 → HubSpotAuthError; other 4xx → HubSpotRequestError.
 */
const classify = (error: unknown): Error => {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && code >= 400) {
    const body = (error as { body?: unknown }).body;
    return hubSpotErrorFromResponse(code, typeof body === 'string' ? body : JSON.stringify(body ?? null));
  }
  return new HubSpotRetriableError(`HubSpot unreachable: ${String(error)}`, {
    status: 0,
    body: undefined,
    cause: error,
  });
};

/**
 * Reads contacts' `email` property through CRM batch read by id (`POST /crm/v3/objects/contacts/batch/read`,
 * ≤ 100 ids per request, 200 or 207 with unknown ids listed as errors; hubspot-api.md §3.2, §7), one
 * @hubspot/api-client per portal token. Every request goes through the {@link HubSpotCallGate} of the
 * portal. Portals without a token are not asked (their contacts stay without email until a
 * `contact.propertyChange` of `email` names it).
 */
export class HubSpotContactEmails {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly tokens: HubSpotTokenProvider,
    private readonly hasToken: (portalId: number) => boolean,
    private readonly basePath: string,
    private readonly gate: HubSpotCallGate,
  ) {}

  /** Tokens from the TENANTS entries' `hubspotAccessToken`. */
  static fromTenants(
    tenants: readonly Tenant[],
    basePath: string,
    gate: HubSpotCallGate,
  ): HubSpotContactEmails {
    const tokens = new Map<number, string>();
    for (const t of tenants) if (t.hubspotAccessToken) tokens.set(t.portalId, t.hubspotAccessToken);
    return new HubSpotContactEmails(new StaticTokenProvider(tokens), (p) => tokens.has(p), basePath, gate);
  }

  /**
   * The `email` of each contact id (string ids, may exceed 2^31): the raw value, `null` when HubSpot
   * has the contact without an email or does not know it (deleted, merged away). Empty map when the
   * portal has no token. @throws HubSpotRetriableError (429, 5xx, network), HubSpotAuthError,
   * HubSpotRequestError.
   */
  async emails(portalId: number, contactIds: readonly string[]): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    if (contactIds.length === 0 || !this.hasToken(portalId)) return found;
    const client = await this.client(portalId);
    for (let i = 0; i < contactIds.length; i += BATCH_READ_MAX) {
      const ids = contactIds.slice(i, i + BATCH_READ_MAX);
      const res = await this.gate.run(portalId, async () => {
        try {
          return await client.crm.contacts.batchApi.read({
            inputs: ids.map((id) => ({ id })),
            properties: ['email'],
            propertiesWithHistory: [],
          });
        } catch (error) {
          throw classify(error);
        }
      });
      for (const id of ids) found.set(id, null);
      for (const contact of res.results) found.set(contact.id, contact.properties['email'] ?? null);
    }
    return found;
  }

  private async client(portalId: number): Promise<Client> {
    const token = await this.tokens.accessToken(portalId);
    const key = `${portalId}:${token}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new Client({
        accessToken: token,
        basePath: this.basePath.replace(/\/+$/, ''),
        numberOfApiCallRetries: 0,
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
