import {
  type HubSpotCallGate,
  type HubSpotTokenProvider,
  HubSpotTokenUnavailableError,
  StaticTokenProvider,
} from '@hubheap/hubspot';
import { PermanentRecordError } from '@hubheap/kafka';
import type { SegmentExportConfig } from '../segment-export.config';
import { HubSpotListsClient } from './hubspot-lists.client';

/**
 * One {@link HubSpotListsClient} per portal, built on first use with the portal's token from `tokens`
 * (HUBSPOT_TOKEN_SOURCE: HUBSPOT_PORTALS, or control-api's internal API) and rebuilt when the token changes
 * (an OAuth token refreshed by control-api).
 */
export class HubSpotClients {
  private readonly clients = new Map<number, { accessToken: string; client: HubSpotListsClient }>();

  /**
   * @param gate the shared HubSpot rate budget every call of every portal goes through
   * @param tokens where the portals' tokens come from; default the HUBSPOT_PORTALS tokens of `config`
   */
  constructor(
    private readonly config: SegmentExportConfig,
    private readonly gate: HubSpotCallGate,
    private readonly tokens: HubSpotTokenProvider = new StaticTokenProvider(
      new Map(config.hubspotPortals.map((p) => [p.portalId, p.accessToken])),
    ),
  ) {}

  /**
   * @throws PermanentRecordError when the portal has no token (not in HUBSPOT_PORTALS, or control-api
   *   answers 404/401); HubSpotTokenUnavailableError (retriable) when control-api is unreachable or failing.
   */
  async forPortal(portalId: number): Promise<HubSpotListsClient> {
    const accessToken = await this.tokenOf(portalId);
    const cached = this.clients.get(portalId);
    if (cached?.accessToken === accessToken) return cached.client;
    const client = new HubSpotListsClient({
      portalId,
      accessToken,
      basePath: this.config.hubspotBaseUrl,
      gate: this.gate,
    });
    this.clients.set(portalId, { accessToken, client });
    return client;
  }

  private async tokenOf(portalId: number): Promise<string> {
    try {
      return await this.tokens.accessToken(portalId);
    } catch (error) {
      if (error instanceof HubSpotTokenUnavailableError) {
        if (error.retriable) throw error;
        throw new PermanentRecordError(
          `portal ${portalId}: no HubSpot token to sync with (${error.message})`,
        );
      }
      throw new PermanentRecordError(`portal ${portalId} is not in HUBSPOT_PORTALS: no token to sync with`);
    }
  }
}
