import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { contactKey, type ContactState } from '../lifecycle/contact-state';
import { tableIn } from './identity-resolution-database';

interface ContactRow {
  portal_id: string;
  contact_id: string;
  app_id: string;
  email_normalized: string | null;
  identity: string | null;
  deleted_at: string | null;
  merged_into: string | null;
  privacy_deleted_at: string | null;
}

const fromRow = (r: ContactRow): ContactState => ({
  portalId: Number(r.portal_id),
  contactId: r.contact_id,
  appId: r.app_id,
  ...(r.email_normalized !== null ? { email: r.email_normalized } : {}),
  ...(r.identity !== null ? { identity: r.identity } : {}),
  ...(r.deleted_at !== null ? { deletedAt: Number(r.deleted_at) } : {}),
  ...(r.merged_into !== null ? { mergedInto: r.merged_into } : {}),
  ...(r.privacy_deleted_at !== null ? { privacyDeletedAt: Number(r.privacy_deleted_at) } : {}),
});

/** What one lifecycle batch writes (contact-lifecycle.rules.ts `LifecyclePlan`). */
export interface ContactWrites {
  forgottenContacts: ReadonlyArray<{ portalId: number; contactId: string }>;
  forgottenEmails: ReadonlyArray<{ appId: string; email: string }>;
  contacts: readonly ContactState[];
}

/** `hubspot_contacts` (contact id ⇄ email ⇄ Heap identity), plus the privacy-deletion cleanup. */
@Injectable()
export class ContactsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Stored contacts of `keys` (portalId, contactId as strings), by `contactKey`. */
  async contacts(
    keys: ReadonlyArray<{ portalId: number; contactId: string }>,
  ): Promise<Map<string, ContactState>> {
    const found = new Map<string, ContactState>();
    if (keys.length === 0) return found;
    const rows = (await this.db.query(
      `SELECT c.* FROM ${tableIn(this.db, 'hubspot_contacts')} c
       JOIN unnest($1::bigint[], $2::text[]) AS k(portal_id, contact_id)
         ON c."portal_id" = k.portal_id AND c."contact_id" = k.contact_id`,
      [keys.map((k) => k.portalId), keys.map((k) => k.contactId)],
    )) as ContactRow[];
    for (const r of rows) found.set(contactKey(Number(r.portal_id), r.contact_id), fromRow(r));
    return found;
  }

  /**
   * Applies one batch in one transaction: privacy deletions first (contact rows, `heap_identities` rows
   * and waiting records of the email), then upserts of every touched contact — a privacy-deleted
   * contact comes back only as its tombstone (no email, no identity, `privacy_deleted_at`).
   */
  async apply(writes: ContactWrites, now = Date.now()): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const c of writes.forgottenContacts) {
        await m.query(
          `DELETE FROM ${tableIn(this.db, 'hubspot_contacts')} WHERE "portal_id" = $1 AND "contact_id" = $2`,
          [c.portalId, c.contactId],
        );
      }
      for (const f of writes.forgottenEmails) {
        for (const table of ['heap_identities', 'pending_records']) {
          await m.query(
            `DELETE FROM ${tableIn(this.db, table)} WHERE "app_id" = $1 AND "email_normalized" = $2`,
            [f.appId, f.email],
          );
        }
      }
      for (const c of writes.contacts) {
        await m.query(
          `INSERT INTO ${tableIn(this.db, 'hubspot_contacts')} ("portal_id", "contact_id", "app_id", "email_normalized",
             "identity", "deleted_at", "merged_into", "updated_at", "privacy_deleted_at")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT ("portal_id", "contact_id") DO UPDATE SET "app_id" = EXCLUDED."app_id",
             "email_normalized" = EXCLUDED."email_normalized", "identity" = EXCLUDED."identity",
             "deleted_at" = EXCLUDED."deleted_at", "merged_into" = EXCLUDED."merged_into", "updated_at" = EXCLUDED."updated_at",
             "privacy_deleted_at" = COALESCE("hubspot_contacts"."privacy_deleted_at", EXCLUDED."privacy_deleted_at")`,
          [
            c.portalId,
            c.contactId,
            c.appId,
            c.email ?? null,
            c.identity ?? null,
            c.deletedAt ?? null,
            c.mergedInto ?? null,
            now,
            c.privacyDeletedAt ?? null,
          ],
        );
      }
    });
  }
}
