import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates identity-resolution's tables in the DataSource's schema (`identity_resolution`): the
 * email → Heap identity map, HubSpot contacts and the records waiting for an identity. Never edit once
 * released: add a new migration instead.
 */
export class CreateIdentityResolutionTables1767000000000 implements MigrationInterface {
  name = 'CreateIdentityResolutionTables1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${s}"."heap_identities" (
      "app_id" text NOT NULL, "email_normalized" text NOT NULL, "identity" text NOT NULL,
      "observed_at" bigint NOT NULL,
      CONSTRAINT "heap_identities_pk" PRIMARY KEY ("app_id", "email_normalized"))`);
    await queryRunner.query(
      `CREATE INDEX "heap_identities_identity_idx" ON "${s}"."heap_identities" ("app_id", "identity")`,
    );
    await queryRunner.query(`CREATE TABLE "${s}"."hubspot_contacts" (
      "portal_id" bigint NOT NULL, "contact_id" text NOT NULL, "app_id" text NOT NULL,
      "email_normalized" text NULL, "identity" text NULL, "deleted_at" bigint NULL, "merged_into" text NULL,
      "updated_at" bigint NOT NULL,
      CONSTRAINT "hubspot_contacts_pk" PRIMARY KEY ("portal_id", "contact_id"))`);
    await queryRunner.query(
      `CREATE INDEX "hubspot_contacts_email_idx" ON "${s}"."hubspot_contacts" ("app_id", "email_normalized")`,
    );
    await queryRunner.query(`CREATE TABLE "${s}"."pending_records" (
      "id" bigserial PRIMARY KEY, "app_id" text NOT NULL, "portal_id" bigint NOT NULL,
      "email_normalized" text NOT NULL, "reason" text NOT NULL,
      "topic" text NOT NULL, "partition" int NOT NULL, "offset" bigint NOT NULL, "key" text NULL,
      "value" jsonb NOT NULL, "headers" jsonb NOT NULL, "output_topic" text NOT NULL, "output" jsonb NOT NULL,
      "consumer_group" text NOT NULL, "enqueued_at" bigint NOT NULL,
      CONSTRAINT "pending_records_origin_uq" UNIQUE ("topic", "partition", "offset"))`);
    await queryRunner.query(
      `CREATE INDEX "pending_records_email_idx" ON "${s}"."pending_records" ("app_id", "email_normalized")`,
    );
    await queryRunner.query(
      `CREATE INDEX "pending_records_enqueued_idx" ON "${s}"."pending_records" ("enqueued_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['pending_records', 'hubspot_contacts', 'heap_identities']) {
      await queryRunner.query(`DROP TABLE "${s}"."${table}"`);
    }
  }
}

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
