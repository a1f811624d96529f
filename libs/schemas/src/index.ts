export * from './catalogue';
export type { HubSpotWebhookEvent } from './generated/hubspot.webhook-events.v1';
export type { HubSpotEmailEvent } from './generated/hubspot.email-events.v1';
export type { HeapTrackEvent } from './generated/heap.track-events.v1';
export type { HeapSegmentDelta } from './generated/heap.segment-deltas.v1';
export type { HubSpotContactChange } from './generated/hubspot.contact-changes.v1';
export type { HeapUserIdentity } from './generated/heap.user-identities.v1';
export type { IntegrationSettings, SegmentSyncSetting } from './generated/integration.settings.v1';
export type { IntegrationStatus } from './generated/integration.status.v1';
