import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates `contact_import_job` in the DataSource's schema (`ops_cli`; tests use a throw-away schema to
 * check `down`). Never edit once released: add a new migration instead.
 */
export class CreateContactImportJob1795910400000 implements MigrationInterface {
  name = 'CreateContactImportJob1795910400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."contact_import_job" (
        "id" uuid PRIMARY KEY,
        "portal_id" bigint NOT NULL,
        "since_ms" bigint NULL,
        "after_cursor" text NULL,
        "pages" integer NOT NULL DEFAULT 0,
        "read" bigint NOT NULL DEFAULT 0,
        "emitted" bigint NOT NULL DEFAULT 0,
        "without_email" bigint NOT NULL DEFAULT 0,
        "total" bigint NULL,
        "status" text NOT NULL CHECK ("status" IN ('running', 'completed', 'failed')),
        "last_error" text NULL,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "contact_import_job_portal_started_idx"
         ON "${schema}"."contact_import_job" ("portal_id", "started_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."contact_import_job"`);
  }
}

const schemaOf = (queryRunner: QueryRunner): string => {
  const schema = (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
  return schema.replace(/"/g, '');
};
