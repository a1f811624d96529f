import { chunkByAppId, type HeapProperties, writeWithIsolation } from '@hubheap/heap';
import {
  type ContactPropertyDefinition,
  heapPropertyNames,
  type HeapPropertyNaming,
  type HubSpotContactRecord,
  mapContactProperties,
} from '@hubheap/hubspot';
import type { ConsumedRecord } from '@hubheap/kafka';
import type { HubSpotContactChange } from '@hubheap/schemas';
import type { ContactRead } from './contact-changes.planner';

type ChangeRecord = ConsumedRecord<HubSpotContactChange>;

/** One portal's contact property definitions, ready for mapping. */
export interface PortalProperties {
  definitions: ReadonlyMap<string, ContactPropertyDefinition>;
  naming: HeapPropertyNaming;
  /** Every internal name, sorted: the `properties` of each batch read. */
  names: string[];
}

/** Indexes definitions and derives their Heap names ({@link heapPropertyNames}). Pure. */
export const portalProperties = (definitions: readonly ContactPropertyDefinition[]): PortalProperties => ({
  definitions: new Map(definitions.map((d) => [d.name, d])),
  naming: heapPropertyNames(definitions),
  names: definitions.map((d) => d.name).sort(),
});

/** One Heap user to write: add_user_properties `{identity, properties}` of `appId` (heap-api.md §4). */
export interface HeapUserWrite {
  appId: string;
  identity: string;
  properties: HeapProperties;
  /** The latest change of the contact: dead-lettered if Heap refuses this user. */
  record: ChangeRecord;
}

/** Result of {@link buildUserWrites}. */
export interface UserWritesPlan {
  writes: HeapUserWrite[];
  /** Reads whose contact HubSpot did not return (404 / 207: deleted, merged away, archived). */
  notFound: ContactRead[];
  /** Reads whose contact has no value to send. */
  empty: ContactRead[];
}

/**
 * Turns batch-read contacts into Heap user writes: properties mapped with the portal's naming and
 * value rules (libs/hubspot contact-properties.mapper); empty values of the properties a change named
 * are sent as `""` (clearing Heap's value), other empty values are left out. Pure.
 */
export const buildUserWrites = (
  reads: readonly ContactRead[],
  contacts: ReadonlyMap<string, HubSpotContactRecord>,
  portal: PortalProperties,
): UserWritesPlan => {
  const plan: UserWritesPlan = { writes: [], notFound: [], empty: [] };
  for (const read of reads) {
    const contact = contacts.get(read.contactId);
    if (!contact) {
      plan.notFound.push(read);
      continue;
    }
    const clear = read.changedProperties === 'all' ? undefined : read.changedProperties;
    const properties = mapContactProperties(portal.definitions, portal.naming, contact.properties, {
      ...(clear ? { clear } : {}),
    });
    if (Object.keys(properties).length === 0) {
      plan.empty.push(read);
      continue;
    }
    const record = read.records[read.records.length - 1]!;
    plan.writes.push({ appId: read.appId, identity: read.identity, properties, record });
  }
  return plan;
};

/** Sends one bulk add_user_properties request; the consumer passes `HeapClient.addUserProperties`. */
export type SendUserProperties = (
  appId: string,
  users: Array<{ identity: string; properties: HeapProperties }>,
) => Promise<void>;

/** What Heap accepted, and the changes it refused for good. */
export interface UserWriteOutcome {
  written: number;
  deadLetters: Array<{ record: ChangeRecord; reason: string }>;
}

/**
 * Writes users to Heap like heap-writer writes events: one app_id per request, ≤ 1000 users each
 * (heap-api.md §4), a request Heap refuses (HeapRejectedError, 400) split until the bad user stands
 * alone and its change is dead-lettered with Heap's body as the reason. Properties are last-write-wins
 * at Heap, so repeating a write after a retry is harmless.
 * @throws whatever `send` throws except HeapRejectedError (429/5xx/timeout: the consumer retries with
 *   offsets uncommitted).
 */
export const writeUserProperties = async (
  writes: readonly HeapUserWrite[],
  send: SendUserProperties,
): Promise<UserWriteOutcome> => {
  const outcome: UserWriteOutcome = { written: 0, deadLetters: [] };
  for (const chunk of chunkByAppId(writes)) {
    const result = await writeWithIsolation(chunk.events, (batch) =>
      send(
        chunk.appId,
        batch.map((w) => ({ identity: w.identity, properties: w.properties })),
      ),
    );
    outcome.written += result.written.length;
    outcome.deadLetters.push(...result.rejected.map(({ item, reason }) => ({ record: item.record, reason })));
  }
  return outcome;
};
