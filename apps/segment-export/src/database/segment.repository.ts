import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, LessThanOrEqual, Not } from 'typeorm';
import { decideSyncMode, nextSyncAfterRun, type SyncMode } from '../sync/sync-mode.rules';
import { SegmentEntity } from './segment.entity';
import { tableOf } from './table-of';

/** A segment's key. */
export interface SegmentKey {
  portalId: number;
  segmentId: string;
}

/** Result of a mode change: the updated segment, or the 409 reason. */
export type ModeChange = { ok: true; segment: SegmentEntity } | { ok: false; error: string };

/** Segments, their lists and schedules, in schema `segment_export`. */
@Injectable()
export class SegmentRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  find(key: SegmentKey): Promise<SegmentEntity | null> {
    return this.db.getRepository(SegmentEntity).findOneBy(key);
  }

  /**
   * Sets the sync mode by sync-mode.rules.ts. The portal's mode changes are serialised by a transaction
   * advisory lock, so two concurrent requests cannot both take the 30th recurring slot. Creates the
   * segment row if Heap has not sent a page yet. `now` in ms epoch.
   */
  async setMode(key: SegmentKey, mode: SyncMode, now: number): Promise<ModeChange> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `segment-export.modes:${key.portalId}`,
      ]);
      await m.query(
        `INSERT INTO ${tableOf(m, SegmentEntity)} ("portal_id", "segment_id") VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [key.portalId, key.segmentId],
      );
      const repo = m.getRepository(SegmentEntity);
      const segment = await repo.findOneByOrFail(key);
      const otherRecurring = await repo.countBy({
        portalId: key.portalId,
        segmentId: Not(key.segmentId),
        syncMode: 'recurring',
      });
      const current = {
        mode: segment.syncMode,
        nextSyncAt: segment.nextSyncAt?.getTime() ?? null,
        recurringSince: segment.recurringSince?.getTime() ?? null,
      };
      const decision = decideSyncMode(current, mode, otherRecurring, now);
      if (!decision.ok) return decision;
      const { schedule } = decision;
      await repo.update(key, {
        syncMode: schedule.mode,
        nextSyncAt: dateOrNull(schedule.nextSyncAt),
        recurringSince: dateOrNull(schedule.recurringSince),
      });
      return { ok: true, segment: await repo.findOneByOrFail(key) };
    });
  }

  /** Remembers the segment's HubSpot list. */
  async setList(key: SegmentKey, listId: string): Promise<void> {
    await this.db.getRepository(SegmentEntity).update(key, { listId });
  }

  /**
   * Records a finished run: `last_sync_at` on success, and the next due time by `nextSyncAfterRun`
   * for the segment's current mode. Times in ms epoch.
   */
  async recordRun(
    key: SegmentKey,
    status: 'completed' | 'failed',
    finishedAt: number,
    timing: { intervalMs: number; retryAfterMs: number },
  ): Promise<void> {
    const repo = this.db.getRepository(SegmentEntity);
    const segment = await repo.findOneBy(key);
    if (!segment) return;
    const next = nextSyncAfterRun(
      segment.syncMode,
      status,
      finishedAt,
      timing.intervalMs,
      timing.retryAfterMs,
    );
    await repo.update(key, {
      nextSyncAt: dateOrNull(next),
      ...(status === 'completed' ? { lastSyncAt: new Date(finishedAt) } : {}),
    });
  }

  /** Segments whose next sync is due at `now` (ms epoch), oldest first. */
  due(now: number, limit = 100): Promise<SegmentEntity[]> {
    return this.db.getRepository(SegmentEntity).find({
      where: { syncMode: In(['recurring', 'one_time']), nextSyncAt: LessThanOrEqual(new Date(now)) },
      order: { nextSyncAt: 'ASC' },
      take: limit,
    });
  }
}

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
