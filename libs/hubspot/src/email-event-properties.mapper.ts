import { flattenProperties, type HeapProperties } from '@hubheap/heap';
import type { HubSpotEmailEvent } from '@hubheap/schemas';

export interface EmailEventPropertySettings {
  /** Forward `ipAddress` as `ip_address`. Default false: an IP address is personal data (GDPR). */
  includeIpAddress?: boolean;
}

/**
 * HubSpot event field → Heap property, for the plain fields of hubspot-api.md §2.3/§2.4. A field is
 * copied from any `type` that carries it, so undocumented placements (e.g. `attempt` on PROCESSED)
 * are kept. `cc`/`bcc` (third parties' addresses) and `hmid` (embeds the address) are left out.
 */
export const EMAIL_EVENT_FIELD_PROPERTIES: ReadonlyArray<
  readonly [hubspotField: string, heapProperty: string]
> = [
  ['subject', 'subject'],
  ['from', 'from'],
  ['replyTo', 'reply_to'],
  ['response', 'response'],
  ['smtpId', 'smtp_id'],
  ['attempt', 'attempt'],
  ['category', 'bounce_category'],
  ['status', 'bounce_status'],
  ['dropReason', 'drop_reason'],
  ['dropMessage', 'drop_message'],
  ['url', 'url'],
  ['referer', 'referer'],
  ['linkId', 'link_id'],
  ['userAgent', 'user_agent'],
  ['deviceType', 'device_type'],
  ['duration', 'duration_ms'],
  ['portalSubscriptionStatus', 'portal_subscription_status'],
  ['source', 'subscription_change_source'],
  ['sourceId', 'subscription_change_source_id'],
  ['requestedBy', 'requested_by'],
  ['requestedByUserId', 'requested_by_user_id'],
  ['suppressedReason', 'suppressed_reason'],
  ['suppressedMessage', 'suppressed_message'],
  ['sendId', 'send_id'],
  ['emailCampaignGroupId', 'email_campaign_group_id'],
];

const BROWSER_FIELDS = ['name', 'family', 'type', 'version'] as const;
const LOCATION_FIELDS = ['city', 'state', 'country', 'zipcode', 'latitude', 'longitude'] as const;

/**
 * Heap properties of one email event (table in libs/hubspot/README.md). Common properties come
 * from the typed record, type-specific ones from `raw` (the parsed `rawJson`). Values are strings or
 * numbers only: null/'' dropped, HubSpot's `"Unknown"` placeholders in `browser`/`location` dropped,
 * lists joined with `||`, booleans as `"true"`/`"false"`, strings cut to 1023 characters
 * (via `flattenProperties` of @hubheap/heap). `appId`/`emailCampaignId` of 0 mean "none" and are dropped. Pure.
 */
export const emailEventProperties = (
  event: HubSpotEmailEvent,
  raw: Record<string, unknown>,
  settings: EmailEventPropertySettings = {},
): HeapProperties => {
  const props: Record<string, unknown> = {
    hubspot_portal_id: event.portalId,
    hubspot_event_id: event.id,
    hubspot_event_type: event.type,
    hubspot_app_id: event.appId === 0 ? null : event.appId,
    hubspot_app_name: event.appName,
    email_campaign_id: event.emailCampaignId === 0 ? null : event.emailCampaignId,
    recipient: event.recipient?.trim(),
    sent_by_event_id: eventIdOf(raw['sentBy']),
    caused_by_event_id: eventIdOf(raw['causedBy']),
    filtered_event: event.filteredEvent,
  };
  for (const [field, property] of EMAIL_EVENT_FIELD_PROPERTIES) props[property] = scalarOrList(raw[field]);
  addKnown(props, 'browser_', raw['browser'], BROWSER_FIELDS);
  addKnown(props, 'location_', raw['location'], LOCATION_FIELDS);
  props['subscriptions'] = subscriptionList(raw['subscriptions']);
  if (settings.includeIpAddress === true) props['ip_address'] = scalarOrList(raw['ipAddress']);
  return flattenProperties(props);
};

type Scalar = string | number | boolean;

/** Primitives and lists of primitives pass; objects (unexpected shapes) are dropped, never flattened. */
const scalarOrList = (value: unknown): Scalar | Scalar[] | undefined => {
  if (isScalar(value)) return value;
  if (Array.isArray(value)) return value.filter(isScalar);
  return undefined;
};

/** Copies `fields` of a `browser`/`location` object, dropping HubSpot's `unknown` placeholders. */
const addKnown = (
  props: Record<string, unknown>,
  prefix: string,
  source: unknown,
  fields: readonly string[],
): void => {
  if (!isRecord(source)) return;
  for (const field of fields) {
    const value = scalarOrList(source[field]);
    props[`${prefix}${field}`] = Array.isArray(value)
      ? value.filter(isKnown)
      : isKnown(value)
        ? value
        : undefined;
  }
};

/** STATUSCHANGE `subscriptions[]` → `["<id>:<status>", …]` (joined with `||` later). */
const subscriptionList = (value: unknown): string[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isRecord).flatMap((s) => {
    if (!isScalar(s['id'])) return [];
    return [isScalar(s['status']) ? `${s['id']}:${s['status']}` : String(s['id'])];
  });
};

const eventIdOf = (value: unknown): string | undefined =>
  isRecord(value) && typeof value['id'] === 'string' ? value['id'] : undefined;

const isKnown = (value: unknown): boolean =>
  !(typeof value === 'string' && value.trim().toLowerCase() === 'unknown');

const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
