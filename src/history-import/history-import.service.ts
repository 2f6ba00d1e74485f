import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { accreditationLine } from '../certificates/certificate-pdf';
import { generateVerificationCode } from '../certificates/verification-code';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/errors';
import type { CompletionRule } from '../completion/completion-rules';
import { evaluateCompletion } from '../completion/completion-rules';
import { ROUTES, type AssessmentDefinition } from '../courses/course.entity';
import { ProgressService } from '../progress/progress.service';
import { PROFESSIONS } from '../students/student.entity';
import { HistoryLineError, HistoryRow, HistorySession, parseHistoryCsv } from './history-csv';

export interface HistoryImportResult {
  enrolments: number;
  studentsCreated: number;
  attendanceRecords: number;
  assessmentResults: number;
  decisions: number;
  paperCertificates: number;
  dryRun: boolean;
  errors: HistoryLineError[];
}

interface CohortRow {
  id: string;
  course_id: string;
  name: string;
  timezone: string;
  capacity: number;
  completion_rules: CompletionRule[];
  course_title: string;
  accreditation_body: string;
  accreditation_level: string;
  assessments: AssessmentDefinition[];
  today: string;
  enrolments: number;
}

/** Thrown inside the transaction of a dry run so that everything it did is rolled back. */
class DryRunRollback extends Error {
  constructor(readonly result: HistoryImportResult) {
    super('dry run');
  }
}

/** The SHA-256 of no bytes: a paper certificate has no PDF here. */
const EMPTY_SHA256 = createHash('sha256').update(Buffer.alloc(0)).digest('hex');

/**
 * Brings a finished cohort that ran before the system in from a CSV (docs/history-import.md):
 * every line is validated first, and any bad line means nothing is written. The cohort and its
 * timetable must exist and the cohort must have no enrolments yet. Enrolments arrive in their
 * final state (they are history, not transitions); decisions are stored as taken then, marked
 * `imported`, with the facts measured from the imported registers; certificates issued on paper
 * are recorded (serial, date) with no PDF. A dry run does all of it in a transaction that is
 * then rolled back, so it reports exactly what a real run would do.
 */
@Injectable()
export class HistoryImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly progress: ProgressService,
  ) {}

  async import(
    actor: Actor,
    cohortId: string,
    body: unknown,
    dryRun: boolean,
  ): Promise<HistoryImportResult> {
    if (typeof body !== 'string') {
      throw new InvalidInputError(
        'csv_body_required',
        'Send the CSV itself as the request body with Content-Type: text/csv',
        [{ field: 'body', message: 'body must be CSV text (Content-Type: text/csv)' }],
      );
    }
    try {
      return await this.dataSource.transaction((em) =>
        this.importWith(em, actor, cohortId, body, dryRun),
      );
    } catch (error) {
      if (error instanceof DryRunRollback) return error.result;
      throw error;
    }
  }

  /** The import inside the caller's transaction (the demo seed loads cohorts 1 to 3 this way). */
  async importWith(
    em: EntityManager,
    actor: Actor,
    cohortId: string,
    text: string,
    dryRun = false,
  ): Promise<HistoryImportResult> {
    const [cohort]: CohortRow[] = await em.query(
      `SELECT c.id, c.course_id, c.name, c.timezone, c.capacity, c.completion_rules,
              co.title AS course_title, co.accreditation_body, co.accreditation_level,
              co.assessments, to_char(now() AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS today,
              (SELECT count(*)::int FROM enrolments e WHERE e.cohort_id = c.id) AS enrolments
         FROM cohorts c JOIN courses co ON co.id = c.course_id
        WHERE c.id = $1 FOR UPDATE OF c`,
      [cohortId],
    );
    if (!cohort) throw new NotFoundError('Cohort', cohortId);
    if (cohort.enrolments > 0) {
      throw new ConflictError(
        'history_cohort_not_empty',
        'A history import fills a cohort that has no enrolments yet',
      );
    }
    const sessions: Array<{ key: string; id: string; contact_minutes: number }> = await em.query(
      `SELECT to_char(starts_at AT TIME ZONE $2, 'YYYY-MM-DD"T"HH24:MI') AS key, id, contact_minutes
         FROM sessions WHERE cohort_id = $1`,
      [cohortId, cohort.timezone],
    );
    const parsed = parseHistoryCsv(text, {
      sessions: new Map<string, HistorySession>(
        sessions.map((s) => [s.key, { id: s.id, contactMinutes: s.contact_minutes }]),
      ),
      assessmentCodes: cohort.assessments.map((a) => a.code),
      professions: PROFESSIONS,
      routes: ROUTES,
      today: cohort.today,
    });
    const errors = [...parsed.errors, ...(await this.databaseProblems(em, cohort, parsed.rows))];
    const empty = {
      enrolments: 0,
      studentsCreated: 0,
      attendanceRecords: 0,
      assessmentResults: 0,
      decisions: 0,
      paperCertificates: 0,
      dryRun,
    };
    if (errors.length) {
      return { ...empty, errors: errors.sort((a, b) => a.line - b.line) };
    }
    const result = { ...(await this.write(em, actor, cohort, parsed.rows)), dryRun, errors: [] };
    if (dryRun) throw new DryRunRollback(result);
    return result;
  }

  /** What only the database can tell: unknown students' details, erased ones, serials in use. */
  private async databaseProblems(
    em: EntityManager,
    cohort: CohortRow,
    rows: HistoryRow[],
  ): Promise<HistoryLineError[]> {
    const errors: HistoryLineError[] = [];
    const students: Array<{ email: string; erased: boolean }> = await em.query(
      `SELECT email, erased_at IS NOT NULL AS erased FROM students WHERE email = ANY($1::text[])`,
      [rows.map((r) => r.email)],
    );
    const known = new Map(students.map((s) => [s.email, s]));
    for (const row of rows) {
      const student = known.get(row.email);
      if (student?.erased) {
        errors.push({ line: row.line, message: `email: ${row.email} belongs to an erased record` });
      }
      if (!student) {
        for (const field of ['givenName', 'familyName', 'profession'] as const) {
          if (row[field] === '') {
            errors.push({ line: row.line, message: `${field}: is required for a new student` });
          }
        }
      }
    }
    const serials = rows.flatMap((r) => (r.certificate ? [r.certificate.serial] : []));
    const taken: Array<{ serial: string }> = await em.query(
      `SELECT serial FROM certificates WHERE serial = ANY($1::text[])`,
      [serials],
    );
    const takenSet = new Set(taken.map((t) => t.serial));
    for (const row of rows) {
      if (row.certificate && takenSet.has(row.certificate.serial)) {
        errors.push({
          line: row.line,
          message: `certificateSerial: ${row.certificate.serial} is already in the certificate register`,
        });
      }
    }
    const seated = rows.filter((r) => r.status === 'completed' || r.status === 'not_completed');
    if (seated.length > cohort.capacity) {
      errors.push({
        line: seated[cohort.capacity].line,
        message: `status: more completed and not completed enrolments than the cohort's ${cohort.capacity} places`,
      });
    }
    return errors;
  }

  private async write(
    em: EntityManager,
    actor: Actor,
    cohort: CohortRow,
    rows: HistoryRow[],
  ): Promise<Omit<HistoryImportResult, 'dryRun' | 'errors'>> {
    const created: Array<{ id: string }> = await em.query(
      `INSERT INTO students (email, given_name, family_name, profession, employer, registration_number)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (email) DO NOTHING
       RETURNING id`,
      [
        rows.map((r) => r.email),
        rows.map((r) => r.givenName),
        rows.map((r) => r.familyName),
        rows.map((r) => r.profession),
        rows.map((r) => r.employer),
        rows.map((r) => r.registrationNumber),
      ],
    );
    // Local midnight of the enrolment day (sessions that day count), local noon of the end day.
    const enrolments: Array<{ id: string; email: string; ended_at: Date }> = await em.query(
      `INSERT INTO enrolments (student_id, cohort_id, course_id, route, status, enrolled_at,
                               queued_at, seated_at, ended_at, reason)
       SELECT st.id, $1, $2, x.route, x.status, x.enrolled_on::timestamp AT TIME ZONE $3,
              x.enrolled_on::timestamp AT TIME ZONE $3, x.enrolled_on::timestamp AT TIME ZONE $3,
              (x.ended_on::timestamp + time '12:00') AT TIME ZONE $3, x.reason
         FROM unnest($4::text[], $5::text[], $6::text[], $7::date[], $8::date[], $9::text[])
              AS x(email, route, status, enrolled_on, ended_on, reason)
         JOIN students st ON st.email = x.email
       RETURNING id, (SELECT email FROM students WHERE id = student_id) AS email, ended_at`,
      [
        cohort.id,
        cohort.course_id,
        cohort.timezone,
        rows.map((r) => r.email),
        rows.map((r) => r.route),
        rows.map((r) => r.status),
        rows.map((r) => r.enrolledOn),
        rows.map((r) => r.endedOn),
        rows.map((r) => r.reason),
      ],
    );
    const idOf = new Map(enrolments.map((e) => [e.email, e.id]));
    const attendance = rows.flatMap((r) =>
      r.attendance.map((a) => ({ ...a, enrolmentId: idOf.get(r.email) as string })),
    );
    await em.query(
      `INSERT INTO attendance_records (session_id, enrolment_id, status, minutes_attended, marked_at)
       SELECT x.session_id, x.enrolment_id, x.status, x.minutes, s.ends_at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[])
              AS x(session_id, enrolment_id, status, minutes)
         JOIN sessions s ON s.id = x.session_id`,
      [
        attendance.map((a) => a.sessionId),
        attendance.map((a) => a.enrolmentId),
        attendance.map((a) => a.status),
        attendance.map((a) => a.minutes),
      ],
    );
    const results = rows.flatMap((r) =>
      r.assessments.map((a) => ({ ...a, enrolmentId: idOf.get(r.email) as string })),
    );
    await em.query(
      `INSERT INTO assessment_results (enrolment_id, assessment_code, outcome, attempt, recorded_at)
       SELECT x.enrolment_id, x.code, x.outcome, x.attempt, e.ended_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[])
              AS x(enrolment_id, code, outcome, attempt)
         JOIN enrolments e ON e.id = x.enrolment_id`,
      [
        results.map((a) => a.enrolmentId),
        results.map((a) => a.code),
        results.map((a) => a.outcome),
        results.map((a) => a.attempt),
      ],
    );

    // Facts from the imported registers, measured by the same query as progress and completion.
    const decided = rows.filter((r) => r.decision);
    const records = new Map(
      (
        await this.progress.load(
          { enrolmentIds: decided.map((r) => idOf.get(r.email) as string) },
          em,
        )
      ).map((p) => [p.view.enrolmentId, p]),
    );
    const decisions = decided.map((r) => {
      const record = records.get(idOf.get(r.email) as string);
      if (!record) throw new Error(`imported enrolment ${r.email} was not measured`);
      const d = r.decision as NonNullable<HistoryRow['decision']>;
      return {
        enrolmentId: record.view.enrolmentId,
        outcome: d.outcome,
        facts: record.facts,
        results: evaluateCompletion(record.rules, record.facts).results,
        override: d.override,
        reason: d.reason,
        decidedOn: d.decidedOn,
        contactHours: record.view.attendance.attendedHours,
        holderName: record.view.studentName,
        route: r.route,
        certificate: r.certificate,
      };
    });
    await em.query(
      `INSERT INTO completion_decisions (enrolment_id, outcome, rules, facts, results, override,
                                         reason, imported, decided_at)
       SELECT x.enrolment_id, x.outcome, $1::jsonb, x.facts, x.results, x.override, x.reason, true,
              (x.decided_on::timestamp + time '12:00') AT TIME ZONE $2
         FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::boolean[], $8::text[], $9::date[])
              AS x(enrolment_id, outcome, facts, results, override, reason, decided_on)`,
      [
        JSON.stringify(cohort.completion_rules ?? []),
        cohort.timezone,
        decisions.map((d) => d.enrolmentId),
        decisions.map((d) => d.outcome),
        decisions.map((d) => JSON.stringify(d.facts)),
        decisions.map((d) => JSON.stringify(d.results)),
        decisions.map((d) => d.override),
        decisions.map((d) => d.reason),
        decisions.map((d) => d.decidedOn),
      ],
    );

    const paper = decisions.filter((d) => d.certificate);
    await em.query(
      `INSERT INTO certificates (enrolment_id, cohort_id, sequence, serial, verification_code,
                                 status, holder_name, course_title, cohort_name, route,
                                 contact_hours, accreditation_line, completed_on, issued_at, pdf,
                                 sha256, on_paper)
       SELECT x.enrolment_id, $1,
              COALESCE((SELECT max(sequence) FROM certificates WHERE cohort_id = $1), 0) + x.n,
              x.serial, x.code, 'issued', x.holder, $2, $3, x.route, x.hours, $4, x.completed_on,
              (x.issued_on::timestamp + time '12:00') AT TIME ZONE $5, ''::bytea, $6, true
         FROM unnest($7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[], $12::numeric[],
                     $13::date[], $14::date[]) WITH ORDINALITY
              AS x(enrolment_id, serial, code, holder, route, hours, completed_on, issued_on, n)`,
      [
        cohort.id,
        cohort.course_title,
        cohort.name,
        accreditationLine(cohort.accreditation_body, cohort.accreditation_level),
        cohort.timezone,
        EMPTY_SHA256,
        paper.map((d) => d.enrolmentId),
        paper.map((d) => d.certificate?.serial),
        paper.map(() => generateVerificationCode()),
        paper.map((d) => d.holderName),
        paper.map((d) => d.route),
        paper.map((d) => d.contactHours),
        paper.map((d) => d.decidedOn),
        paper.map((d) => d.certificate?.issuedOn),
      ],
    );
    const counts = {
      enrolments: enrolments.length,
      studentsCreated: created.length,
      attendanceRecords: attendance.length,
      assessmentResults: results.length,
      decisions: decisions.length,
      paperCertificates: paper.length,
    };
    await this.audit.record(em, actor, {
      action: 'history.imported',
      entityType: 'cohort',
      entityId: cohort.id,
      after: counts,
    });
    return counts;
  }
}
