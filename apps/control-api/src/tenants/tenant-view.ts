import type { SegmentSetting, SourceStatusRow, Tenant } from './tenant.model';

/** Source status shown to admins (issue 5): see {@link sourceStatus}. */
export type SourceStatus = 'Not set up' | 'Waiting for data' | 'Connected' | 'Paused' | 'Disconnected';

/**
 * Source (HubSpot → Heap) status: `Disconnected` after disconnect; `Not set up` while HubSpot is not
 * authorised or no email property is chosen; `Paused` when the toggle is off; `Waiting for data` until
 * heap-writer reported the tenant's first accepted event on `integration.status.v1`; then `Connected`.
 * The status row belongs to the (portalId, app_id) pairing, which an earlier, disconnected tenant may
 * have used: only an event written since this tenant was created counts.
 */
export const sourceStatus = (tenant: Tenant, status: SourceStatusRow | null): SourceStatus => {
  if (tenant.state === 'disconnected') return 'Disconnected';
  if (tenant.hubspotMethod === null || tenant.emailProperty === null) return 'Not set up';
  if (!tenant.sourceEnabled) return 'Paused';
  return status && status.lastEventAt >= tenant.createdAt ? 'Connected' : 'Waiting for data';
};

/** The JSON shape of a tenant in the admin API (no secret, only whether each is set). */
export interface TenantView {
  id: string;
  name: string;
  portalId: number;
  heapAppId: string;
  state: 'active' | 'disconnected';
  hubspot: {
    authorized: boolean;
    method: Tenant['hubspotMethod'];
    expiresAt: string | null;
    scopes: string[];
  };
  heap: { apiKeySet: boolean; segmentsWebhookSecretSet: boolean };
  settings: {
    sourceEnabled: boolean;
    /** `""` until chosen. */
    emailProperty: string;
    heapMatchProperty: string;
    hubspotMatchProperty: string;
    segments: SegmentSetting[];
  };
  status: {
    source: SourceStatus;
    firstEventAt: string | null;
    lastEventAt: string | null;
    eventsWritten: number;
  };
  destination: { segments: Array<SegmentSetting & { lastRun: object | null }> };
  version: number;
}

/** Builds the {@link TenantView}; `lastRuns` maps segmentId → segment-export's last run (or null). */
export const tenantView = (
  tenant: Tenant,
  status: SourceStatusRow | null,
  lastRuns: ReadonlyMap<string, object | null> = new Map(),
): TenantView => ({
  id: tenant.id,
  name: tenant.name,
  portalId: tenant.portalId,
  heapAppId: tenant.heapAppId,
  state: tenant.state,
  hubspot: {
    authorized: tenant.hubspotMethod !== null,
    method: tenant.hubspotMethod,
    expiresAt: tenant.hubspotExpiresAt?.toISOString() ?? null,
    scopes: tenant.hubspotScopes,
  },
  heap: {
    apiKeySet: tenant.secretKinds.includes('heap_api_key'),
    segmentsWebhookSecretSet: tenant.secretKinds.includes('heap_segments_secret'),
  },
  settings: {
    sourceEnabled: tenant.sourceEnabled,
    emailProperty: tenant.emailProperty ?? '',
    heapMatchProperty: tenant.heapMatchProperty,
    hubspotMatchProperty: tenant.hubspotMatchProperty,
    segments: tenant.segments,
  },
  status: {
    source: sourceStatus(tenant, status),
    firstEventAt: status?.firstEventAt.toISOString() ?? null,
    lastEventAt: status?.lastEventAt.toISOString() ?? null,
    eventsWritten: status?.eventsWritten ?? 0,
  },
  destination: {
    segments: tenant.segments.map((s) => ({ ...s, lastRun: lastRuns.get(s.segmentId) ?? null })),
  },
  version: tenant.settingsVersion,
});
