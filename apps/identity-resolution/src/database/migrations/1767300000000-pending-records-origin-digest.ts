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
 * parked beside the old one.
 *
 * The digest is a generated column (Postgres computes it from `key` and the jsonb `value`, for rows
 * written before this migration too), so no writer can compute it differently. During a rolling
 * update, a replica still running the previous release fails its `ON CONFLICT (topic, partition,
 * offset)` insert with 42P10; libs/kafka classes that as retriable, so it retries, offsets uncommitted,
 * until it is replaced. Rolling the image back needs this migration's `down` first.
 *
 * `down` restores the old constraint, and fails (changing nothing) if two rows share coordinates.
 */
export class PendingRecordsOriginDigest1767300000000 implements MigrationInterface {
  name = 'PendingRecordsOriginDigest1767300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const table = `"${schemaOf(queryRunner)}"."pending_records"`;
    await queryRunner.query(
      `ALTER TABLE ${table} ADD COLUMN "origin_digest" text
       GENERATED ALWAYS AS (md5(coalesce("key", '') || ':' || "value"::text)) STORED`,
    );
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

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
