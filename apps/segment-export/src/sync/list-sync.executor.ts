import { Inject, Injectable } from '@nestjs/common';
import { isRetriable, PermanentRecordError } from '@hubheap/kafka';
import { MembershipRepository } from '../database/membership.repository';
import type { SegmentEntity } from '../database/segment.entity';
import { SegmentRepository } from '../database/segment.repository';
import { normaliseMatchValue } from '../membership/match-value';
import { SEGMENT_EXPORT_CONFIG_TOKEN, type SegmentExportConfig } from '../segment-export.config';
import { HubSpotClients } from './hubspot-clients';
import type { HubSpotListsClient } from './hubspot-lists.client';
import { planListSync, type PlannedOutcome } from './list-sync.planner';

/** What one executed sync did. */
export interface ExecutedSync {
  listId: string;
  outcomes: PlannedOutcome[];
}

const MEMBERSHIP_TYPES = new Set(['MANUAL', 'SNAPSHOT']);

/**
 * The list name of a segment: LIST_NAME_TEMPLATE with every `{name}` = segment name or `#<segmentId>`.
 * A replacer function, so `$&`, `$$`… in a segment name stay literal.
 */
export const listNameOf = (template: string, segment: Pick<SegmentEntity, 'name' | 'segmentId'>): string => {
  const name = segment.name ?? `#${segment.segmentId}`;
  return template.replaceAll('{name}', () => name);
};

/**
 * Makes a segment's HubSpot list equal segment ∩ HubSpot contacts (hubspot-api.md §3.2, §4): ensure the
 * MANUAL list, resolve match values to contact ids by HUBSPOT_ID_PROPERTY (never creating contacts),
 * read the current memberships, plan (planListSync) and apply adds/removes in chunks. The diff is always
 * recomputed from HubSpot's memberships, so a run after a crash or a second run is safe.
 * @throws classed HubSpot errors (retriable after the retries) and PermanentRecordError.
 */
@Injectable()
export class ListSyncExecutor {
  constructor(
    @Inject(SEGMENT_EXPORT_CONFIG_TOKEN) private readonly config: SegmentExportConfig,
    private readonly clients: HubSpotClients,
    private readonly membership: MembershipRepository,
    private readonly segments: SegmentRepository,
  ) {}

  async execute(segment: SegmentEntity): Promise<ExecutedSync> {
    const client = await this.clients.forPortal(segment.portalId);
    const listId = await this.ensureList(client, segment);
    const members = await this.membership.presentValues(segment.portalId, segment.segmentId);
    const lookup = members.filter((v) => v !== '');
    const hubspotIdsByValue = await client.contactIdsBy(
      this.config.hubspotIdProperty,
      lookup,
      normaliseMatchValue,
    );
    const currentListMembers = await client.memberIds(listId);
    const plan = planListSync({ members, hubspotIdsByValue, currentListMembers });
    const failed = new Map<string, string>();
    await this.applyChunks(plan.add, failed, (ids) => client.addMembers(listId, ids));
    await this.applyChunks(plan.remove, failed, (ids) => client.removeMembers(listId, ids));
    const outcomes = plan.outcomes.map((o) =>
      o.contactId !== null && failed.has(o.contactId) && (o.outcome === 'added' || o.outcome === 'removed')
        ? { ...o, outcome: 'error' as const, reason: failed.get(o.contactId)! }
        : o,
    );
    return { listId, outcomes };
  }

  /** Reuses the segment's list (renaming it if the segment was renamed), else one with the name, else creates it. */
  private async ensureList(client: HubSpotListsClient, segment: SegmentEntity): Promise<string> {
    const name = listNameOf(this.config.listNameTemplate, segment);
    const known = segment.listId ? await client.getList(segment.listId) : undefined;
    if (known) {
      if (known.name !== name) await client.renameList(known.listId, name);
      return known.listId;
    }
    const byName = await client.findListByName(name);
    if (byName && !MEMBERSHIP_TYPES.has(byName.processingType)) {
      throw new PermanentRecordError(
        `list "${name}" exists as ${byName.processingType}; its members cannot be set by API`,
      );
    }
    const list = byName ?? (await client.createManualList(name));
    await this.segments.setList({ portalId: segment.portalId, segmentId: segment.segmentId }, list.listId);
    return list.listId;
  }

  /** Applies ids in chunks of MEMBERSHIP_CHUNK_SIZE; a permanent failure marks its chunk, a retriable one throws. */
  private async applyChunks(
    ids: string[],
    failed: Map<string, string>,
    apply: (ids: string[]) => Promise<void>,
  ): Promise<void> {
    const size = this.config.membershipChunkSize;
    for (let i = 0; i < ids.length; i += size) {
      const chunk = ids.slice(i, i + size);
      try {
        await apply(chunk);
      } catch (error) {
        if (isRetriable(error)) throw error;
        for (const id of chunk) failed.set(id, error instanceof Error ? error.message : String(error));
      }
    }
  }
}
