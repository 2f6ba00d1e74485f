import { MigrationInterface, QueryRunner } from 'typeorm';

export class TimetableOnTheWeb1796019851929 implements MigrationInterface {
  name = 'TimetableOnTheWeb1796019851929';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "absence_requests" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "enrolment_id" uuid NOT NULL,
                "reason" character varying(1000) NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "decision_comment" character varying(1000),
                "decided_by_id" uuid,
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_absence_requests_status" CHECK (status IN ('pending', 'approved', 'declined')),
                CONSTRAINT "pk_absence_requests" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_absence_requests_enrolment" ON "absence_requests" ("enrolment_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "absence_request_sessions" (
                "request_id" uuid NOT NULL,
                "session_id" uuid NOT NULL,
                CONSTRAINT "pk_absence_request_sessions" PRIMARY KEY ("request_id", "session_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_absence_request_sessions_session" ON "absence_request_sessions" ("session_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "calendar_feeds" (
                "user_id" uuid NOT NULL,
                "token_hash" character varying(64) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_calendar_feeds" PRIMARY KEY ("user_id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_calendar_feeds_token_hash" ON "calendar_feeds" ("token_hash")
        `);
    await queryRunner.query(`
            ALTER TABLE "cohorts"
            ADD "status_set_by_hand" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD "cancelled_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD "cancel_reason" character varying(500)
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD "sequence" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records"
            ADD "checked_in_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_requests"
            ADD CONSTRAINT "fk_absence_requests_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_requests"
            ADD CONSTRAINT "fk_absence_requests_decided_by" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_request_sessions"
            ADD CONSTRAINT "fk_absence_request_sessions_request" FOREIGN KEY ("request_id") REFERENCES "absence_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_request_sessions"
            ADD CONSTRAINT "fk_absence_request_sessions_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "calendar_feeds"
            ADD CONSTRAINT "fk_calendar_feeds_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "calendar_feeds" DROP CONSTRAINT "fk_calendar_feeds_user"
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_request_sessions" DROP CONSTRAINT "fk_absence_request_sessions_session"
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_request_sessions" DROP CONSTRAINT "fk_absence_request_sessions_request"
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_requests" DROP CONSTRAINT "fk_absence_requests_decided_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "absence_requests" DROP CONSTRAINT "fk_absence_requests_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records" DROP COLUMN "checked_in_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP COLUMN "sequence"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP COLUMN "cancel_reason"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP COLUMN "cancelled_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "cohorts" DROP COLUMN "status_set_by_hand"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_calendar_feeds_token_hash"
        `);
    await queryRunner.query(`
            DROP TABLE "calendar_feeds"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_absence_request_sessions_session"
        `);
    await queryRunner.query(`
            DROP TABLE "absence_request_sessions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_absence_requests_enrolment"
        `);
    await queryRunner.query(`
            DROP TABLE "absence_requests"
        `);
  }
}
