import { PermanentRecordError } from '@hubheap/kafka';
import type { SegmentExportConfig } from '../segment-export.config';
import { HubSpotListsClient } from './hubspot-lists.client';

/** One {@link HubSpotListsClient} per configured portal (HUBSPOT_PORTALS), built on first use. */
export class HubSpotClients {
  private readonly clients = new Map<number, HubSpotListsClient>();

  constructor(private readonly config: SegmentExportConfig) {}

  /** @throws PermanentRecordError when the portal has no token configured. */
  forPortal(portalId: number): HubSpotListsClient {
    let client = this.clients.get(portalId);
    if (client) return client;
    const portal = this.config.hubspotPortals.find((p) => p.portalId === portalId);
    if (!portal)
      throw new PermanentRecordError(`portal ${portalId} is not in HUBSPOT_PORTALS: no token to sync with`);
    const rateWait = this.config.hubspotRateLimitWaitMs;
    const serverWait = this.config.hubspotServerErrorWaitMs;
    client = new HubSpotListsClient({
      accessToken: portal.accessToken,
      basePath: this.config.hubspotBaseUrl,
      numberOfApiCallRetries: this.config.hubspotApiCallRetries,
      retry: {
        maxAttempts: this.config.hubspotRetryAttempts,
        delaysMs: { serverError: serverWait, tenSecondlyRolling: rateWait, secondly: serverWait },
      },
    });
    this.clients.set(portalId, client);
    return client;
  }
}
