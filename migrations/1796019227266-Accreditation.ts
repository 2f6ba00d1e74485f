import { MigrationInterface, QueryRunner } from 'typeorm';

export class Accreditation1796019227266 implements MigrationInterface {
  name = 'Accreditation1796019227266';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "study_log_entries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "enrolment_id" uuid NOT NULL,
                "studied_on" date NOT NULL,
                "minutes" integer NOT NULL,
                "kind" character varying(24) NOT NULL,
                "reflection" character varying(2000),
                "status" character varying(12) NOT NULL DEFAULT 'submitted',
                "review_comment" character varying(1000),
                "reviewed_by_id" uuid,
                "reviewed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_study_log_entries_status" CHECK (status IN ('submitted', 'approved', 'returned')),
                CONSTRAINT "ck_study_log_entries_kind" CHECK (
                    kind IN (
                        'reading',
                        'reflective_writing',
                        'peer_practice',
                        'supervision',
                        'other'
                    )
                ),
                CONSTRAINT "ck_study_log_entries_minutes" CHECK (
                    minutes BETWEEN 1 AND 1440
                ),
                CONSTRAINT "pk_study_log_entries" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_study_log_entries_enrolment" ON "study_log_entries" ("enrolment_id", "studied_on")
        `);
    await queryRunner.query(`
            CREATE TABLE "university_awards" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "enrolment_id" uuid NOT NULL,
                "awarding_body" character varying(200) NOT NULL,
                "title" character varying(300) NOT NULL,
                "level" integer NOT NULL,
                "credits" integer NOT NULL,
                "result" character varying(12) NOT NULL,
                "conferred_on" date,
                "recorded_by_id" uuid,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_university_awards_credits" CHECK (
                    credits BETWEEN 0 AND 360
                ),
                CONSTRAINT "ck_university_awards_level" CHECK (
                    level BETWEEN 1 AND 8
                ),
                CONSTRAINT "ck_university_awards_result" CHECK (
                    result IN (
                        'pass',
                        'merit',
                        'distinction',
                        'fail',
                        'pending'
                    )
                ),
                CONSTRAINT "pk_university_awards" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_university_awards_enrolment" ON "university_awards" ("enrolment_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "certificates"
            ADD "on_paper" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "completion_decisions"
            ADD "imported" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "study_log_entries"
            ADD CONSTRAINT "fk_study_log_entries_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "study_log_entries"
            ADD CONSTRAINT "fk_study_log_entries_reviewed_by" FOREIGN KEY ("reviewed_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "university_awards"
            ADD CONSTRAINT "fk_university_awards_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "university_awards"
            ADD CONSTRAINT "fk_university_awards_recorded_by" FOREIGN KEY ("recorded_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "university_awards" DROP CONSTRAINT "fk_university_awards_recorded_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "university_awards" DROP CONSTRAINT "fk_university_awards_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "study_log_entries" DROP CONSTRAINT "fk_study_log_entries_reviewed_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "study_log_entries" DROP CONSTRAINT "fk_study_log_entries_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "completion_decisions" DROP COLUMN "imported"
        `);
    await queryRunner.query(`
            ALTER TABLE "certificates" DROP COLUMN "on_paper"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_university_awards_enrolment"
        `);
    await queryRunner.query(`
            DROP TABLE "university_awards"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_study_log_entries_enrolment"
        `);
    await queryRunner.query(`
            DROP TABLE "study_log_entries"
        `);
  }
}
