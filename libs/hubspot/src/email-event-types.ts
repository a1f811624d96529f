/**
 * The HubSpot email event `type`s this integration sends to Heap, and the Heap event name of each
 * (hubspot-api.md §2.4). SUPPRESSED, UNBOUNCE and anything else are not sent (skip 'unsupported-type').
 */
export const HEAP_EVENT_NAMES = {
  SENT: 'Sent Email',
  PROCESSED: 'Processed Email',
  DELIVERED: 'Delivered Email',
  DEFERRED: 'Deferred Email',
  BOUNCE: 'Bounced Email',
  DROPPED: 'Dropped Email',
  OPEN: 'Opened Email',
  CLICK: 'Clicked Email Link',
  FORWARD: 'Forwarded Email',
  PRINT: 'Printed Email',
  SPAMREPORT: 'Marked as Spam',
  STATUSCHANGE: 'Changed Email Subscription',
} as const;

export type SupportedEmailEventType = keyof typeof HEAP_EVENT_NAMES;

/** The twelve supported `type`s, in HubSpot's lifecycle order. */
export const SUPPORTED_EMAIL_EVENT_TYPES = Object.keys(HEAP_EVENT_NAMES) as SupportedEmailEventType[];

/**
 * Heap event name for a HubSpot email event `type` (case-sensitive, as HubSpot documents `eventType`),
 * or `undefined` when the type is missing or not one of the twelve. Pure.
 */
export const heapEventNameFor = (type: string | null | undefined): string | undefined =>
  typeof type === 'string' && Object.hasOwn(HEAP_EVENT_NAMES, type)
    ? HEAP_EVENT_NAMES[type as SupportedEmailEventType]
    : undefined;

/**
 * Why an email event is not sent to Heap (checked in this order):
 * - `unsupported-type`: `type` missing or not one of the twelve (SUPPRESSED, UNBOUNCE, unknown);
 * - `obsoleted`: HubSpot set `obsoletedBy` — a follow-on event supersedes it (§2.3);
 * - `filtered`: `filteredEvent` is true (bot/prefetch opens) and `includeFilteredEvents` is off;
 * - `no-recipient`: recipient missing, empty, `"null"`/`"undefined"`, or without `@`;
 * - `identity-too-long`: the normalised recipient exceeds Heap's 255-character identity limit;
 * - `invalid-created`: `created` is not a ms-epoch time a Date can hold.
 */
export type SkipReason =
  'unsupported-type' | 'obsoleted' | 'filtered' | 'no-recipient' | 'identity-too-long' | 'invalid-created';
