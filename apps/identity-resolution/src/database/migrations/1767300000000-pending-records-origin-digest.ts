import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `pending_records.origin_digest`: an md5 of the origin record's key and value, part of the
 * uniqueness of a parked record, which was `(topic, partition, offset)` alone.
 *
 * Offsets restart at 0 when a topic is re-created, or when the apps move to a new Kafka cluster, while
 * Postgres keeps its rows. A new record landing on the coordinates of an old row that still waited
 * was silently not stored (the insert hit the old row's unique key), and so never reached Heap, even
 * though its offset was committed. Now a record is the same record only when its coordinates *and*
 * its content match: a redelivery is still ignored, and a different record at old coordinates is
 * parked beside the old one. The digest is computed in SQL from the stored `key` and the `value` as
 * jsonb text, so rows written before this migration get the same digest a redelivery would.
 *
 * `down` restores the old constraint, and fails (changing nothing) if two rows share coordinates.
 */
export class PendingRecordsOriginDigest1767300000000 implements MigrationInterface {
  name = 'PendingRecordsOriginDigest1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(queryRunner)}"."pending_records"`;
    await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN "origin_digest" text NULL`);
    await queryRunner.query(`UPDATE ${table} SET "origin_digest" = ${ORIGIN_DIGEST_SQL('"key"', '"value"')}`);
    await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN "origin_digest" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE ${table} DROP CONSTRAINT "pending_records_origin_uq"`);
    await queryRunner.query(
      `ALTER TABLE ${table} ADD CONSTRAINT "pending_records_origin_uq"
       UNIQUE ("topic", "partition", "offset", "origin_digest")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(queryRunner)}"."pending_records"`;
    await queryRunner.query(`ALTER TABLE ${table} DROP CONSTRAINT "pending_records_origin_uq"`);
    await queryRunner.query(
      `ALTER TABLE ${table} ADD CONSTRAINT "pending_records_origin_uq" UNIQUE ("topic", "partition", "offset")`,
    );
    await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN "origin_digest"`);
  }
}

/**
 * SQL expression of a parked record's `origin_digest`: md5 over its key (`''` when null) and its value
 * as jsonb text (canonical, so the same record always gets the same digest). `key` and `value` are
 * SQL expressions: columns, or parameters such as `$8` and `$9::jsonb`.
 */
export const ORIGIN_DIGEST_SQL = (key: string, value: string): string =>
  `md5(coalesce(${key}, '') || ':' || (${value})::text)`;

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
