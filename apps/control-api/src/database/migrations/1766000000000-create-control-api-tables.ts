import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates control-api's tables in the DataSource's schema (`control_api`). Never edit once released:
 * add a new migration instead. A portal and an app_id are paired once among active tenants.
 */
export class CreateControlApiTables1766000000000 implements MigrationInterface {
  name = 'CreateControlApiTables1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`CREATE TABLE "${s}"."tenant" (
      "id" uuid PRIMARY KEY, "name" text NOT NULL, "portal_id" bigint NOT NULL, "heap_app_id" text NOT NULL,
      "state" text NOT NULL DEFAULT 'active' CHECK ("state" IN ('active', 'disconnected')),
      "created_at" timestamptz NOT NULL DEFAULT now(), "disconnected_at" timestamptz NULL,
      "hubspot_method" text NULL CHECK ("hubspot_method" IN ('oauth', 'private-app')),
      "hubspot_expires_at" timestamptz NULL, "hubspot_scopes" text[] NOT NULL DEFAULT '{}',
      "source_enabled" boolean NOT NULL DEFAULT true, "email_property" text NULL,
      "heap_match_property" text NOT NULL DEFAULT 'email', "hubspot_match_property" text NOT NULL DEFAULT 'email',
      "settings_version" bigint NOT NULL DEFAULT 1, "settings_updated_at" timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tenant_active_portal_uq" ON "${s}"."tenant" ("portal_id") WHERE "state" = 'active'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tenant_active_app_uq" ON "${s}"."tenant" ("heap_app_id") WHERE "state" = 'active'`,
    );
    await queryRunner.query(`CREATE TABLE "${s}"."tenant_segment" (
      "tenant_id" uuid NOT NULL REFERENCES "${s}"."tenant" ("id") ON DELETE CASCADE, "segment_id" text NOT NULL,
      "name" text NULL, "mode" text NOT NULL CHECK ("mode" IN ('off', 'one-time', 'recurring')),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "tenant_segment_pk" PRIMARY KEY ("tenant_id", "segment_id"))`);
    await queryRunner.query(`CREATE TABLE "${s}"."secret" (
      "tenant_id" uuid NOT NULL REFERENCES "${s}"."tenant" ("id") ON DELETE CASCADE, "kind" text NOT NULL,
      "key_id" text NOT NULL, "iv" bytea NOT NULL, "tag" bytea NOT NULL, "ciphertext" bytea NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(), CONSTRAINT "secret_pk" PRIMARY KEY ("tenant_id", "kind"))`);
    await queryRunner.query(`CREATE TABLE "${s}"."api_key" (
      "id" uuid PRIMARY KEY, "key_hash" text NOT NULL UNIQUE,
      "role" text NOT NULL CHECK ("role" IN ('admin', 'read-only')), "tenants" text[] NOT NULL,
      "label" text NULL, "created_at" timestamptz NOT NULL DEFAULT now(), "revoked_at" timestamptz NULL)`);
    await queryRunner.query(`CREATE TABLE "${s}"."oauth_state" (
      "state_hash" text PRIMARY KEY, "tenant_id" uuid NOT NULL REFERENCES "${s}"."tenant" ("id") ON DELETE CASCADE,
      "expires_at" timestamptz NOT NULL, "created_at" timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(`CREATE TABLE "${s}"."source_status" (
      "portal_id" bigint NOT NULL, "heap_app_id" text NOT NULL, "first_event_at" timestamptz NOT NULL,
      "last_event_at" timestamptz NOT NULL, "events_written" bigint NOT NULL,
      CONSTRAINT "source_status_pk" PRIMARY KEY ("portal_id", "heap_app_id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['source_status', 'oauth_state', 'api_key', 'secret', 'tenant_segment', 'tenant']) {
      await queryRunner.query(`DROP TABLE "${s}"."${table}"`);
    }
  }
}

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
