import { Inject, Injectable } from '@nestjs/common';
import type { HeapSegmentDelta } from '@hubheap/schemas';
import { DataSource, In, type EntityManager } from 'typeorm';
import { normaliseMatchValue } from '../membership/match-value';
import { applySegmentDelta, type MemberState } from '../membership/segment-delta.fold';
import { HeapSyncTaskEntity } from './heap-sync-task.entity';
import { SegmentMemberEntity } from './segment-member.entity';
import { SegmentEntity } from './segment.entity';
import { tableOf } from './table-of';

const UPSERT_CHUNK = 1_000;

/** Segment membership as folded from `heap.segment-deltas.v1`, in schema `segment_export`. */
@Injectable()
export class MembershipRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Folds one delta in one transaction (segment-delta.fold.ts): upserts the segment (keeping the newest
   * non-null name), fixes the task's order on first sight, applies the fold and writes the changed rows.
   * The segment row is locked for the transaction, so folds of one segment never interleave.
   * @returns how many member rows changed (0 for a re-delivered page).
   */
  async applyDelta(delta: HeapSegmentDelta): Promise<number> {
    return this.db.transaction(async (m) => {
      const key = { portalId: delta.portalId, segmentId: delta.segmentId };
      const segment = await this.lockSegment(m, key, delta.segmentName ?? null);
      const taskOrder = await this.taskOrder(m, delta);
      const members = await this.readMembers(m, key, delta);
      const result = applySegmentDelta({ drainedAt: segment.drainedAt, members }, delta, taskOrder);
      if (result.drainedAt !== segment.drainedAt)
        await m.update(SegmentEntity, key, { drainedAt: result.drainedAt });
      const rows = result.changed.map((c) => ({ ...key, ...c }));
      for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
        await m.upsert(SegmentMemberEntity, rows.slice(i, i + UPSERT_CHUNK), [
          'portalId',
          'segmentId',
          'matchValue',
        ]);
      }
      return rows.length;
    });
  }

  /** Normalised match values of the segment's present members. */
  async presentValues(portalId: number, segmentId: string): Promise<string[]> {
    const rows = await this.db.getRepository(SegmentMemberEntity).find({
      select: { matchValue: true },
      where: { portalId, segmentId, present: true },
      order: { matchValue: 'ASC' },
    });
    return rows.map((r) => r.matchValue);
  }

  private async lockSegment(
    m: EntityManager,
    key: { portalId: number; segmentId: string },
    name: string | null,
  ): Promise<SegmentEntity> {
    await m.query(
      `INSERT INTO ${tableOf(m, SegmentEntity)} AS s ("portal_id", "segment_id", "name") VALUES ($1, $2, $3)
       ON CONFLICT ("portal_id", "segment_id") DO UPDATE SET "name" = COALESCE(EXCLUDED."name", s."name")`,
      [key.portalId, key.segmentId, name],
    );
    return m
      .getRepository(SegmentEntity)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.portalId = :portalId AND s.segmentId = :segmentId', key)
      .getOneOrFail();
  }

  private async taskOrder(m: EntityManager, delta: HeapSegmentDelta): Promise<number> {
    if (delta.action !== 'sync') return delta.receivedAt;
    const row = { portalId: delta.portalId, segmentId: delta.segmentId, syncTaskId: delta.syncTaskId ?? '' };
    await m
      .createQueryBuilder()
      .insert()
      .into(HeapSyncTaskEntity)
      .values({ ...row, firstReceivedAt: delta.receivedAt })
      .orIgnore()
      .execute();
    return (await m.getRepository(HeapSyncTaskEntity).findOneByOrFail(row)).firstReceivedAt;
  }

  private async readMembers(
    m: EntityManager,
    key: { portalId: number; segmentId: string },
    delta: HeapSegmentDelta,
  ): Promise<MemberState[]> {
    const repo = m.getRepository(SegmentMemberEntity);
    if (delta.action === 'drain') return repo.find({ where: { ...key, present: true } });
    const values = [...new Set([...delta.add, ...delta.remove].map(normaliseMatchValue))];
    if (values.length === 0) return [];
    return repo.find({ where: { ...key, matchValue: In(values) } });
  }
}
