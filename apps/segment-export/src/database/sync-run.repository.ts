import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MemberOutcome, PlannedOutcome } from '../sync/list-sync.planner';
import type { SegmentKey } from './segment.repository';
import { SyncRunMemberEntity } from './sync-run-member.entity';
import { SyncRunEntity, type SyncTrigger } from './sync-run.entity';

const INSERT_CHUNK = 1_000;

/** How a run ended. */
export interface RunResult {
  status: 'completed' | 'failed';
  listId: string | null;
  counts: Record<MemberOutcome, number> | null;
  error: string | null;
  outcomes: ReadonlyArray<PlannedOutcome>;
}

/** Sync runs and their per-member outcomes, in schema `segment_export`. */
@Injectable()
export class SyncRunRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Opens a run. Call only while holding the segment's sync lock: any run of the segment still
   * `running` then belongs to a process that died, and is closed as `abandoned`.
   */
  async start(key: SegmentKey, trigger: SyncTrigger, now: Date = new Date()): Promise<SyncRunEntity> {
    const repo = this.db.getRepository(SyncRunEntity);
    await repo.update(
      { ...key, status: 'running' },
      { status: 'abandoned', finishedAt: now, error: 'process stopped mid-run' },
    );
    const run = repo.create({
      id: randomUUID(),
      ...key,
      trigger,
      startedAt: now,
      finishedAt: null,
      status: 'running',
      listId: null,
      counts: null,
      error: null,
    });
    return repo.save(run);
  }

  /** Closes a run and stores its outcomes, in one transaction. */
  async finish(runId: string, result: RunResult, finishedAt: Date = new Date()): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = result.outcomes.map((o, seq) => ({ runId, seq, ...o }));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await m.insert(SyncRunMemberEntity, rows.slice(i, i + INSERT_CHUNK));
      }
      await m.update(
        SyncRunEntity,
        { id: runId },
        {
          status: result.status,
          listId: result.listId,
          counts: result.counts,
          error: result.error,
          finishedAt,
        },
      );
    });
  }

  get(runId: string): Promise<SyncRunEntity | null> {
    return this.db.getRepository(SyncRunEntity).findOneBy({ id: runId });
  }

  /** The segment's runs, newest first. */
  forSegment(key: SegmentKey, limit: number, offset: number): Promise<SyncRunEntity[]> {
    return this.db
      .getRepository(SyncRunEntity)
      .find({ where: key, order: { startedAt: 'DESC' }, take: limit, skip: offset });
  }

  /** One page of a run's outcomes in report order, optionally of one outcome; and the total. */
  async members(
    runId: string,
    page: { limit: number; offset: number; outcome?: MemberOutcome },
  ): Promise<{ total: number; members: SyncRunMemberEntity[] }> {
    const where = { runId, ...(page.outcome ? { outcome: page.outcome } : {}) };
    const [members, total] = await this.db
      .getRepository(SyncRunMemberEntity)
      .findAndCount({ where, order: { seq: 'ASC' }, take: page.limit, skip: page.offset });
    return { total, members };
  }
}
