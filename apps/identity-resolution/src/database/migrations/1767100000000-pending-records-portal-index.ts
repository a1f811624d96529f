import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Index of the `source-paused` records per portal (issue #5): every email-events / webhook batch asks
 * whether its portals have records parked, and a release reads them per portal.
 */
export class PendingRecordsPortalIndex1767100000000 implements MigrationInterface {
  name = 'PendingRecordsPortalIndex1767100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE INDEX "pending_records_paused_idx" ON "${s}"."pending_records" ("portal_id", "topic", "partition", "offset")
       WHERE "reason" = 'source-paused'`,
    );
    await queryRunner.query(
      `CREATE INDEX "pending_records_portal_idx" ON "${s}"."pending_records" ("portal_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`DROP INDEX "${s}"."pending_records_portal_idx"`);
    await queryRunner.query(`DROP INDEX "${s}"."pending_records_paused_idx"`);
  }
}

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
