import type { SegmentEntity } from '../database/segment.entity';
import type { SyncRunMemberEntity } from '../database/sync-run-member.entity';
import type { SyncRunEntity } from '../database/sync-run.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** JSON of a segment (times ISO-8601). */
export const segmentView = (s: SegmentEntity, presentMembers?: number) => ({
  portalId: s.portalId,
  segmentId: s.segmentId,
  name: s.name,
  syncMode: s.syncMode,
  listId: s.listId,
  lastSyncAt: iso(s.lastSyncAt),
  nextSyncAt: iso(s.nextSyncAt),
  recurringSince: iso(s.recurringSince),
  ...(presentMembers === undefined ? {} : { presentMembers }),
});

/** JSON of a run (times ISO-8601, `durationMs` in ms). */
export const runView = (r: SyncRunEntity) => ({
  runId: r.id,
  portalId: r.portalId,
  segmentId: r.segmentId,
  trigger: r.trigger,
  status: r.status,
  listId: r.listId,
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
  durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
  counts: r.counts,
  error: r.error,
});

export const memberView = (m: SyncRunMemberEntity) => ({
  matchValue: m.matchValue,
  contactId: m.contactId,
  outcome: m.outcome,
  reason: m.reason,
});
