import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotContactChange } from '@hubheap/schemas';

type ChangeRecord = ConsumedRecord<HubSpotContactChange>;

/** One contact to read from HubSpot and write to Heap: every change of it in the batch, coalesced. */
export interface ContactRead {
  portalId: number;
  contactId: string;
  /** Heap app_id and identity of the latest change (latest wins). */
  appId: string;
  identity: string;
  /** Properties the changes named (their empty values clear Heap's); `all` when a change named none. */
  changedProperties: ReadonlySet<string> | 'all';
  /** The coalesced records, oldest first; the last one is dead-lettered if Heap refuses the user. */
  records: ChangeRecord[];
}

/** A Heap user deletion to request for a `privacy-deleted` change (issue 3 part 4). */
export interface DeletionPlan {
  portalId: number;
  contactId: string;
  appId: string;
  identity: string;
  record: ChangeRecord;
}

/** Why a record leads to no HubSpot read and no Heap write (counted in metrics). */
export type SkipReason =
  'contact-deleted' | 'stale-after-deletion' | 'superseded-by-deletion' | 'deletion-without-identity';

/** What to do with one consumed batch of `hubspot.contact-changes.v1`. */
export interface ContactChangesPlan {
  reads: ContactRead[];
  deletions: DeletionPlan[];
  deadLetters: Array<{ record: ChangeRecord; reason: string }>;
  skipped: Array<{ record: ChangeRecord; reason: SkipReason }>;
}

const keyOf = (portalId: number, contactId: string): string => `${portalId}:${contactId}`;

/**
 * Coalesces a batch of contact changes (offset order) into at most one read per (portalId,
 * contactId) — latest app_id/identity wins, `changedProperties` are united — plus the Heap deletions
 * to request. Rules:
 * - `privacy-deleted` → a deletion of the identity (skipped when identity is null: no Heap user is
 *   known); like `deleted`, it drops the contact's pending read and tombstones it at `occurredAt`;
 * - `deleted` → no read; `merged` → tombstones every `mergedContactIds` and reads `contactId`;
 * - `restored` lifts the tombstone; any other change not newer than the tombstone is stale (a late
 *   webhook must not resurrect a deleted contact);
 * - a change to read with identity null, or of a portal without a HubSpot token (`knownPortals`: the
 *   HUBSPOT_PORTALS portals, or every portal with HUBSPOT_TOKEN_SOURCE=control-api), is dead-lettered
 *   with the reason.
 * Pure.
 */
export const planContactChanges = (
  records: readonly ChangeRecord[],
  knownPortals: Pick<ReadonlySet<number>, 'has'>,
): ContactChangesPlan => {
  const plan: ContactChangesPlan = { reads: [], deletions: [], deadLetters: [], skipped: [] };
  const pending = new Map<string, ContactRead>();
  const tombstones = new Map<string, number>();

  const bury = (portalId: number, contactId: string, occurredAt: number): void => {
    const key = keyOf(portalId, contactId);
    tombstones.set(key, Math.max(occurredAt, tombstones.get(key) ?? occurredAt));
    const read = pending.get(key);
    if (!read) return;
    pending.delete(key);
    for (const record of read.records) plan.skipped.push({ record, reason: 'superseded-by-deletion' });
  };

  for (const record of records) {
    const change = record.value;
    const { portalId, contactId, occurredAt } = change;
    const key = keyOf(portalId, contactId);
    const identity = change.identity ?? null;
    if (change.change === 'privacy-deleted') {
      bury(portalId, contactId, occurredAt);
      if (identity === null) plan.skipped.push({ record, reason: 'deletion-without-identity' });
      else plan.deletions.push({ portalId, contactId, appId: change.appId, identity, record });
      continue;
    }
    if (change.change === 'deleted') {
      bury(portalId, contactId, occurredAt);
      plan.skipped.push({ record, reason: 'contact-deleted' });
      continue;
    }
    if (change.change === 'merged') {
      for (const merged of change.mergedContactIds) bury(portalId, merged, occurredAt);
    }
    if (change.change === 'restored') tombstones.delete(key);
    const tomb = tombstones.get(key);
    if (tomb !== undefined && occurredAt <= tomb) {
      plan.skipped.push({ record, reason: 'stale-after-deletion' });
      continue;
    }
    if (identity === null) {
      plan.deadLetters.push({
        record,
        reason: `contact ${contactId} of portal ${portalId} has no Heap identity (identity is null)`,
      });
      continue;
    }
    if (!knownPortals.has(portalId)) {
      plan.deadLetters.push({
        record,
        reason: `portal ${portalId} is not in HUBSPOT_PORTALS: no token to read contacts with`,
      });
      continue;
    }
    const changed: ReadonlySet<string> | 'all' =
      change.changedProperties.length === 0 ? 'all' : new Set(change.changedProperties);
    const read = pending.get(key);
    if (!read) {
      pending.set(key, {
        portalId,
        contactId,
        appId: change.appId,
        identity,
        changedProperties: changed,
        records: [record],
      });
      continue;
    }
    read.appId = change.appId;
    read.identity = identity;
    read.records.push(record);
    read.changedProperties =
      read.changedProperties === 'all' || changed === 'all'
        ? 'all'
        : new Set([...read.changedProperties, ...changed]);
  }
  plan.reads = [...pending.values()];
  return plan;
};

/** Reads grouped by portalId, portals and reads in first-seen order. Pure. */
export const readsByPortal = (reads: readonly ContactRead[]): Map<number, ContactRead[]> => {
  const out = new Map<number, ContactRead[]>();
  for (const read of reads) out.set(read.portalId, [...(out.get(read.portalId) ?? []), read]);
  return out;
};
