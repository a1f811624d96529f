import type { HubSpotCallGate } from '@hubheap/hubspot';
import { PermanentRecordError } from '@hubheap/kafka';
import type { SegmentExportConfig } from '../segment-export.config';
import { HubSpotListsClient } from './hubspot-lists.client';

/** One {@link HubSpotListsClient} per configured portal (HUBSPOT_PORTALS), built on first use. */
export class HubSpotClients {
  private readonly clients = new Map<number, HubSpotListsClient>();

  /** @param gate the shared HubSpot rate budget every call of every portal goes through */
  constructor(
    private readonly config: SegmentExportConfig,
    private readonly gate: HubSpotCallGate,
  ) {}

  /** @throws PermanentRecordError when the portal has no token configured. */
  forPortal(portalId: number): HubSpotListsClient {
    let client = this.clients.get(portalId);
    if (client) return client;
    const portal = this.config.hubspotPortals.find((p) => p.portalId === portalId);
    if (!portal)
      throw new PermanentRecordError(`portal ${portalId} is not in HUBSPOT_PORTALS: no token to sync with`);
    client = new HubSpotListsClient({
      portalId,
      accessToken: portal.accessToken,
      basePath: this.config.hubspotBaseUrl,
      gate: this.gate,
    });
    this.clients.set(portalId, client);
    return client;
  }
}
