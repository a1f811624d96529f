// Public API of @hubheap/testing. The stack/ helpers (Kafka, jest global setup) add their exports below.
export { eventually, type EventuallyOptions } from './eventually';
export { uniqueName } from './names';
export { fixturesDir, loadEmailEventFixtures, loadWebhookFixtures, type WebhookFixture } from './fixtures';
export { generateSampleEmailEvents, type SampleEmailEventsOptions } from './sample-data';
export { SeededRandom } from './prng';

export { FakeHttpServer, type ListenOptions } from './fakes/shared/http-server';
export type { WindowLimit } from './fakes/shared/sliding-window';

export {
  HubSpotFake,
  type HubSpotFakeOptions,
  type HubSpotFault,
  type HubSpotRateLimitOptions,
  type HubSpotRequestRecord,
} from './fakes/hubspot/hubspot.fake';
export {
  queryEmailEvents,
  compareNewestFirst,
  MAX_EMAIL_EVENTS_LIMIT,
  type EmailEventsPage,
  type EmailEventsResult,
  type RawEmailEvent,
} from './fakes/hubspot/email-events.handler';
export {
  hubspotErrorBody,
  rateLimitBody,
  type HubSpotErrorBody,
  type HubSpotRateLimitBody,
} from './fakes/hubspot/hubspot-errors';
export { signV1, signV3, normalizeSignatureUri, type SignV3Input } from './fakes/hubspot/webhook-signature';
export { HubSpotOAuth, type HubSpotOAuthOptions, type OAuthReply } from './fakes/hubspot/oauth-routes';
export {
  sendWebhookBatch,
  type WebhookAttempt,
  type WebhookBatchOptions,
  type WebhookBatchResult,
} from './fakes/hubspot/webhook-sender';

export {
  HeapFake,
  type HeapFakeOptions,
  type HeapFault,
  type HeapRequestRecord,
} from './fakes/heap/heap.fake';
export type { HeapDeletionRecord } from './fakes/heap/heap-deletion';
export {
  DEFAULT_HEAP_VALIDATION,
  HeapValidationError,
  type HeapPropertyValue,
  type HeapValidationOptions,
} from './fakes/heap/heap-properties';
export { DEFAULT_HEAP_RATE_LIMITS, type HeapRateLimitOptions } from './fakes/heap/heap-rate-limiter';
export type { HeapAppSummary, HeapStoredEvent, HeapUser } from './fakes/heap/heap-store';
export {
  validateTrackBody,
  validateUserPropertiesBody,
  HEAP_MAX_BATCH,
  type HeapTrackInput,
  type HeapUserInput,
  type HeapValidationContext,
} from './fakes/heap/heap-validation';
export * from './stack';
export {
  ContactStore,
  DEFAULT_CONTACT_PROPERTIES,
  MAX_BATCH_INPUTS,
  MAX_SEARCH_LIMIT,
  MAX_SEARCH_RESULTS,
  type CrmReply,
  type HubSpotContact,
  type HubSpotContactSeed,
} from './fakes/hubspot/crm-contacts';
export {
  CONTACTS_OBJECT_TYPE_ID,
  MAX_LIST_SEARCH_COUNT,
  MAX_MEMBERSHIP_PAGE,
  type HubSpotList,
  type HubSpotListProcessingType,
  type HubSpotListSeed,
} from './fakes/hubspot/crm-lists';
export { searchRateLimitBody, type HubSpotSearchRateLimitBody } from './fakes/hubspot/crm-errors';
export {
  heapHash,
  sendSegmentDrain,
  sendSegmentSync,
  type HeapSegmentRef,
  type SegmentRetryOptions,
  type SegmentSyncOptions,
  type SegmentWebhookAttempt,
  type SegmentWebhookCommonOptions,
  type SegmentWebhookResult,
} from './fakes/heap/segment-webhook-sender';
export { readEnvExample } from './env-example';
export { loadContactSeeds, loadPropertyDefinitions, type PropertyDefinition } from './contact-fixtures';
