import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates segment-export's tables in the DataSource's schema (`segment_export`; tests use a throw-away
 * schema to check `down`). Never edit once released: add a new migration instead.
 */
export class CreateSegmentExportTables1765500000000 implements MigrationInterface {
  name = 'CreateSegmentExportTables1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${s}"."segment" (
      "portal_id" bigint NOT NULL, "segment_id" text NOT NULL, "name" text NULL,
      "sync_mode" text NOT NULL DEFAULT 'off' CHECK ("sync_mode" IN ('off', 'one_time', 'recurring')),
      "list_id" text NULL, "last_sync_at" timestamptz NULL, "next_sync_at" timestamptz NULL,
      "recurring_since" timestamptz NULL, "drained_at" bigint NULL,
      CONSTRAINT "segment_pk" PRIMARY KEY ("portal_id", "segment_id"))`);
    await queryRunner.query(
      `CREATE INDEX "segment_due_idx" ON "${s}"."segment" ("next_sync_at") WHERE "next_sync_at" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE TABLE "${s}"."segment_member" (
      "portal_id" bigint NOT NULL, "segment_id" text NOT NULL, "match_value" text NOT NULL,
      "present" boolean NOT NULL, "task_order" bigint NOT NULL,
      "last_sync_task_id" text NULL, "last_page" int NULL,
      CONSTRAINT "segment_member_pk" PRIMARY KEY ("portal_id", "segment_id", "match_value"))`);
    await queryRunner.query(`CREATE TABLE "${s}"."heap_sync_task" (
      "portal_id" bigint NOT NULL, "segment_id" text NOT NULL, "sync_task_id" text NOT NULL,
      "first_received_at" bigint NOT NULL,
      CONSTRAINT "heap_sync_task_pk" PRIMARY KEY ("portal_id", "segment_id", "sync_task_id"))`);
    await queryRunner.query(`CREATE TABLE "${s}"."sync_run" (
      "id" uuid PRIMARY KEY, "portal_id" bigint NOT NULL, "segment_id" text NOT NULL,
      "trigger" text NOT NULL, "started_at" timestamptz NOT NULL, "finished_at" timestamptz NULL,
      "status" text NOT NULL, "list_id" text NULL, "counts" jsonb NULL, "error" text NULL)`);
    await queryRunner.query(
      `CREATE INDEX "sync_run_segment_idx" ON "${s}"."sync_run" ("portal_id", "segment_id", "started_at")`,
    );
    await queryRunner.query(`CREATE TABLE "${s}"."sync_run_member" (
      "run_id" uuid NOT NULL REFERENCES "${s}"."sync_run" ("id") ON DELETE CASCADE, "seq" int NOT NULL,
      "match_value" text NULL, "contact_id" text NULL, "outcome" text NOT NULL, "reason" text NULL,
      CONSTRAINT "sync_run_member_pk" PRIMARY KEY ("run_id", "seq"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['sync_run_member', 'sync_run', 'heap_sync_task', 'segment_member', 'segment']) {
      await queryRunner.query(`DROP TABLE "${s}"."${table}"`);
    }
  }
}

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
