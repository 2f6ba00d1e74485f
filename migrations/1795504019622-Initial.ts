import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795504019622 implements MigrationInterface {
  name = 'Initial1795504019622';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "courses" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(32) NOT NULL,
                "title" character varying(300) NOT NULL,
                "provider" character varying(300) NOT NULL,
                "accreditation_body" character varying(200) NOT NULL,
                "accreditation_level" character varying(200) NOT NULL,
                "routes" jsonb NOT NULL DEFAULT '["graduate_certificate", "postgraduate_certificate"]',
                "assessments" jsonb NOT NULL DEFAULT '[]',
                "default_completion_rules" jsonb NOT NULL DEFAULT '[]',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "targets_contact_hours" integer NOT NULL,
                "targets_independent_hours" integer NOT NULL,
                CONSTRAINT "pk_courses" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_courses_code" ON "courses" ("code")
        `);
    await queryRunner.query(`
            CREATE TABLE "cohorts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "course_id" uuid NOT NULL,
                "number" integer NOT NULL,
                "name" character varying(200) NOT NULL,
                "start_date" date NOT NULL,
                "end_date" date NOT NULL,
                "capacity" integer NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'planned',
                "timezone" character varying(64) NOT NULL DEFAULT 'Europe/London',
                "completion_rules" jsonb NOT NULL DEFAULT '[]',
                "warn_after_consecutive_absences" integer NOT NULL DEFAULT '3',
                "reminder_settings" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_cohorts_dates" CHECK (end_date >= start_date),
                CONSTRAINT "ck_cohorts_capacity" CHECK (capacity > 0),
                CONSTRAINT "pk_cohorts" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_cohorts_course_number" ON "cohorts" ("course_id", "number")
        `);
    await queryRunner.query(`
            CREATE TABLE "students" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "given_name" character varying(100) NOT NULL,
                "family_name" character varying(100) NOT NULL,
                "email" character varying(320) NOT NULL,
                "profession" character varying(40) NOT NULL,
                "employer" character varying(200),
                "registration_number" character varying(50),
                "erased_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_students" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_students_email" ON "students" ("email")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_students_family_name" ON "students" ("family_name", "given_name")
        `);
    await queryRunner.query(`
            CREATE TABLE "enrolments" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "student_id" uuid NOT NULL,
                "cohort_id" uuid NOT NULL,
                "course_id" uuid NOT NULL,
                "route" character varying(32) NOT NULL,
                "status" character varying(16) NOT NULL,
                "enrolled_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
                "seated_at" TIMESTAMP WITH TIME ZONE,
                "ended_at" TIMESTAMP WITH TIME ZONE,
                "reason" character varying(1000),
                "transferred_from_id" uuid,
                "transferred_to_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_enrolments_route" CHECK (
                    route IN (
                        'graduate_certificate',
                        'postgraduate_certificate'
                    )
                ),
                CONSTRAINT "ck_enrolments_status" CHECK (
                    status IN (
                        'waitlisted',
                        'enrolled',
                        'deferred',
                        'withdrawn',
                        'transferred',
                        'completed',
                        'not_completed'
                    )
                ),
                CONSTRAINT "pk_enrolments" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrolments_cohort_status" ON "enrolments" ("cohort_id", "status", "queued_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enrolments_active_per_course" ON "enrolments" ("student_id", "course_id")
            WHERE status IN ('waitlisted', 'enrolled', 'deferred')
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enrolments_student_cohort" ON "enrolments" ("student_id", "cohort_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" character varying(320) NOT NULL,
                "password_hash" character varying(255) NOT NULL,
                "role" character varying(16) NOT NULL,
                "display_name" character varying(200),
                "student_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "REL_4bcc4fd204f448ad671c0747ab" UNIQUE ("student_id"),
                CONSTRAINT "ck_users_student_link" CHECK ((role = 'student') = (student_id IS NOT NULL)),
                CONSTRAINT "ck_users_role" CHECK (role IN ('admin', 'tutor', 'student')),
                CONSTRAINT "pk_users" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_users_student_id" ON "users" ("student_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "assessment_results" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "enrolment_id" uuid NOT NULL,
                "assessment_code" character varying(32) NOT NULL,
                "outcome" character varying(8) NOT NULL,
                "mark" numeric(5, 1),
                "attempt" integer NOT NULL DEFAULT '1',
                "note" character varying(1000),
                "recorded_by_id" uuid,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_assessment_results_outcome" CHECK (outcome IN ('pass', 'refer', 'fail')),
                CONSTRAINT "pk_assessment_results" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_assessment_results_enrolment_code" ON "assessment_results" ("enrolment_id", "assessment_code")
        `);
    await queryRunner.query(`
            CREATE TABLE "blocks" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "cohort_id" uuid NOT NULL,
                "title" character varying(200) NOT NULL,
                "start_date" date NOT NULL,
                "end_date" date NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_blocks_dates" CHECK (end_date >= start_date),
                CONSTRAINT "pk_blocks" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_blocks_cohort" ON "blocks" ("cohort_id", "start_date")
        `);
    await queryRunner.query(`
            CREATE TABLE "sessions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "cohort_id" uuid NOT NULL,
                "block_id" uuid,
                "title" character varying(200) NOT NULL,
                "kind" character varying(16) NOT NULL DEFAULT 'teaching',
                "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "contact_minutes" integer NOT NULL,
                "location" character varying(300),
                "mandatory" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_sessions_contact_minutes" CHECK (contact_minutes >= 0),
                CONSTRAINT "ck_sessions_times" CHECK (ends_at > starts_at),
                CONSTRAINT "pk_sessions" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_sessions_starts" ON "sessions" ("starts_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_sessions_block" ON "sessions" ("block_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_sessions_cohort_starts" ON "sessions" ("cohort_id", "starts_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "attendance_records" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "session_id" uuid NOT NULL,
                "enrolment_id" uuid NOT NULL,
                "status" character varying(16) NOT NULL,
                "minutes_attended" integer NOT NULL,
                "note" character varying(1000),
                "marked_by_id" uuid,
                "marked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_attendance_minutes" CHECK (minutes_attended >= 0),
                CONSTRAINT "ck_attendance_status" CHECK (
                    status IN (
                        'present',
                        'late',
                        'left_early',
                        'excused',
                        'absent'
                    )
                ),
                CONSTRAINT "pk_attendance_records" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_attendance_enrolment" ON "attendance_records" ("enrolment_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_attendance_session_enrolment" ON "attendance_records" ("session_id", "enrolment_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "actor_id" uuid,
                "actor_role" character varying(16) NOT NULL,
                "action" character varying(60) NOT NULL,
                "entity_type" character varying(40) NOT NULL,
                "entity_id" uuid NOT NULL,
                "before" jsonb,
                "after" jsonb,
                "request_id" character varying(100),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_audit_events" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_events_created" ON "audit_events" ("created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_events_entity" ON "audit_events" ("entity_type", "entity_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "certificates" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "enrolment_id" uuid NOT NULL,
                "cohort_id" uuid NOT NULL,
                "sequence" integer NOT NULL,
                "serial" character varying(40) NOT NULL,
                "verification_code" character varying(32) NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'issued',
                "holder_name" character varying(250) NOT NULL,
                "course_title" character varying(300) NOT NULL,
                "cohort_name" character varying(200) NOT NULL,
                "route" character varying(32) NOT NULL,
                "contact_hours" numeric(7, 1) NOT NULL,
                "accreditation_line" character varying(400) NOT NULL,
                "completed_on" date,
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "pdf" bytea NOT NULL,
                "sha256" character(64) NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "revoked_reason" character varying(1000),
                "superseded_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_certificates_status" CHECK (status IN ('issued', 'revoked', 'superseded')),
                CONSTRAINT "pk_certificates" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_certificates_enrolment" ON "certificates" ("enrolment_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_certificates_cohort_sequence" ON "certificates" ("cohort_id", "sequence")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_certificates_verification_code" ON "certificates" ("verification_code")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_certificates_serial" ON "certificates" ("serial")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_certificates_one_issued" ON "certificates" ("enrolment_id")
            WHERE status = 'issued'
        `);
    await queryRunner.query(`
            CREATE TABLE "completion_decisions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "enrolment_id" uuid NOT NULL,
                "outcome" character varying(16) NOT NULL,
                "rules" jsonb NOT NULL,
                "facts" jsonb NOT NULL,
                "results" jsonb NOT NULL,
                "override" boolean NOT NULL DEFAULT false,
                "reason" character varying(1000),
                "decided_by_id" uuid,
                "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_completion_decisions_outcome" CHECK (outcome IN ('completed', 'not_completed')),
                CONSTRAINT "pk_completion_decisions" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_completion_decisions_enrolment" ON "completion_decisions" ("enrolment_id", "decided_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "notifications" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "dedupe_key" character varying(300) NOT NULL,
                "kind" character varying(40) NOT NULL,
                "recipient" character varying(320) NOT NULL,
                "subject" character varying(300) NOT NULL,
                "body_text" text NOT NULL,
                "body_html" text,
                "attachments" jsonb NOT NULL DEFAULT '[]',
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                "message_id" character varying(300),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_notifications_status" CHECK (status IN ('pending', 'sent', 'failed')),
                CONSTRAINT "pk_notifications" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_notifications_kind" ON "notifications" ("kind", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_notifications_status" ON "notifications" ("status", "created_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_notifications_dedupe_key" ON "notifications" ("dedupe_key")
        `);
    await queryRunner.query(`
            CREATE TABLE "risk_states" (
                "enrolment_id" uuid NOT NULL,
                "at_risk" boolean NOT NULL DEFAULT false,
                "crossings" integer NOT NULL DEFAULT '0',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_risk_states" PRIMARY KEY ("enrolment_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "system_pings" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "processed_by" character varying(200),
                CONSTRAINT "pk_system_pings" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "cohort_tutors" (
                "user_id" uuid NOT NULL,
                "cohort_id" uuid NOT NULL,
                CONSTRAINT "pk_cohort_tutors" PRIMARY KEY ("user_id", "cohort_id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_abdf9ae1b5deaef79a3bb04e04" ON "cohort_tutors" ("user_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "IDX_de25d8786f6a2fdf6bffd6d297" ON "cohort_tutors" ("cohort_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "cohorts"
            ADD CONSTRAINT "fk_cohorts_course" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "fk_enrolments_student" FOREIGN KEY ("student_id") REFERENCES "students"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "fk_enrolments_cohort" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "fk_enrolments_transferred_from" FOREIGN KEY ("transferred_from_id") REFERENCES "enrolments"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments"
            ADD CONSTRAINT "fk_enrolments_transferred_to" FOREIGN KEY ("transferred_to_id") REFERENCES "enrolments"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "fk_users_student" FOREIGN KEY ("student_id") REFERENCES "students"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assessment_results"
            ADD CONSTRAINT "fk_assessment_results_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "assessment_results"
            ADD CONSTRAINT "fk_assessment_results_recorded_by" FOREIGN KEY ("recorded_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "blocks"
            ADD CONSTRAINT "fk_blocks_cohort" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "fk_sessions_cohort" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions"
            ADD CONSTRAINT "fk_sessions_block" FOREIGN KEY ("block_id") REFERENCES "blocks"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records"
            ADD CONSTRAINT "fk_attendance_session" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records"
            ADD CONSTRAINT "fk_attendance_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records"
            ADD CONSTRAINT "fk_attendance_marked_by" FOREIGN KEY ("marked_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "certificates"
            ADD CONSTRAINT "fk_certificates_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "certificates"
            ADD CONSTRAINT "fk_certificates_superseded_by" FOREIGN KEY ("superseded_by_id") REFERENCES "certificates"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "completion_decisions"
            ADD CONSTRAINT "fk_completion_decisions_enrolment" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "completion_decisions"
            ADD CONSTRAINT "fk_completion_decisions_decided_by" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "cohort_tutors"
            ADD CONSTRAINT "fk_cohort_tutors_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
    await queryRunner.query(`
            ALTER TABLE "cohort_tutors"
            ADD CONSTRAINT "fk_cohort_tutors_cohort" FOREIGN KEY ("cohort_id") REFERENCES "cohorts"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "cohort_tutors" DROP CONSTRAINT "fk_cohort_tutors_cohort"
        `);
    await queryRunner.query(`
            ALTER TABLE "cohort_tutors" DROP CONSTRAINT "fk_cohort_tutors_user"
        `);
    await queryRunner.query(`
            ALTER TABLE "completion_decisions" DROP CONSTRAINT "fk_completion_decisions_decided_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "completion_decisions" DROP CONSTRAINT "fk_completion_decisions_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "certificates" DROP CONSTRAINT "fk_certificates_superseded_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "certificates" DROP CONSTRAINT "fk_certificates_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records" DROP CONSTRAINT "fk_attendance_marked_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records" DROP CONSTRAINT "fk_attendance_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "attendance_records" DROP CONSTRAINT "fk_attendance_session"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "fk_sessions_block"
        `);
    await queryRunner.query(`
            ALTER TABLE "sessions" DROP CONSTRAINT "fk_sessions_cohort"
        `);
    await queryRunner.query(`
            ALTER TABLE "blocks" DROP CONSTRAINT "fk_blocks_cohort"
        `);
    await queryRunner.query(`
            ALTER TABLE "assessment_results" DROP CONSTRAINT "fk_assessment_results_recorded_by"
        `);
    await queryRunner.query(`
            ALTER TABLE "assessment_results" DROP CONSTRAINT "fk_assessment_results_enrolment"
        `);
    await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "fk_users_student"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "fk_enrolments_transferred_to"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "fk_enrolments_transferred_from"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "fk_enrolments_cohort"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrolments" DROP CONSTRAINT "fk_enrolments_student"
        `);
    await queryRunner.query(`
            ALTER TABLE "cohorts" DROP CONSTRAINT "fk_cohorts_course"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_de25d8786f6a2fdf6bffd6d297"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."IDX_abdf9ae1b5deaef79a3bb04e04"
        `);
    await queryRunner.query(`
            DROP TABLE "cohort_tutors"
        `);
    await queryRunner.query(`
            DROP TABLE "system_pings"
        `);
    await queryRunner.query(`
            DROP TABLE "risk_states"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_notifications_dedupe_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_notifications_status"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_notifications_kind"
        `);
    await queryRunner.query(`
            DROP TABLE "notifications"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_completion_decisions_enrolment"
        `);
    await queryRunner.query(`
            DROP TABLE "completion_decisions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_certificates_one_issued"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_certificates_serial"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_certificates_verification_code"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_certificates_cohort_sequence"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_certificates_enrolment"
        `);
    await queryRunner.query(`
            DROP TABLE "certificates"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_entity"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_created"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_attendance_session_enrolment"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_attendance_enrolment"
        `);
    await queryRunner.query(`
            DROP TABLE "attendance_records"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_sessions_cohort_starts"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_sessions_block"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_sessions_starts"
        `);
    await queryRunner.query(`
            DROP TABLE "sessions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_blocks_cohort"
        `);
    await queryRunner.query(`
            DROP TABLE "blocks"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_assessment_results_enrolment_code"
        `);
    await queryRunner.query(`
            DROP TABLE "assessment_results"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_users_student_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_users_email"
        `);
    await queryRunner.query(`
            DROP TABLE "users"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_enrolments_student_cohort"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_enrolments_active_per_course"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrolments_cohort_status"
        `);
    await queryRunner.query(`
            DROP TABLE "enrolments"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_students_family_name"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_students_email"
        `);
    await queryRunner.query(`
            DROP TABLE "students"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_cohorts_course_number"
        `);
    await queryRunner.query(`
            DROP TABLE "cohorts"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_courses_code"
        `);
    await queryRunner.query(`
            DROP TABLE "courses"
        `);
  }
}
