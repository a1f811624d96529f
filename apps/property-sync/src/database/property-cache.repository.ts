import { Inject, Injectable } from '@nestjs/common';
import type { ContactPropertyDefinition } from '@hubheap/hubspot';
import { DataSource } from 'typeorm';
import { tableOf } from './property-sync-database';

/** A portal's cached property definitions and when they were read from HubSpot. */
export interface CachedDefinitions {
  definitions: ContactPropertyDefinition[];
  /** ms since the Unix epoch. */
  refreshedAt: number;
}

/** `contact_property_cache`: one row per portal, shared by every replica. */
@Injectable()
export class PropertyCacheRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The cached definitions of `portalId`, or undefined when never read. */
  async get(portalId: number): Promise<CachedDefinitions | undefined> {
    const rows = (await this.db.query(
      `SELECT "definitions", "refreshed_at" FROM ${tableOf(this.db, 'contact_property_cache')} WHERE "portal_id" = $1`,
      [portalId],
    )) as Array<{ definitions: ContactPropertyDefinition[]; refreshed_at: Date }>;
    const row = rows[0];
    return row ? { definitions: row.definitions, refreshedAt: row.refreshed_at.getTime() } : undefined;
  }

  /** Replaces the portal's definitions (upsert). */
  async save(portalId: number, cached: CachedDefinitions): Promise<void> {
    await this.db.query(
      `INSERT INTO ${tableOf(this.db, 'contact_property_cache')} ("portal_id", "definitions", "refreshed_at")
       VALUES ($1, $2::jsonb, $3) ON CONFLICT ("portal_id")
       DO UPDATE SET "definitions" = EXCLUDED."definitions", "refreshed_at" = EXCLUDED."refreshed_at"`,
      [portalId, JSON.stringify(cached.definitions), new Date(cached.refreshedAt)],
    );
  }
}
