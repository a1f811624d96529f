export * from './catalogue';
export type { HubSpotWebhookEvent } from './generated/hubspot.webhook-events.v1';
export type { HubSpotEmailEvent } from './generated/hubspot.email-events.v1';
export type { HeapTrackEvent } from './generated/heap.track-events.v1';
export type { HeapSegmentDelta } from './generated/heap.segment-deltas.v1';
