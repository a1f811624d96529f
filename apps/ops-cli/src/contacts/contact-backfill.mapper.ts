import type { HubSpotWebhookEvent } from '@hubheap/schemas';

/** `changeSource` of every synthetic record of the contact backfill (identity-resolution → change `backfill`). */
export const BACKFILL_CHANGE_SOURCE = 'HUBHEAP_BACKFILL';

/** `subscriptionType` of the synthetic records: an email "change" carries the contact's current email. */
export const BACKFILL_SUBSCRIPTION_TYPE = 'contact.propertyChange';

/**
 * One CRM v3 contact as JSON (hubspot-api.md §3.1): numeric-string `id`, property values strings or
 * null, `createdAt`/`updatedAt` ISO-8601 UTC strings.
 */
export interface ContactJson {
  id: string;
  properties: Record<string, string | null | undefined>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
  [field: string]: unknown;
}

/** What a contact becomes: a record to produce, or a skip because it has no email. */
export type BackfillDecision =
  { kind: 'emit'; record: HubSpotWebhookEvent } | { kind: 'without-email'; contactId: string };

/** The contact's email, trimmed; undefined when absent, null or blank. */
export const contactEmail = (contact: ContactJson): string | undefined => {
  const email = contact.properties['email'];
  return typeof email === 'string' && email.trim() !== '' ? email.trim() : undefined;
};

/**
 * When the contact last changed, ms epoch: `updatedAt` (ISO), else the `lastmodifieddate` property
 * (ISO or ms string, §3.5), else `fallbackMs`.
 */
export const contactUpdatedAtMs = (contact: ContactJson, fallbackMs: number): number => {
  for (const value of [contact.updatedAt, contact.properties['lastmodifieddate']]) {
    if (typeof value !== 'string' || value === '') continue;
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return fallbackMs;
};

/**
 * The synthetic `hubspot.webhook-events.v1` record of one contact of `portalId` (hubspot-api.md §1.4
 * fields): `contact.propertyChange` of `email` with the contact's current email, `eventId`
 * `backfill:<contactId>`, `changeSource` HUBHEAP_BACKFILL, `occurredAt` the contact's updatedAt (ms),
 * `receivedAt` = `receivedAtMs`, `rawJson` the contact JSON. A contact without an email is skipped
 * (`without-email`): nothing downstream could identify it. Pure; never throws.
 */
export const toBackfillRecord = (
  portalId: number,
  contact: ContactJson,
  receivedAtMs: number,
): BackfillDecision => {
  const email = contactEmail(contact);
  if (email === undefined) return { kind: 'without-email', contactId: contact.id };
  return {
    kind: 'emit',
    record: {
      portalId,
      appId: null,
      eventId: `backfill:${contact.id}`,
      subscriptionId: null,
      subscriptionType: BACKFILL_SUBSCRIPTION_TYPE,
      occurredAt: contactUpdatedAtMs(contact, receivedAtMs),
      attemptNumber: 0,
      objectId: contact.id,
      objectTypeId: null,
      propertyName: 'email',
      propertyValue: email,
      changeSource: BACKFILL_CHANGE_SOURCE,
      sourceId: null,
      changeFlag: null,
      primaryObjectId: null,
      mergedObjectIds: [],
      newObjectId: null,
      receivedAt: receivedAtMs,
      rawJson: JSON.stringify(contact),
    },
  };
};
