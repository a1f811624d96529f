import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates the poller's tables in the DataSource's schema (`webhook_intake` in production; tests use a
 * throw-away schema to check `down`). Never edit once released: add a new migration instead.
 */
export class CreateEmailPollTables1764403200000 implements MigrationInterface {
  name = 'CreateEmailPollTables1764403200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."email_poll_cursor" (
        "portal_id" bigint PRIMARY KEY,
        "watermark" bigint NULL,
        "start_floor" bigint NOT NULL,
        "polled_until" bigint NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE "${schema}"."seen_email_event" (
        "portal_id" bigint NOT NULL,
        "event_id" text NOT NULL,
        "created" bigint NOT NULL,
        CONSTRAINT "seen_email_event_pk" PRIMARY KEY ("portal_id", "event_id", "created")
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "seen_email_event_portal_created_idx" ON "${schema}"."seen_email_event" ("portal_id", "created")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE "${schema}"."seen_email_event"`);
    await queryRunner.query(`DROP TABLE "${schema}"."email_poll_cursor"`);
  }
}

const schemaOf = (queryRunner: QueryRunner): string => {
  const schema = (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
  return schema.replace(/"/g, '');
};
