import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StatusDelta } from '../status/status.fold';
import type { SourceStatusRow } from '../tenants/tenant.model';
import { rowsOf, tableOf } from './sql';

/** Source totals per (portalId, app_id) from `integration.status.v1` (table `source_status`). */
@Injectable()
export class SourceStatusRepository {
  private readonly table: string;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.table = tableOf(db, 'source_status');
  }

  /** Adds folded deltas: counts summed, earliest first and latest last event kept. */
  async apply(deltas: ReadonlyArray<StatusDelta>): Promise<void> {
    for (const d of deltas) {
      await this.db.query(
        `INSERT INTO ${this.table} ("portal_id", "heap_app_id", "first_event_at", "last_event_at", "events_written")
         VALUES ($1, $2, to_timestamp($3::double precision / 1000), to_timestamp($4::double precision / 1000), $5)
         ON CONFLICT ("portal_id", "heap_app_id") DO UPDATE SET
           "first_event_at" = LEAST(${this.table}."first_event_at", EXCLUDED."first_event_at"),
           "last_event_at" = GREATEST(${this.table}."last_event_at", EXCLUDED."last_event_at"),
           "events_written" = ${this.table}."events_written" + EXCLUDED."events_written"`,
        [d.portalId, d.appId, d.firstWrittenAt, d.lastWrittenAt, d.eventsWritten],
      );
    }
  }

  /** Totals of one pairing, or null before its first report. */
  async get(portalId: number, appId: string): Promise<SourceStatusRow | null> {
    const [row] = await rowsOf<{ first_event_at: Date; last_event_at: Date; events_written: string }>(
      this.db,
      `SELECT * FROM ${this.table} WHERE "portal_id" = $1 AND "heap_app_id" = $2`,
      [portalId, appId],
    );
    return row
      ? {
          firstEventAt: row.first_event_at,
          lastEventAt: row.last_event_at,
          eventsWritten: Number(row.events_written),
        }
      : null;
  }
}
