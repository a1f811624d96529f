import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates property-sync's tables in the DataSource's schema (`property_sync`; tests use a throw-away
 * schema to check `down`). Never edit once released: add a new migration instead.
 */
export class CreatePropertySyncTables1766000000000 implements MigrationInterface {
  name = 'CreatePropertySyncTables1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${s}"."contact_property_cache" (
      "portal_id" bigint PRIMARY KEY, "definitions" jsonb NOT NULL, "refreshed_at" timestamptz NOT NULL)`);
    await queryRunner.query(`CREATE TABLE "${s}"."heap_user_deletion" (
      "portal_id" bigint NOT NULL, "contact_id" text NOT NULL, "source_event_id" text NOT NULL,
      "app_id" text NOT NULL, "identity" text NOT NULL, "deletion_request_id" text NOT NULL,
      "status" text NOT NULL, "requested_at" timestamptz NOT NULL, "checked_at" timestamptz NULL,
      CONSTRAINT "heap_user_deletion_pk" PRIMARY KEY ("portal_id", "contact_id", "source_event_id"))`);
    await queryRunner.query(
      `CREATE INDEX "heap_user_deletion_pending_idx" ON "${s}"."heap_user_deletion" ("checked_at") WHERE "status" = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${s}"."heap_user_deletion"`);
    await queryRunner.query(`DROP TABLE "${s}"."contact_property_cache"`);
  }
}

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
