import type { HubSpotWebhookEvent } from './generated/hubspot.webhook-events.v1';
import type { HubSpotEmailEvent } from './generated/hubspot.email-events.v1';
import type { HeapTrackEvent } from './generated/heap.track-events.v1';
import type { HeapSegmentDelta } from './generated/heap.segment-deltas.v1';
import type { HubSpotContactChange } from './generated/hubspot.contact-changes.v1';
import type { HeapUserIdentity } from './generated/heap.user-identities.v1';
import type { IntegrationSettings } from './generated/integration.settings.v1';
import type { IntegrationStatus } from './generated/integration.status.v1';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The services of this system; each topic has exactly one writer among them. */
export type AppName =
  | 'webhook-intake'
  | 'identity-resolution'
  | 'heap-writer'
  | 'property-sync'
  | 'segment-export'
  | 'control-api'
  | 'ops-cli';

/** An Avro record schema, as parsed from a .avsc file. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: ReadonlyArray<{ name: string; type: unknown; default?: unknown; doc?: string }>;
}

/**
 * The contract of one Kafka topic: producers and consumers import this entry, never a topic string.
 * Value subject is `<topic>-value` (TopicNameStrategy), compatibility BACKWARD.
 */
export interface TopicContract<V> {
  /** Topic name, versioned: `<domain>.<entity>.v<N>`. */
  readonly name: string;
  /** What the record key is; `keyOf` computes it. Records with one key stay in order on one partition. */
  readonly keyDoc: string;
  keyOf(value: V): string;
  readonly valueSchema: AvroRecordSchema;
  /** The one app that produces to this topic. */
  readonly writer: AppName;
  readonly partitions: number;
  /** Topic-level configs applied at creation (retention, cleanup policy, ...). */
  readonly config: Readonly<Record<string, string>>;
}

/** Schema-registry subject of a topic's value (TopicNameStrategy). */
export const valueSubject = (topic: string): string => `${topic}-value`;

/**
 * Dead-letter topic of a topic. Its records keep the original key, value bytes and headers untouched
 * (so they can be redriven) plus `x-dlq-*` origin headers; see libs/kafka dead-letter.ts.
 */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Reads `src/avro/<topic>.avsc`: the .avsc files are the source of truth for the generated types. */
const loadSchema = (topic: string): AvroRecordSchema =>
  JSON.parse(readFileSync(join(__dirname, 'avro', `${topic}.avsc`), 'utf8')) as AvroRecordSchema;

const RETAIN_7_DAYS = String(7 * 24 * 3600 * 1000);
const RETAIN_30_DAYS = String(30 * 24 * 3600 * 1000);

/** HubSpot webhook events as delivered (one record per event), keyed by portal and object. */
export const HUBSPOT_WEBHOOK_EVENTS: TopicContract<HubSpotWebhookEvent> = {
  name: 'hubspot.webhook-events.v1',
  keyDoc: '`<portalId>:<objectId>`: one CRM object stays in order',
  keyOf: (v) => `${v.portalId}:${v.objectId}`,
  valueSchema: loadSchema('hubspot.webhook-events.v1'),
  writer: 'webhook-intake',
  partitions: 3,
  config: { 'retention.ms': RETAIN_30_DAYS },
};

/**
 * HubSpot marketing email events, keyed by portal and recipient so one person's events stay in order.
 * The backfill command (`ops-cli import email-events`) produces here too, with `source: 'import'`.
 */
export const HUBSPOT_EMAIL_EVENTS: TopicContract<HubSpotEmailEvent> = {
  name: 'hubspot.email-events.v1',
  keyDoc: '`<portalId>:<recipient lower-cased>` (or `<portalId>:` when there is no recipient)',
  keyOf: (v) => `${v.portalId}:${(v.recipient ?? '').trim().toLowerCase()}`,
  valueSchema: loadSchema('hubspot.email-events.v1'),
  writer: 'webhook-intake',
  partitions: 3,
  config: { 'retention.ms': RETAIN_30_DAYS },
};

/** Heap events ready to write, keyed by Heap app_id and identity. */
export const HEAP_TRACK_EVENTS: TopicContract<HeapTrackEvent> = {
  name: 'heap.track-events.v1',
  keyDoc: '`<app_id>:<identity>`: one Heap user stays in order',
  keyOf: (v) => `${v.appId}:${v.identity}`,
  valueSchema: loadSchema('heap.track-events.v1'),
  writer: 'identity-resolution',
  partitions: 3,
  config: { 'retention.ms': RETAIN_7_DAYS },
};

/**
 * Heap segment membership deltas (Segments Sync webhook pages), keyed by tenant and segment.
 * `ops-cli segments import-members` produces here too, with `source: 'import'`.
 */
export const HEAP_SEGMENT_DELTAS: TopicContract<HeapSegmentDelta> = {
  name: 'heap.segment-deltas.v1',
  keyDoc: "`<portalId>:<segmentId>`: one segment's pages stay in order",
  keyOf: (v) => `${v.portalId}:${v.segmentId}`,
  valueSchema: loadSchema('heap.segment-deltas.v1'),
  writer: 'webhook-intake',
  partitions: 3,
  config: { 'retention.ms': RETAIN_30_DAYS },
};

/**
 * Contacts whose Heap user properties need writing (or whose Heap user must be deleted), keyed by portal
 * and contact so one contact's changes stay in order. identity-resolution writes it from contact lifecycle
 * webhooks, including the synthetic ones of `ops-cli import contacts` (changeSource HUBHEAP_BACKFILL).
 */
export const HUBSPOT_CONTACT_CHANGES: TopicContract<HubSpotContactChange> = {
  name: 'hubspot.contact-changes.v1',
  keyDoc: '`<portalId>:<contactId>`: one contact stays in order',
  keyOf: (v) => `${v.portalId}:${v.contactId}`,
  valueSchema: loadSchema('hubspot.contact-changes.v1'),
  writer: 'identity-resolution',
  partitions: 3,
  config: { 'retention.ms': RETAIN_7_DAYS },
};

/**
 * Heap users' email-property values (identity -> email), the feed of identity-resolution's identity map
 * for tenants whose email property is a custom Heap user property. Keyed by app_id and identity, compacted:
 * the last value per identity is the truth, and a replay from the beginning rebuilds the map.
 */
export const HEAP_USER_IDENTITIES: TopicContract<HeapUserIdentity> = {
  name: 'heap.user-identities.v1',
  keyDoc: '`<app_id>:<identity>`: the last record per Heap user wins',
  keyOf: (v) => `${v.appId}:${v.identity}`,
  valueSchema: loadSchema('heap.user-identities.v1'),
  writer: 'ops-cli',
  partitions: 3,
  config: { 'cleanup.policy': 'compact' },
};

/**
 * The current settings of every tenant, keyed by portal, compacted. Every app reads it from the beginning
 * at start (so an app that starts later sees the current settings) and follows it. No secrets.
 */
export const INTEGRATION_SETTINGS: TopicContract<IntegrationSettings> = {
  name: 'integration.settings.v1',
  keyDoc: '`<portalId>`: the last record per tenant is its current settings',
  keyOf: (v) => String(v.portalId),
  valueSchema: loadSchema('integration.settings.v1'),
  writer: 'control-api',
  partitions: 1,
  config: { 'cleanup.policy': 'compact' },
};

/** heap-writer's reports that Heap accepted a tenant's events; control-api derives source status. */
export const INTEGRATION_STATUS: TopicContract<IntegrationStatus> = {
  name: 'integration.status.v1',
  keyDoc: "`<portalId>`: one tenant's reports stay in order",
  keyOf: (v) => String(v.portalId),
  valueSchema: loadSchema('integration.status.v1'),
  writer: 'heap-writer',
  partitions: 1,
  config: { 'retention.ms': RETAIN_7_DAYS },
};

/** Every topic contract, in dependency order. */
export const TOPICS = [
  HUBSPOT_WEBHOOK_EVENTS,
  HUBSPOT_EMAIL_EVENTS,
  HEAP_TRACK_EVENTS,
  HEAP_SEGMENT_DELTAS,
  HUBSPOT_CONTACT_CHANGES,
  HEAP_USER_IDENTITIES,
  INTEGRATION_SETTINGS,
  INTEGRATION_STATUS,
] as const;

/** Every topic name including the dead-letter topics, for provisioning. */
export const allTopicNames = (): string[] => TOPICS.flatMap((t) => [t.name, deadLetterTopic(t.name)]);

/** A consumer group an app really runs, with the topics it reads (for replay tooling and scaling). */
export interface ConsumerGroupContract {
  /** Default group id; apps allow an override (CONSUMER_GROUP) for replays through a fresh group. */
  readonly groupId: string;
  readonly app: AppName;
  readonly topics: ReadonlyArray<TopicContract<unknown>>;
}

/** identity-resolution reading HubSpot email events. */
export const IDENTITY_RESOLUTION_EMAIL_EVENTS_GROUP: ConsumerGroupContract = {
  groupId: 'identity-resolution.email-events',
  app: 'identity-resolution',
  topics: [HUBSPOT_EMAIL_EVENTS],
};

/** heap-writer reading Heap track events. */
export const HEAP_WRITER_TRACK_EVENTS_GROUP: ConsumerGroupContract = {
  groupId: 'heap-writer.track-events',
  app: 'heap-writer',
  topics: [HEAP_TRACK_EVENTS],
};

/** segment-export reading Heap segment deltas. */
export const SEGMENT_EXPORT_SEGMENT_DELTAS_GROUP: ConsumerGroupContract = {
  groupId: 'segment-export.segment-deltas',
  app: 'segment-export',
  topics: [HEAP_SEGMENT_DELTAS],
};

/** identity-resolution reading contact lifecycle webhooks. */
export const IDENTITY_RESOLUTION_WEBHOOK_EVENTS_GROUP: ConsumerGroupContract = {
  groupId: 'identity-resolution.webhook-events',
  app: 'identity-resolution',
  topics: [HUBSPOT_WEBHOOK_EVENTS],
};

/** identity-resolution reading the Heap user identity feed. */
export const IDENTITY_RESOLUTION_USER_IDENTITIES_GROUP: ConsumerGroupContract = {
  groupId: 'identity-resolution.user-identities',
  app: 'identity-resolution',
  topics: [HEAP_USER_IDENTITIES],
};

/** property-sync reading contact changes. */
export const PROPERTY_SYNC_CONTACT_CHANGES_GROUP: ConsumerGroupContract = {
  groupId: 'property-sync.contact-changes',
  app: 'property-sync',
  topics: [HUBSPOT_CONTACT_CHANGES],
};

/** control-api reading heap-writer's status reports. */
export const CONTROL_API_STATUS_GROUP: ConsumerGroupContract = {
  groupId: 'control-api.status',
  app: 'control-api',
  topics: [INTEGRATION_STATUS],
};

/** Every consumer group of the system (settings readers use no committed group: they read from the start). */
export const CONSUMER_GROUPS = [
  IDENTITY_RESOLUTION_EMAIL_EVENTS_GROUP,
  HEAP_WRITER_TRACK_EVENTS_GROUP,
  SEGMENT_EXPORT_SEGMENT_DELTAS_GROUP,
  IDENTITY_RESOLUTION_WEBHOOK_EVENTS_GROUP,
  IDENTITY_RESOLUTION_USER_IDENTITIES_GROUP,
  PROPERTY_SYNC_CONTACT_CHANGES_GROUP,
  CONTROL_API_STATUS_GROUP,
] as const;
