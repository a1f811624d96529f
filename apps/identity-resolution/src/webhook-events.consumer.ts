import { Inject, Injectable, Logger } from '@nestjs/common';
import { type BatchOutcome, type ConsumedRecord, KafkaPlatform } from '@hubheap/kafka';
import { HUBSPOT_CONTACT_CHANGES, HUBSPOT_WEBHOOK_EVENTS, type HubSpotWebhookEvent } from '@hubheap/schemas';
import { ConsumerAdapter, type ConsumerAdapterOptions } from '@hubheap/service';
import { ContactsRepository } from './database/contacts.repository';
import { IdentityMapRepository } from './database/identity-map.repository';
import { PendingRecordsRepository } from './database/pending-records.repository';
import { identityKey, identityView, normaliseEmail } from './identity/identity-map';
import { PendingService } from './identity/pending.service';
import { gateBySource } from './identity/source-pause';
import { SourcePauseService } from './identity/source-pause.service';
import { IdentityResolutionMetrics } from './identity-resolution.metrics';
import { contactsToFetch, planContactLifecycle } from './lifecycle/contact-lifecycle.rules';
import { contactKey, type ContactState } from './lifecycle/contact-state';
import { HubSpotContactEmails } from './lifecycle/hubspot-contact-emails.client';
import { emailIsIdentity, resolveTenant, type TenantDirectory } from './tenants.config';

/** Injection token of {@link WebhookEventsConsumerOptions}. */
export const WEBHOOK_EVENTS_CONSUMER_OPTIONS = Symbol('WEBHOOK_EVENTS_CONSUMER_OPTIONS');

/** How the lifecycle consumer joins Kafka and which tenants it serves. */
export interface WebhookEventsConsumerOptions {
  /** `identity-resolution.webhook-events` in production. */
  groupId: string;
  /** The tenants as of now (SETTINGS_SOURCE=topic: follows integration.settings.v1; read per batch). */
  tenants: () => TenantDirectory;
}

type WebhookRecord = ConsumedRecord<HubSpotWebhookEvent>;

/**
 * Adapter from `hubspot.webhook-events.v1` (contact.* only) to `hubspot.contact-changes.v1`. Per batch:
 * reads the stored contacts, asks HubSpot for the email of contacts named without one (CRM batch read,
 * hubspot-api.md §3.2), reads the identity map, plans with {@link planContactLifecycle}, produces the
 * changes (acks=all), writes contacts / privacy deletions in one transaction, parks changes waiting for
 * an identity, then returns dead letters; the runner commits afterwards. A retry recomputes from the
 * unchanged state, so a crash between produce and write only repeats changes.
 */
@Injectable()
export class WebhookEventsConsumer extends ConsumerAdapter<HubSpotWebhookEvent> {
  protected readonly logger = new Logger(WebhookEventsConsumer.name);

  constructor(
    @Inject(KafkaPlatform) platform: KafkaPlatform,
    @Inject(IdentityResolutionMetrics) private readonly metrics: IdentityResolutionMetrics,
    @Inject(WEBHOOK_EVENTS_CONSUMER_OPTIONS) private readonly options: WebhookEventsConsumerOptions,
    @Inject(ContactsRepository) private readonly contactsRepository: ContactsRepository,
    @Inject(IdentityMapRepository) private readonly identities: IdentityMapRepository,
    @Inject(PendingRecordsRepository) private readonly pendingRecords: PendingRecordsRepository,
    @Inject(PendingService) private readonly pending: PendingService,
    @Inject(HubSpotContactEmails) private readonly hubspot: HubSpotContactEmails,
    @Inject(SourcePauseService) private readonly sourcePause: SourcePauseService,
  ) {
    super(platform);
    sourcePause.registerHandler(HUBSPOT_WEBHOOK_EVENTS.name, (records) =>
      this.handle(records as WebhookRecord[], true),
    );
  }

  protected consumerOptions(): ConsumerAdapterOptions<HubSpotWebhookEvent> {
    return { groupId: this.options.groupId, topics: [HUBSPOT_WEBHOOK_EVENTS] };
  }

  /**
   * Plans and applies one partition's batch; with SETTINGS_SOURCE=topic a paused tenant's records are
   * parked (`source-paused`) and a disconnected tenant's skipped (`disconnected`). `releasing`: the
   * batch is a release of `source-paused` records ({@link SourcePauseService}).
   */
  async handle(input: WebhookRecord[], releasing = false): Promise<BatchOutcome<HubSpotWebhookEvent>> {
    const tenants = this.options.tenants();
    const portalOf = (r: WebhookRecord) => r.value.portalId;
    const gate = gateBySource(
      input,
      portalOf,
      tenants,
      releasing ? new Set() : await this.sourcePause.parkedPortals(input.map(portalOf)),
      releasing,
    );
    const records = gate.process;
    const contacts = await this.contactsRepository.contacts(this.contactKeys(records));
    const fetchedEmails = new Map<string, string | null>();
    for (const [portalId, ids] of contactsToFetch(records, tenants, contacts)) {
      for (const [id, email] of await this.hubspot.emails(portalId, ids))
        fetchedEmails.set(contactKey(portalId, id), email);
    }
    const pairs = this.customEmails(records, tenants, contacts, fetchedEmails);
    const identities = identityView(
      await this.identities.identities(pairs),
      await this.pendingRecords.waiting(pairs),
    );
    const plan = planContactLifecycle(records, tenants, { contacts, fetchedEmails, identities });
    const producer = await this.platform.producer();
    await producer.send(
      HUBSPOT_CONTACT_CHANGES,
      plan.changes.map((value) => ({ value })),
    );
    await this.contactsRepository.apply(plan);
    const now = Date.now();
    await this.pending.park(
      plan.pending.map(({ record, appId, email, change }) => ({
        appId,
        portalId: record.value.portalId,
        email,
        reason: 'no-identity',
        origin: record,
        output: { topic: 'hubspot.contact-changes.v1', value: change },
        consumerGroup: this.options.groupId,
        enqueuedAt: now,
      })),
    );
    await this.releaseMapped(plan.pending);
    await this.sourcePause.park(
      gate.park.map(({ record, appId }) => ({
        appId,
        portalId: record.value.portalId,
        reason: 'source-paused' as const,
        origin: record,
        outputTopic: 'hubspot.contact-changes.v1' as const,
        consumerGroup: this.options.groupId,
        enqueuedAt: now,
      })),
    );
    if (gate.disconnected.length > 0)
      this.metrics.webhookSkipped.inc({ reason: 'disconnected' }, gate.disconnected.length);
    for (const c of plan.changes) this.metrics.contactChanges.inc({ change: c.change });
    for (const { record, reason } of plan.skipped) {
      this.metrics.webhookSkipped.inc({ reason });
      this.logger.debug(
        `skipped ${record.topic}[${record.partition}]@${record.offset} (${record.value.subscriptionType} ${record.value.objectId}): ${reason}`,
      );
    }
    return { deadLetters: plan.deadLetters };
  }

  /** Every contact the batch names (object, merge survivor, merged ids). */
  private contactKeys(records: WebhookRecord[]): Array<{ portalId: number; contactId: string }> {
    const keys = new Map<string, { portalId: number; contactId: string }>();
    for (const { value: e } of records) {
      if (!e.subscriptionType.startsWith('contact.')) continue;
      const ids = [e.objectId, e.primaryObjectId, e.newObjectId, ...e.mergedObjectIds];
      for (const id of ids)
        if (id) keys.set(contactKey(e.portalId, id), { portalId: e.portalId, contactId: id });
    }
    return [...keys.values()];
  }

  /** `(app_id, email)` pairs the plan may need identities for (custom email property tenants only). */
  private customEmails(
    records: WebhookRecord[],
    tenants: TenantDirectory,
    contacts: ReadonlyMap<string, ContactState>,
    fetched: ReadonlyMap<string, string | null>,
  ): Array<{ appId: string; email: string }> {
    const pairs: Array<{ appId: string; email: string }> = [];
    const add = (appId: string, raw: string | null | undefined) => {
      const email = normaliseEmail(raw);
      if (email) pairs.push({ appId, email });
    };
    for (const { value: e } of records) {
      const tenant = resolveTenant(tenants, e.portalId);
      if (!tenant || emailIsIdentity(tenant)) continue;
      if (e.propertyName === 'email') add(tenant.heapAppId, e.propertyValue);
    }
    for (const c of contacts.values()) {
      const tenant = resolveTenant(tenants, c.portalId);
      if (tenant && !emailIsIdentity(tenant)) add(tenant.heapAppId, c.email);
    }
    for (const [key, email] of fetched) {
      const tenant = resolveTenant(tenants, Number(key.split(':')[0]));
      if (tenant && !emailIsIdentity(tenant)) add(tenant.heapAppId, email);
    }
    return pairs;
  }

  /**
   * Releases parked emails whose identity exists now: one that arrived between the identity read and
   * the park would otherwise wait for the next feed record (the feed consumer released before our rows
   * were committed).
   */
  private async releaseMapped(parked: ReadonlyArray<{ appId: string; email: string }>): Promise<void> {
    if (parked.length === 0) return;
    const mapped = await this.identities.identities(parked);
    await this.pending.release(parked.filter((p) => mapped.has(identityKey(p.appId, p.email))));
  }
}
