import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The emails sent to one person, newest first: the email log's recipient filter, a student
 * record's emails, the subject-access export and erasure all match lower(recipient). An
 * expression index, so the entity declares it with synchronize: false.
 */
export class NotificationRecipientIndex1796048656239 implements MigrationInterface {
  name = 'NotificationRecipientIndex1796048656239';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_notifications_recipient" ON "notifications" (lower("recipient"), "created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "ix_notifications_recipient"
        `);
  }
}
