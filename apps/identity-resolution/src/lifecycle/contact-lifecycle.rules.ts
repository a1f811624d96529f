import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotContactChange, HubSpotWebhookEvent } from '@hubheap/schemas';
import { type IdentityView, identityKey, normaliseEmail, resolveIdentity } from '../identity/identity-map';
import { resolveTenant, type Tenant, type TenantDirectory } from '../tenants.config';
import { contactKey, type ContactState } from './contact-state';

type WebhookRecord = ConsumedRecord<HubSpotWebhookEvent>;

/** `changeSource` of the synthetic `contact.propertyChange` (email) records of `ops-cli import contacts`. */
export const BACKFILL_CHANGE_SOURCE = 'HUBHEAP_BACKFILL';

/** Why a webhook event produces no change. */
export type LifecycleSkipReason =
  | 'not-contact'
  | 'unsupported-type'
  | 'unchanged'
  | 'no-email'
  | 'identity-too-long'
  | 'no-object-id'
  | 'merged-away'
  | 'privacy-deleted';

/** What the batch read from the outside before planning. */
export interface LifecycleState {
  /** Stored contacts by {@link contactKey}. */
  contacts: ReadonlyMap<string, ContactState>;
  /** Emails HubSpot returned for contacts named without one (null: none / unknown), by contactKey. */
  fetchedEmails: ReadonlyMap<string, string | null>;
  identities: IdentityView;
}

/** The decision for one partition's batch of `hubspot.webhook-events.v1` records. */
export interface LifecyclePlan {
  /** Changes to produce to `hubspot.contact-changes.v1`, in order. */
  changes: HubSpotContactChange[];
  /** Changes waiting for the Heap identity of `email` (custom email property), `identity` null. */
  pending: Array<{ record: WebhookRecord; appId: string; email: string; change: HubSpotContactChange }>;
  /** Final state of every contact the batch touched (upsert). */
  contacts: ContactState[];
  /** Contacts to forget entirely (privacy deletion). */
  forgottenContacts: Array<{ portalId: number; contactId: string }>;
  /** Emails to drop from `heap_identities` and `pending_records` (privacy deletion, custom property). */
  forgottenEmails: Array<{ appId: string; email: string }>;
  skipped: Array<{ record: WebhookRecord; reason: LifecycleSkipReason }>;
  deadLetters: Array<{ record: WebhookRecord; reason: string }>;
}

/**
 * The contacts of the batch whose email must be read from HubSpot before planning (hubspot-api.md §1.6:
 * creation and deletion events carry no properties): named by a creation, a non-email property change
 * or as merge survivor, and not stored with an email. HubSpot answers with the current email, which may
 * already be the one a later email propertyChange of the batch sets (that change is then `unchanged`). Pure. @returns contact ids by portalId.
 */
export const contactsToFetch = (
  records: readonly WebhookRecord[],
  tenants: TenantDirectory,
  contacts: ReadonlyMap<string, ContactState>,
): Map<number, string[]> => {
  const wanted = new Map<string, { portalId: number; contactId: string }>();
  for (const { value: e } of records) {
    if (!resolveTenant(tenants, e.portalId)) continue;
    const asks =
      e.subscriptionType === 'contact.creation' ||
      (e.subscriptionType === 'contact.propertyChange' && e.propertyName !== 'email');
    const survivor = e.subscriptionType === 'contact.merge' ? survivorOf(e) : undefined;
    const id = asks ? e.objectId : survivor;
    if (id === undefined) continue;
    const k = contactKey(e.portalId, id);
    const stored = contacts.get(k);
    if (stored?.privacyDeletedAt !== undefined) continue; // a tombstone: never asked about again
    if (!stored?.email) wanted.set(k, { portalId: e.portalId, contactId: id });
  }
  const byPortal = new Map<number, string[]>();
  for (const { portalId, contactId } of wanted.values())
    byPortal.set(portalId, [...(byPortal.get(portalId) ?? []), contactId]);
  return byPortal;
};

/** The contact that survives a merge: `newObjectId` when HubSpot created one, else `primaryObjectId`. */
const survivorOf = (e: HubSpotWebhookEvent): string => e.newObjectId ?? e.primaryObjectId ?? e.objectId;

/** Contacts merged away by a merge event (never the survivor). */
const mergedAwayOf = (e: HubSpotWebhookEvent): string[] => {
  const survivor = survivorOf(e);
  const ids = [...e.mergedObjectIds, ...(e.primaryObjectId ? [e.primaryObjectId] : [])];
  return [...new Set(ids)].filter((id) => id !== survivor);
};

/**
 * Folds one partition's contact lifecycle webhooks (hubspot-api.md §1.4–1.6) over the stored contacts,
 * in offset order (pure; one rule per subscriptionType, see `RULES`):
 * - not `contact.*` (company, deal, … of any portal) → skip `not-contact`; a contact event of a portal no
 *   tenant claims → dead letter `no tenant for portal N` (redrivable once the tenant is added);
 * - every change carries the contact's email (trimmed, lower-cased) and Heap identity ({@link resolveIdentity}):
 *   unknown for a custom email property → the change waits in `pending` (except `privacy-deleted`, sent
 *   at once with identity null: the email must not be kept); no email → skip `no-email` (a deletion,
 *   merge or privacy deletion is still sent, identity null);
 * - a contact's consecutive non-email property changes in the batch coalesce into one `property-changed`;
 * - a contact removed by `contact.privacyDeletion` (in this batch or before: its tombstone) → every later
 *   event of it, or a merge into it, is skipped `privacy-deleted`: a late or retried webhook must not
 *   bring the person back;
 * - a contact merged away → its later property changes, deletion or restore are skipped `merged-away`
 *   (the merge already moved it onto the survivor).
 */
export const planContactLifecycle = (
  records: readonly WebhookRecord[],
  tenants: TenantDirectory,
  state: LifecycleState,
): LifecyclePlan => {
  const plan: LifecyclePlan = {
    changes: [],
    pending: [],
    contacts: [],
    forgottenContacts: [],
    forgottenEmails: [],
    skipped: [],
    deadLetters: [],
  };
  const fold = new LifecycleFold(state, plan);
  for (const record of records) {
    const e = record.value;
    const tenant = resolveTenant(tenants, e.portalId);
    if (!e.subscriptionType.startsWith('contact.')) plan.skipped.push({ record, reason: 'not-contact' });
    else if (!tenant) plan.deadLetters.push({ record, reason: `no tenant for portal ${e.portalId}` });
    else if (e.objectId === '') plan.skipped.push({ record, reason: 'no-object-id' });
    else if (
      fold.isPrivacyDeleted(e.portalId, e.subscriptionType === 'contact.merge' ? survivorOf(e) : e.objectId)
    )
      plan.skipped.push({ record, reason: 'privacy-deleted' });
    else {
      const rule = RULES[e.subscriptionType];
      if (rule) rule(fold, record, tenant);
      else plan.skipped.push({ record, reason: 'unsupported-type' });
    }
  }
  plan.contacts = fold.touchedContacts();
  return plan;
};

type Rule = (fold: LifecycleFold, record: WebhookRecord, tenant: Tenant) => void;

/** One rule per contact subscriptionType (hubspot-api.md §1.5). */
const RULES: Record<string, Rule> = {
  'contact.creation': (fold, record, tenant) => {
    const contact = fold.contact(record.value.portalId, record.value.objectId, tenant);
    // A creation read after the merge that absorbed the contact (other partition): the merge stands.
    if (contact.mergedInto !== undefined) return fold.skip(record, 'merged-away');
    contact.email ??= fold.fetchedEmail(contact);
    delete contact.deletedAt;
    fold.emit(record, tenant, contact, 'created');
  },
  'contact.propertyChange': (fold, record, tenant) => {
    const e = record.value;
    const contact = fold.contact(e.portalId, e.objectId, tenant);
    if (contact.mergedInto !== undefined) return fold.skip(record, 'merged-away');
    if (e.propertyName !== 'email') {
      contact.email ??= fold.fetchedEmail(contact);
      fold.propertyChanged(record, tenant, contact, e.propertyName ?? '');
      return;
    }
    const previous = contact.email;
    const email = normaliseEmail(e.propertyValue);
    if (email === undefined) delete contact.email;
    else contact.email = email;
    if (previous !== email) delete contact.identity;
    if (e.changeSource === BACKFILL_CHANGE_SOURCE)
      fold.emit(record, tenant, contact, 'backfill', {
        previousEmail: previous !== email ? previous : undefined,
      });
    else if (previous === email) fold.skip(record, 'unchanged');
    else fold.emit(record, tenant, contact, 'email-changed', { previousEmail: previous });
  },
  'contact.merge': (fold, record, tenant) => {
    const e = record.value;
    const survivor = fold.contact(e.portalId, survivorOf(e), tenant);
    const mergedAway = mergedAwayOf(e);
    survivor.email ??= fold.fetchedEmail(survivor);
    for (const id of mergedAway) {
      const merged = fold.contact(e.portalId, id, tenant);
      survivor.email ??= merged.email;
      merged.mergedInto = survivor.contactId;
      merged.deletedAt = e.occurredAt;
    }
    delete survivor.deletedAt;
    fold.emit(record, tenant, survivor, 'merged', { mergedContactIds: mergedAway });
  },
  'contact.deletion': (fold, record, tenant) => {
    const contact = fold.contact(record.value.portalId, record.value.objectId, tenant);
    if (contact.mergedInto !== undefined) return fold.skip(record, 'merged-away');
    contact.deletedAt = record.value.occurredAt;
    fold.emit(record, tenant, contact, 'deleted');
  },
  'contact.restore': (fold, record, tenant) => {
    const contact = fold.contact(record.value.portalId, record.value.objectId, tenant);
    if (contact.mergedInto !== undefined) return fold.skip(record, 'merged-away');
    delete contact.deletedAt;
    fold.emit(record, tenant, contact, 'restored');
  },
  'contact.privacyDeletion': (fold, record, tenant) => fold.privacyDelete(record, tenant),
};

/** Changes sent even without a known email or identity (identity null). */
const SENT_WITHOUT_IDENTITY = new Set(['deleted', 'merged', 'privacy-deleted']);

/** The mutable state of one fold (private to this file). */
class LifecycleFold {
  private readonly working = new Map<string, ContactState>();
  private readonly touched = new Set<string>();
  /** Open coalescing `property-changed` change per contact. */
  private readonly open = new Map<string, HubSpotContactChange>();
  private readonly parked = new Set<string>();

  constructor(
    private readonly state: LifecycleState,
    private readonly plan: LifecyclePlan,
  ) {}

  contact(portalId: number, contactId: string, tenant: Tenant): ContactState {
    const key = contactKey(portalId, contactId);
    let contact = this.working.get(key);
    if (!contact) {
      const stored = this.state.contacts.get(key);
      contact = stored ? { ...stored } : { portalId, contactId, appId: tenant.heapAppId };
      this.working.set(key, contact);
    }
    this.touched.add(key);
    return contact;
  }

  /** Whether the contact was privacy-deleted, earlier in this batch or before (stored tombstone). */
  isPrivacyDeleted(portalId: number, contactId: string): boolean {
    const key = contactKey(portalId, contactId);
    return (this.working.get(key) ?? this.state.contacts.get(key))?.privacyDeletedAt !== undefined;
  }

  fetchedEmail(contact: ContactState): string | undefined {
    return normaliseEmail(this.state.fetchedEmails.get(contactKey(contact.portalId, contact.contactId)));
  }

  skip(record: WebhookRecord, reason: LifecycleSkipReason): void {
    this.plan.skipped.push({ record, reason });
  }

  propertyChanged(record: WebhookRecord, tenant: Tenant, contact: ContactState, property: string): void {
    const open = this.open.get(contactKey(contact.portalId, contact.contactId));
    if (open && open.email === (contact.email ?? null)) {
      if (!open.changedProperties.includes(property)) open.changedProperties.push(property);
      open.occurredAt = Math.max(open.occurredAt, record.value.occurredAt);
      open.sourceEventId = record.value.eventId;
      return;
    }
    const change = this.emit(record, tenant, contact, 'property-changed', { changedProperties: [property] });
    if (change) this.open.set(contactKey(contact.portalId, contact.contactId), change);
  }

  /** Builds the change and routes it: produce, wait for the identity, or skip. */
  emit(
    record: WebhookRecord,
    tenant: Tenant,
    contact: ContactState,
    change: string,
    extra: { previousEmail?: string; changedProperties?: string[]; mergedContactIds?: string[] } = {},
  ): HubSpotContactChange | undefined {
    const key = contactKey(contact.portalId, contact.contactId);
    this.open.delete(key);
    const value: HubSpotContactChange = {
      portalId: contact.portalId,
      contactId: contact.contactId,
      appId: tenant.heapAppId,
      identity: null,
      email: contact.email ?? null,
      previousEmail: extra.previousEmail ?? null,
      change,
      changedProperties: extra.changedProperties ?? [],
      mergedContactIds: extra.mergedContactIds ?? [],
      occurredAt: record.value.occurredAt,
      sourceEventId: record.value.eventId,
    };
    if (!contact.email) {
      if (!SENT_WITHOUT_IDENTITY.has(change)) {
        this.skip(record, 'no-email');
        return undefined;
      }
      this.plan.changes.push(value);
      return value;
    }
    const resolved = resolveIdentity(tenant, contact.email, this.state.identities);
    if (resolved.kind === 'too-long') {
      this.skip(record, 'identity-too-long');
      return undefined;
    }
    if (resolved.kind === 'identity') {
      contact.identity = resolved.identity;
      value.identity = resolved.identity;
    }
    const waitKey = identityKey(tenant.heapAppId, contact.email);
    const queued =
      this.parked.has(waitKey) || this.state.identities.isWaiting(tenant.heapAppId, contact.email);
    if ((resolved.kind === 'identity' && !queued) || change === 'privacy-deleted') {
      this.plan.changes.push(value);
    } else {
      value.identity = null;
      this.parked.add(waitKey);
      this.plan.pending.push({ record, appId: tenant.heapAppId, email: contact.email, change: value });
    }
    return value;
  }

  privacyDelete(record: WebhookRecord, tenant: Tenant): void {
    const e = record.value;
    const contact = this.contact(e.portalId, e.objectId, tenant);
    this.emit(record, tenant, contact, 'privacy-deleted');
    this.plan.forgottenContacts.push({ portalId: e.portalId, contactId: e.objectId });
    // Records of the email that wait (for an identity, or a paused source) are dropped for every tenant;
    // for a custom email property the email → identity row goes too.
    if (contact.email) this.plan.forgottenEmails.push({ appId: tenant.heapAppId, email: contact.email });
    // What is kept is a tombstone: no email, no identity, only when (written by the upsert).
    const tombstone: ContactState = {
      portalId: e.portalId,
      contactId: e.objectId,
      appId: tenant.heapAppId,
      privacyDeletedAt: e.occurredAt,
    };
    this.working.set(contactKey(e.portalId, e.objectId), tombstone);
  }

  touchedContacts(): ContactState[] {
    return [...this.touched].map((key) => this.working.get(key)!);
  }
}
