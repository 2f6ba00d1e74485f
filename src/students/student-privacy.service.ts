import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { NotFoundError } from '../common/errors';
import { QUEUES } from '../infrastructure/queues/queue-names';
import { REDACTED, redactPersonalData, redactText } from './personal-data-redaction';
import { ERASED_DOMAIN } from './student-csv';

type Row = Record<string, unknown>;

/** Everything held about one student (a subject access request), as JSON. */
export interface StudentExport {
  exportedAt: Date;
  student: Row;
  user: Row | null;
  enrolments: Row[];
  attendanceRecords: Row[];
  assessmentResults: Row[];
  completionDecisions: Row[];
  /** Metadata only: the PDF bytes are not part of the export. */
  certificates: Row[];
  riskStates: Row[];
  studyLog: Row[];
  universityAwards: Row[];
  notifications: Row[];
  auditEvents: Row[];
}

/** The placeholder email of an erased student: unique, and undeliverable by design (RFC 2606). */
export const erasedEmail = (studentId: string) => `erased-${studentId}@${ERASED_DOMAIN}`;
/** The certificate register's pseudonymous holder name for an erased student. */
export const erasedHolderName = (studentId: string) => `Erased student ${studentId.slice(0, 8)}`;

/**
 * Data protection: subject access export and erasure on request. Both run in one transaction
 * and are audited (entityType 'student').
 *
 * Erasure removes what identifies the person (name, email, employer, registration, login, the
 * emails sent to them, personal values in audit snapshots, the name in certificate PDFs) and keeps
 * what accreditation needs in pseudonymous form: enrolments, attendance, assessments, completion
 * decisions, and the certificate register (serial, course, cohort, dates, hours, status, hash).
 */
@Injectable()
export class StudentPrivacyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @InjectQueue(QUEUES.certificates) private readonly certificates: Queue,
  ) {}

  async export(actor: Actor, studentId: string): Promise<StudentExport> {
    // REPEATABLE READ: every section comes from the same snapshot of the database.
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const data = await this.collect(em, studentId);
      await this.audit.record(em, actor, {
        action: 'student.export',
        entityType: 'student',
        entityId: studentId,
        after: {
          sections: Object.fromEntries(
            Object.entries(data)
              .filter(([, v]) => Array.isArray(v))
              .map(([k, v]) => [k, (v as Row[]).length]),
          ),
        },
      });
      return data;
    });
  }

  /** Idempotent: erasing an erased student again changes nothing but is still audited. */
  async erase(actor: Actor, studentId: string): Promise<void> {
    const recordIds = await this.dataSource.transaction(async (em) => {
      const students: Array<{
        email: string;
        given_name: string;
        family_name: string;
        employer: string | null;
        registration_number: string | null;
        erased_at: Date | null;
      }> = await em.query(
        `SELECT email, given_name, family_name, employer, registration_number, erased_at
           FROM students WHERE id = $1 FOR UPDATE`,
        [studentId],
      );
      const student = students[0];
      if (!student) throw new NotFoundError('Student', studentId);
      const users: Array<{ id: string; email: string }> = await em.query(
        'SELECT id, email FROM users WHERE student_id = $1',
        [studentId],
      );
      const ids = await this.relatedIds(em, studentId);
      const placeholder = erasedEmail(studentId);
      const pseudonym = erasedHolderName(studentId);
      const emails = [...new Set([student.email, ...users.map((u) => u.email)])].filter(
        (e) => e !== placeholder,
      );
      // Free text written about them is personal too, wherever it was copied (audit, emails).
      const freeText: Array<{ text: string }> = await em.query(
        `SELECT note AS text FROM attendance_records WHERE enrolment_id = ANY($1::uuid[]) AND note IS NOT NULL
         UNION SELECT note FROM assessment_results WHERE enrolment_id = ANY($1::uuid[]) AND note IS NOT NULL
         UNION SELECT reason FROM enrolments WHERE id = ANY($1::uuid[]) AND reason IS NOT NULL
         UNION SELECT reason FROM completion_decisions WHERE enrolment_id = ANY($1::uuid[]) AND reason IS NOT NULL
         UNION SELECT revoked_reason FROM certificates WHERE enrolment_id = ANY($1::uuid[]) AND revoked_reason IS NOT NULL
         UNION SELECT reason FROM certificate_reissues WHERE enrolment_id = ANY($1::uuid[])`,
        [ids.enrolments],
      );
      const personal = [
        ...emails,
        ...freeText.map((f) => f.text).filter((text) => text !== REDACTED),
        ...(student.erased_at
          ? []
          : [
              `${student.given_name} ${student.family_name}`,
              student.given_name,
              student.family_name,
              student.registration_number ?? '',
              student.employer ?? '',
            ]),
      ];

      const [, notifications]: [unknown, number] = await em.query(
        `UPDATE notifications n
            SET recipient = CASE WHEN lower(n.recipient) = ANY($1::text[]) THEN $2 ELSE n.recipient END,
                body_text = '[erased]', body_html = NULL, attachments = '[]',
                status = CASE WHEN n.status = 'pending' THEN 'failed' ELSE n.status END,
                last_error = CASE WHEN n.status = 'pending' THEN 'Recipient erased on request'
                                  ELSE n.last_error END,
                updated_at = now()
          WHERE lower(n.recipient) = ANY($1::text[])
             OR n.dedupe_key LIKE ANY($3::text[])`,
        [emails, placeholder, ids.all.map((id) => `%${id}%`)],
      );
      await this.replaceInDedupeKeys(em, emails, placeholder);
      await this.redactNotificationSubjects(em, ids.all, personal);
      await this.redactFreeText(em, ids.enrolments);

      await em.query(
        `UPDATE students
            SET given_name = 'Erased', family_name = 'Student', email = $2, employer = NULL,
                registration_number = NULL, erased_at = COALESCE(erased_at, now()),
                updated_at = now()
          WHERE id = $1`,
        [studentId, placeholder],
      );
      // The register keeps serial, course, cohort, dates, hours, status and the SHA-256 of the
      // PDF as issued (a holder's own copy still verifies); the stored PDF carries the name, so
      // its bytes go.
      const [, certificates]: [unknown, number] = await em.query(
        `UPDATE certificates SET holder_name = $2, pdf = ''::bytea
          WHERE enrolment_id = ANY($1::uuid[])`,
        [ids.enrolments, pseudonym],
      );
      // The study log keeps its dates, minutes, kinds and review status for accreditation; the
      // reflections and tutors' comments are the student's (and about the student) in free text.
      await em.query(
        `UPDATE study_log_entries SET reflection = NULL, review_comment = NULL
          WHERE enrolment_id = ANY($1::uuid[])
            AND (reflection IS NOT NULL OR review_comment IS NOT NULL)`,
        [ids.enrolments],
      );
      const [, logins]: [unknown, number] = await em.query(
        'DELETE FROM users WHERE student_id = $1',
        [studentId],
      );
      const auditEvents = await this.redactAudit(em, ids.all, personal);

      await this.audit.record(em, actor, {
        action: 'student.erase',
        entityType: 'student',
        entityId: studentId,
        before: { erasedAt: student.erased_at },
        after: {
          erasedAt: student.erased_at ?? new Date(),
          loginsDeleted: logins,
          certificatesPseudonymised: certificates,
          notificationsRedacted: notifications,
          auditEventsRedacted: auditEvents,
        },
      });
      return ids.all;
    });
    await this.redactQueuedJobs(recordIds);
  }

  /**
   * A reissue job carries the admin's reason in Redis (and BullMQ keeps finished jobs for a
   * week): its reason goes too. After the commit, since Redis is not in the transaction; the
   * job's ids are those of the enrolment or certificate it is for.
   */
  private async redactQueuedJobs(recordIds: string[]): Promise<void> {
    for (const id of recordIds) {
      for (const job of await Promise.all([
        this.certificates.getJob(`issue-${id}`),
        this.certificates.getJob(`reissue-${id}`),
      ])) {
        const data = job?.data as { reason?: string } | undefined;
        if (job && data?.reason !== undefined && data.reason !== REDACTED) {
          await job.updateData({ ...job.data, reason: REDACTED });
        }
      }
    }
  }

  private async collect(em: EntityManager, studentId: string): Promise<StudentExport> {
    const [student]: Row[] = await em.query(
      `SELECT id, given_name AS "givenName", family_name AS "familyName", email, profession,
              employer, registration_number AS "registrationNumber", erased_at AS "erasedAt",
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM students WHERE id = $1`,
      [studentId],
    );
    if (!student) throw new NotFoundError('Student', studentId);
    const [user]: Row[] = await em.query(
      `SELECT id, email, role, display_name AS "displayName", created_at AS "createdAt",
              updated_at AS "updatedAt"
         FROM users WHERE student_id = $1`,
      [studentId],
    );
    const ids = await this.relatedIds(em, studentId);
    const emails = [student.email as string, ...(user ? [user.email as string] : [])];

    // A transaction is one connection, which runs one query at a time: queue the sections here
    // rather than leave it to pg's own queue, which pg 9 removes (its deprecation warning).
    let previous: Promise<unknown> = Promise.resolve();
    const query = (sql: string, params: unknown[]): Promise<Row[]> => {
      const next = previous.then(() => em.query<Row[]>(sql, params));
      previous = next.catch(() => undefined);
      return next;
    };
    const [
      enrolments,
      attendanceRecords,
      assessmentResults,
      completionDecisions,
      certificates,
      riskStates,
      studyLog,
      universityAwards,
      notifications,
      auditEvents,
    ] = await Promise.all([
      query(
        `SELECT e.id, e.cohort_id AS "cohortId", c.number AS "cohortNumber", c.name AS "cohortName",
                co.code AS "courseCode", co.title AS "courseTitle", e.route, e.status,
                e.enrolled_at AS "enrolledAt", e.queued_at AS "queuedAt", e.seated_at AS "seatedAt",
                e.ended_at AS "endedAt", e.reason, e.transferred_from_id AS "transferredFromId",
                e.transferred_to_id AS "transferredToId", e.created_at AS "createdAt",
                e.updated_at AS "updatedAt"
           FROM enrolments e
           JOIN cohorts c ON c.id = e.cohort_id
           JOIN courses co ON co.id = e.course_id
          WHERE e.student_id = $1
          ORDER BY e.enrolled_at, e.id`,
        [studentId],
      ),
      query(
        `SELECT a.id, a.enrolment_id AS "enrolmentId", a.session_id AS "sessionId",
                s.title AS "sessionTitle", s.starts_at AS "sessionStartsAt",
                s.ends_at AS "sessionEndsAt", a.status, a.minutes_attended AS "minutesAttended",
                a.note, a.marked_at AS "markedAt"
           FROM attendance_records a
           JOIN sessions s ON s.id = a.session_id
          WHERE a.enrolment_id = ANY($1::uuid[])
          ORDER BY s.starts_at, a.id`,
        [ids.enrolments],
      ),
      query(
        `SELECT id, enrolment_id AS "enrolmentId", assessment_code AS "assessmentCode", outcome,
                mark::float8 AS mark, attempt, note, recorded_at AS "recordedAt"
           FROM assessment_results
          WHERE enrolment_id = ANY($1::uuid[])
          ORDER BY recorded_at, id`,
        [ids.enrolments],
      ),
      query(
        `SELECT id, enrolment_id AS "enrolmentId", outcome, rules, facts, results, override,
                reason, decided_at AS "decidedAt"
           FROM completion_decisions
          WHERE enrolment_id = ANY($1::uuid[])
          ORDER BY decided_at, id`,
        [ids.enrolments],
      ),
      query(
        `SELECT id, enrolment_id AS "enrolmentId", serial, verification_code AS "verificationCode",
                status, holder_name AS "holderName", course_title AS "courseTitle",
                cohort_name AS "cohortName", route, contact_hours::float8 AS "contactHours",
                accreditation_line AS "accreditationLine", completed_on::text AS "completedOn",
                issued_at AS "issuedAt", sha256, revoked_at AS "revokedAt",
                revoked_reason AS "revokedReason", superseded_by_id AS "supersededById"
           FROM certificates
          WHERE enrolment_id = ANY($1::uuid[])
          ORDER BY issued_at, id`,
        [ids.enrolments],
      ),
      query(
        `SELECT enrolment_id AS "enrolmentId", at_risk AS "atRisk", crossings,
                updated_at AS "updatedAt"
           FROM risk_states WHERE enrolment_id = ANY($1::uuid[])`,
        [ids.enrolments],
      ),
      query(
        `SELECT id, enrolment_id AS "enrolmentId", to_char(studied_on, 'YYYY-MM-DD') AS date,
                minutes, kind, reflection, status, review_comment AS "reviewComment",
                reviewed_at AS "reviewedAt", created_at AS "createdAt"
           FROM study_log_entries WHERE enrolment_id = ANY($1::uuid[])
          ORDER BY studied_on, created_at, id`,
        [ids.enrolments],
      ),
      query(
        `SELECT enrolment_id AS "enrolmentId", awarding_body AS "awardingBody", title, level,
                credits, result, to_char(conferred_on, 'YYYY-MM-DD') AS "conferredOn",
                recorded_at AS "recordedAt"
           FROM university_awards WHERE enrolment_id = ANY($1::uuid[])`,
        [ids.enrolments],
      ),
      query(
        `SELECT id, kind, recipient, subject, body_text AS "bodyText",
                (SELECT COALESCE(json_agg(a->>'filename'), '[]') FROM jsonb_array_elements(attachments) a)
                  AS "attachmentNames",
                status, attempts, sent_at AS "sentAt", created_at AS "createdAt"
           FROM notifications
          WHERE lower(recipient) = ANY($1::text[]) OR dedupe_key LIKE ANY($2::text[])
          ORDER BY created_at, id`,
        [emails.map((e) => e.toLowerCase()), ids.all.map((id) => `%${id}%`)],
      ),
      query(
        `SELECT id, action, entity_type AS "entityType", entity_id AS "entityId",
                actor_id AS "actorId", actor_role AS "actorRole", before, after,
                request_id AS "requestId", created_at AS "createdAt"
           FROM audit_events
          WHERE entity_id = ANY($1::uuid[]) OR actor_id = $2
          ORDER BY created_at, id`,
        [ids.all, user?.id ?? null],
      ),
    ]);
    return {
      exportedAt: new Date(),
      student,
      user: user ?? null,
      enrolments,
      attendanceRecords,
      assessmentResults,
      completionDecisions,
      certificates,
      riskStates,
      studyLog,
      universityAwards,
      notifications,
      auditEvents,
    };
  }

  /** Ids of every record about the student: audit events and notifications refer to these. */
  private async relatedIds(
    em: EntityManager,
    studentId: string,
  ): Promise<{ enrolments: string[]; all: string[] }> {
    const [row]: Array<{ enrolments: string[]; others: string[] }> = await em.query(
      `WITH e AS (SELECT id FROM enrolments WHERE student_id = $1)
       SELECT ARRAY(SELECT id FROM e) AS enrolments,
              ARRAY(SELECT id FROM users WHERE student_id = $1
                    UNION ALL SELECT id FROM attendance_records WHERE enrolment_id IN (SELECT id FROM e)
                    UNION ALL SELECT id FROM assessment_results WHERE enrolment_id IN (SELECT id FROM e)
                    UNION ALL SELECT id FROM completion_decisions WHERE enrolment_id IN (SELECT id FROM e)
                    UNION ALL SELECT id FROM certificates WHERE enrolment_id IN (SELECT id FROM e)
                    UNION ALL SELECT id FROM study_log_entries WHERE enrolment_id IN (SELECT id FROM e))
                AS others`,
      [studentId],
    );
    return {
      enrolments: row.enrolments,
      all: [studentId, ...row.enrolments, ...row.others],
    };
  }

  /**
   * Emails about them to others (a tutor's attendance warning names the student in its subject)
   * keep their subject line only without the personal strings; their bodies were erased above.
   */
  private async redactNotificationSubjects(
    em: EntityManager,
    ids: string[],
    personal: string[],
  ): Promise<void> {
    const rows: Array<{ id: string; subject: string; last_error: string | null }> = await em.query(
      `SELECT id, subject, last_error FROM notifications WHERE dedupe_key LIKE ANY($1::text[])`,
      [ids.map((id) => `%${id}%`)],
    );
    const changed = rows
      .map((r) => ({
        id: r.id,
        subject: redactText(r.subject, personal),
        lastError: r.last_error === null ? null : redactText(r.last_error, personal),
        original: r,
      }))
      .filter((r) => r.subject !== r.original.subject || r.lastError !== r.original.last_error);
    if (changed.length === 0) return;
    await em.query(
      `UPDATE notifications n SET subject = u.subject, last_error = u.last_error
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, subject, last_error)
        WHERE n.id = u.id`,
      [changed.map((r) => r.id), changed.map((r) => r.subject), changed.map((r) => r.lastError)],
    );
  }

  /**
   * Notes and reasons written about the person go; the facts they annotate (statuses, minutes,
   * outcomes, dates) stay for accreditation.
   */
  private async redactFreeText(em: EntityManager, enrolmentIds: string[]): Promise<void> {
    const redact = [
      `UPDATE attendance_records SET note = NULL WHERE enrolment_id = ANY($1::uuid[]) AND note IS NOT NULL`,
      `UPDATE assessment_results SET note = NULL WHERE enrolment_id = ANY($1::uuid[]) AND note IS NOT NULL`,
      `UPDATE enrolments SET reason = '${REDACTED}' WHERE id = ANY($1::uuid[]) AND reason IS NOT NULL`,
      `UPDATE completion_decisions SET reason = '${REDACTED}' WHERE enrolment_id = ANY($1::uuid[]) AND reason IS NOT NULL`,
      `UPDATE certificates SET revoked_reason = '${REDACTED}' WHERE enrolment_id = ANY($1::uuid[]) AND revoked_reason IS NOT NULL`,
      `UPDATE certificate_reissues SET reason = '${REDACTED}' WHERE enrolment_id = ANY($1::uuid[])`,
    ];
    for (const sql of redact) await em.query(sql, [enrolmentIds]);
  }

  /** Dedupe keys may embed the recipient's address (kind + recipient + subject). */
  private async replaceInDedupeKeys(
    em: EntityManager,
    emails: string[],
    placeholder: string,
  ): Promise<void> {
    for (const email of emails) {
      await em.query(
        `UPDATE notifications SET dedupe_key = replace(dedupe_key, $1, $2)
          WHERE strpos(dedupe_key, $1) > 0`,
        [email, placeholder],
      );
    }
  }

  /** Rewrites personal values out of audit snapshots about the student's records. */
  private async redactAudit(
    em: EntityManager,
    entityIds: string[],
    personal: string[],
  ): Promise<number> {
    // Events about their records lose every personal field; any other event that mentions them
    // (a cohort's bulk change, a record saved alongside theirs) loses the mentions.
    const needles = personal.filter((p) => p.trim().length >= 3);
    const events: Array<{ id: string; before: unknown; after: unknown; about: boolean }> =
      await em.query(
        `SELECT id, before, after, entity_id = ANY($1::uuid[]) AS about FROM audit_events
          WHERE (before IS NOT NULL OR after IS NOT NULL)
            AND (entity_id = ANY($1::uuid[])
                 OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS p(needle)
                             WHERE strpos(lower(concat(before::text, ' ', after::text)), lower(p.needle)) > 0))`,
        [entityIds, needles],
      );
    const changed = events
      .map((e) => ({
        id: e.id,
        before: redactPersonalData(e.before, { strings: personal, keys: e.about }),
        after: redactPersonalData(e.after, { strings: personal, keys: e.about }),
        original: e,
      }))
      .filter(
        (e) =>
          JSON.stringify(e.before) !== JSON.stringify(e.original.before) ||
          JSON.stringify(e.after) !== JSON.stringify(e.original.after),
      );
    if (changed.length === 0) return 0;
    await em.query(
      `UPDATE audit_events a SET before = u.before, after = u.after
         FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[]) AS u(id, before, after)
        WHERE a.id = u.id`,
      [
        changed.map((e) => e.id),
        changed.map((e) => (e.before === null ? null : JSON.stringify(e.before))),
        changed.map((e) => (e.after === null ? null : JSON.stringify(e.after))),
      ],
    );
    return changed.length;
  }
}
