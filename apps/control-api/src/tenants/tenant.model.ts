/** How HubSpot is authorised for a tenant (hubspot-api.md §5.1 OAuth, §5.3 private app). */
export type HubSpotAuthMethod = 'oauth' | 'private-app';

/** Per-segment sync mode (segment-export); at most {@link MAX_RECURRING_SEGMENTS} recurring per tenant. */
export type SegmentMode = 'off' | 'one-time' | 'recurring';
export const SEGMENT_MODES: ReadonlyArray<SegmentMode> = ['off', 'one-time', 'recurring'];
export const MAX_RECURRING_SEGMENTS = 30;

/** One Heap segment's sync setting. */
export interface SegmentSetting {
  segmentId: string;
  name: string | null;
  mode: SegmentMode;
}

/** Kinds of encrypted secrets a tenant can hold (table `secret`). */
export type SecretKind =
  | 'hubspot_access_token'
  | 'hubspot_refresh_token'
  | 'hubspot_private_app_token'
  | 'heap_api_key'
  | 'heap_segments_secret';

/** A tenant as stored: one HubSpot portal paired with one Heap app_id, its settings and auth metadata. */
export interface Tenant {
  id: string;
  name: string;
  portalId: number;
  heapAppId: string;
  state: 'active' | 'disconnected';
  hubspotMethod: HubSpotAuthMethod | null;
  /** When the current OAuth access token expires; null for private-app tokens or none. */
  hubspotExpiresAt: Date | null;
  hubspotScopes: string[];
  sourceEnabled: boolean;
  /** `identity` or a custom Heap user property; null until the admin chose one. */
  emailProperty: string | null;
  heapMatchProperty: string;
  hubspotMatchProperty: string;
  segments: SegmentSetting[];
  settingsVersion: number;
  settingsUpdatedAt: Date;
  /** When the tenant was created (paired); a status of its pairing older than this is an earlier tenant's. */
  createdAt: Date;
  /** Which secrets are stored (never their values). */
  secretKinds: SecretKind[];
}

/** Source totals from `integration.status.v1` for one (portalId, app_id). */
export interface SourceStatusRow {
  firstEventAt: Date;
  lastEventAt: Date;
  eventsWritten: number;
}
