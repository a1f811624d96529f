import { ContactPropertiesClient, type HubSpotCallGate, type HubSpotTokenProvider } from '@hubheap/hubspot';

/** What {@link HubSpotContactEmails} needs: the shared seams and which portals may be asked. */
export interface HubSpotContactEmailsOptions {
  tokens: HubSpotTokenProvider;
  /** Every request runs inside `gate.run(portalId, …)` (the shared HubSpotRateBudget in production). */
  gate: HubSpotCallGate;
  /** API origin (`HUBSPOT_BASE_URL`; the fake in tests). */
  basePath: string;
  /** False for portals with no token to ask with (not in HUBSPOT_PORTALS); they are not asked. */
  canAsk: (portalId: number) => boolean;
}

/**
 * Reads contacts' `email` through CRM batch read by id (`POST /crm/v3/objects/contacts/batch/read`,
 * ≤ 100 ids per request, 207 for unknown ids; hubspot-api.md §3.2) with libs/hubspot's
 * ContactPropertiesClient: every request inside the portal's {@link HubSpotCallGate}.
 */
export class HubSpotContactEmails {
  private readonly client: ContactPropertiesClient;

  constructor(private readonly options: HubSpotContactEmailsOptions) {
    this.client = new ContactPropertiesClient({
      tokens: options.tokens,
      gate: options.gate,
      basePath: options.basePath,
    });
  }

  /**
   * The raw `email` of each contact id (decimal strings, may exceed 2^31); `null` when HubSpot has
   * the contact without one or does not return it (deleted, merged away). An empty map for a portal
   * that may not be asked. @throws HubSpotRetriableError (429 the gate gave up on, 5xx, network:
   * the runner retries with offsets uncommitted), HubSpotAuthError / HubSpotRequestError (the record
   * is isolated and dead-lettered with the error).
   */
  async emails(portalId: number, contactIds: readonly string[]): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    if (contactIds.length === 0 || !this.options.canAsk(portalId)) return found;
    const result = await this.client.batchRead(portalId, contactIds, ['email']);
    for (const id of result.missingIds) found.set(id, null);
    for (const contact of result.contacts) {
      const email = contact.properties['email'];
      found.set(contact.id, typeof email === 'string' ? email : null);
    }
    return found;
  }
}
