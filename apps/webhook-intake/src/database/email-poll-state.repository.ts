import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { eventKey, type PollCursor, type PollWindow } from '../poller/email-poll.planner';
import { EmailPollCursorEntity } from './email-poll-cursor.entity';
import { SeenEmailEventEntity } from './seen-email-event.entity';

/** What one committed window changes (ms epoch). */
export interface WindowCommit {
  /** EventIds just produced to Kafka. */
  produced: ReadonlyArray<{ id: string; created: number }>;
  /** New watermark; the stored one never moves back. */
  watermark: number | null;
  /** Seen rows with `created` below this are deleted; `null` keeps all. */
  pruneBefore: number | null;
  /** End of the committed window. */
  polledUntil: number;
}

const INSERT_CHUNK = 5_000;

/** Poll cursors and seen EventIds of the Email Events poller, in schema `webhook_intake`. */
@Injectable()
export class EmailPollStateRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The portal's cursor; creates it (watermark null, floor `initialStart` ms) on first use. */
  async loadCursor(portalId: number, initialStart: number): Promise<PollCursor> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(EmailPollCursorEntity)
      .values({ portalId, watermark: null, startFloor: initialStart, polledUntil: null })
      .orIgnore()
      .execute();
    const row = await this.db.getRepository(EmailPollCursorEntity).findOneByOrFail({ portalId });
    return { portalId, watermark: row.watermark, startFloor: row.startFloor };
  }

  /** Keys ({@link eventKey}) of the events already produced whose `created` lies in `window`. */
  async seenKeys(portalId: number, window: PollWindow): Promise<Set<string>> {
    const rows = await this.db
      .getRepository(SeenEmailEventEntity)
      .createQueryBuilder('s')
      .select(['s.eventId', 's.created'])
      .where('s.portalId = :portalId', { portalId })
      .andWhere('s.created BETWEEN :from AND :to', { from: window.startTimestamp, to: window.endTimestamp })
      .getMany();
    return new Set(rows.map((r) => eventKey(r.eventId, r.created)));
  }

  /**
   * In one transaction: records the produced EventIds, advances the watermark (never backwards) and
   * prunes seen rows no window can reach any more. Call only after Kafka acked the events.
   */
  async commitWindow(portalId: number, commit: WindowCommit): Promise<void> {
    await this.db.transaction(async (manager) => {
      await this.insertSeen(manager, portalId, commit.produced);
      await manager
        .createQueryBuilder()
        .update(EmailPollCursorEntity)
        .set({
          watermark: () => 'GREATEST(COALESCE("watermark", :watermark), :watermark)',
          polledUntil: () => 'GREATEST(COALESCE("polled_until", :polledUntil), :polledUntil)',
        })
        .where('"portal_id" = :portalId')
        .setParameters({ portalId, watermark: commit.watermark, polledUntil: commit.polledUntil })
        .execute();
      if (commit.pruneBefore !== null) {
        await manager
          .createQueryBuilder()
          .delete()
          .from(SeenEmailEventEntity)
          .where('"portal_id" = :portalId AND "created" < :before', { portalId, before: commit.pruneBefore })
          .execute();
      }
    });
  }

  private async insertSeen(
    manager: EntityManager,
    portalId: number,
    produced: WindowCommit['produced'],
  ): Promise<void> {
    for (let i = 0; i < produced.length; i += INSERT_CHUNK) {
      const values = produced
        .slice(i, i + INSERT_CHUNK)
        .map((e) => ({ portalId, eventId: e.id, created: e.created }));
      await manager
        .createQueryBuilder()
        .insert()
        .into(SeenEmailEventEntity)
        .values(values)
        .orIgnore()
        .execute();
    }
  }
}
