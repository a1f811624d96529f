import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates `import_job` in the DataSource's schema (`ops_cli`; tests use a throw-away schema to check
 * `down`). Never edit once released: add a new migration instead.
 */
export class CreateImportJob1765497600000 implements MigrationInterface {
  name = 'CreateImportJob1765497600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."import_job" (
        "id" uuid PRIMARY KEY,
        "portal_id" bigint NOT NULL,
        "from_ms" bigint NOT NULL,
        "to_ms" bigint NOT NULL,
        "window_ms" bigint NOT NULL CHECK ("window_ms" > 0),
        "next_window_start" bigint NOT NULL,
        "fetched" bigint NOT NULL DEFAULT 0,
        "produced" bigint NOT NULL DEFAULT 0,
        "windows_done" integer NOT NULL DEFAULT 0,
        "type_counts" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "status" text NOT NULL CHECK ("status" IN ('running', 'completed', 'failed')),
        "last_error" text NULL,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`,
    );
    await queryRunner.query(
      `CREATE INDEX "import_job_portal_started_idx" ON "${schema}"."import_job" ("portal_id", "started_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."import_job"`);
  }
}

const schemaOf = (queryRunner: QueryRunner): string => {
  const schema = (queryRunner.connection.options as { schema?: string }).schema ?? 'public';
  return schema.replace(/"/g, '');
};
