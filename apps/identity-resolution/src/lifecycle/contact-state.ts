/**
 * What identity-resolution knows about one HubSpot contact (`hubspot_contacts`): its email (trimmed,
 * lower-cased), the Heap identity last resolved for it, and whether it was deleted or merged away.
 */
export interface ContactState {
  portalId: number;
  /** HubSpot contact id (hs_object_id) as a decimal string; may exceed 2^31. */
  contactId: string;
  /** Heap app_id of the portal's tenant. */
  appId: string;
  email?: string;
  identity?: string;
  /** When HubSpot deleted (or merged away) the contact, ms since the Unix epoch. */
  deletedAt?: number;
  /** The surviving contact id after a merge. */
  mergedInto?: string;
  /**
   * When `contact.privacyDeletion` removed the person, ms since the Unix epoch. Such a contact is a
   * tombstone (no email, no identity): every later event of it is skipped.
   */
  privacyDeletedAt?: number;
}

/** `<portalId>:<contactId>`, the key of contact maps. */
export const contactKey = (portalId: number, contactId: string): string => `${portalId}:${contactId}`;
