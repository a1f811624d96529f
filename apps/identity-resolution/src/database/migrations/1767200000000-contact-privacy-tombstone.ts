import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `hubspot_contacts.privacy_deleted_at`: a contact removed by `contact.privacyDeletion` keeps a row
 * with no email and no identity, only this time (ms since the Unix epoch), so that a late or retried
 * webhook of that contact (HubSpot retries deliveries for days) cannot bring its data back.
 */
export class ContactPrivacyTombstone1767200000000 implements MigrationInterface {
  name = 'ContactPrivacyTombstone1767200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "${schemaOf(queryRunner)}"."hubspot_contacts" ADD COLUMN "privacy_deleted_at" bigint NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "${schemaOf(queryRunner)}"."hubspot_contacts" DROP COLUMN "privacy_deleted_at"`,
    );
  }
}

const schemaOf = (queryRunner: QueryRunner): string =>
  ((queryRunner.connection.options as { schema?: string }).schema ?? 'public').replace(/"/g, '');
