import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { ScopeService } from '../auth/scope.service';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/errors';
import { Page, page } from '../common/pagination';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { CreateStudentDto } from './dto/create-student.dto';
import { ListStudentsQuery } from './dto/list-students.query';
import { UpdateStudentDto } from './dto/update-student.dto';
import { ERASED_DOMAIN } from './student-csv';
import type { Profession } from './student.entity';

export interface StudentView {
  id: string;
  givenName: string;
  familyName: string;
  email: string;
  profession: Profession;
  employer: string | null;
  registrationNumber: string | null;
  /** Set once personal data was erased on request. */
  erasedAt: Date | null;
  /** The student's login, if they have one. */
  userId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const VIEW_SELECT = `SELECT s.id, s.given_name AS "givenName", s.family_name AS "familyName",
    s.email, s.profession, s.employer, s.registration_number AS "registrationNumber",
    s.erased_at AS "erasedAt", u.id AS "userId", s.created_at AS "createdAt",
    s.updated_at AS "updatedAt"
  FROM students s
  LEFT JOIN users u ON u.student_id = s.id`;

type StudentField = Exclude<keyof UpdateStudentDto, 'reason'>;

const COLUMN_OF: Record<StudentField, string> = {
  givenName: 'given_name',
  familyName: 'family_name',
  email: 'email',
  profession: 'profession',
  employer: 'employer',
  registrationNumber: 'registration_number',
};

/** Escapes LIKE wildcards so a search for "100%" or "o_neill" means those characters. */
function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Erased students' placeholder addresses live at ERASED_DOMAIN; nobody else may use it. */
function assertNotReserved(email: string): void {
  if (email.endsWith(`@${ERASED_DOMAIN}`)) {
    throw new InvalidInputError('validation_failed', `Addresses at ${ERASED_DOMAIN} are reserved`, [
      { field: 'email', message: `email at ${ERASED_DOMAIN} is reserved for erased records` },
    ]);
  }
}

/**
 * Student records. Audit events about students carry the names of the fields that changed, never
 * their values, so the audit trail holds no personal data that erasure would have to chase.
 */
@Injectable()
export class StudentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly scope: ScopeService,
  ) {}

  async list(actor: Actor, q: ListStudentsQuery): Promise<Page<StudentView>> {
    const cohortIds = await this.scope.tutorCohortIds(actor);
    const search = q.search ? likePattern(q.search) : null;
    // One query; the total comes from a CTE so it stays right when the page is past the end.
    const rows: Array<StudentView & { total: string; id: string | null }> =
      await this.dataSource.query(
        `WITH f AS (
           ${VIEW_SELECT}
            WHERE ($1::text IS NULL
                   OR s.given_name ILIKE $1 OR s.family_name ILIKE $1 OR s.email ILIKE $1
                   OR (s.given_name || ' ' || s.family_name) ILIKE $1)
              AND ($2::uuid[] IS NULL OR EXISTS (
                    SELECT 1 FROM enrolments e
                     WHERE e.student_id = s.id AND e.cohort_id = ANY($2::uuid[]))))
         SELECT t.total, p.*
           FROM (SELECT count(*) AS total FROM f) t
           LEFT JOIN LATERAL (
             SELECT * FROM f ORDER BY f."familyName", f."givenName", f.id LIMIT $3 OFFSET $4
           ) p ON true`,
        [search, cohortIds, q.limit, q.offset],
      );
    const total = rows[0] ? Number(rows[0].total) : 0;
    const items = rows.filter((r) => r.id !== null).map(({ total: _t, ...s }) => s);
    return page(items as StudentView[], total, q);
  }

  /** Admin: any; tutor: students enrolled in their cohorts (others answer 404). */
  async get(actor: Actor, studentId: string): Promise<StudentView> {
    await this.scope.assertStudent(actor, studentId);
    return this.view(studentId);
  }

  async create(actor: Actor, dto: CreateStudentDto): Promise<StudentView> {
    assertNotReserved(dto.email);
    const id = await this.mapEmailConflict(dto.email, () =>
      this.dataSource.transaction(async (em) => {
        const [row]: Array<{ id: string }> = await em.query(
          `INSERT INTO students (given_name, family_name, email, profession, employer,
                                 registration_number)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [
            dto.givenName,
            dto.familyName,
            dto.email,
            dto.profession,
            dto.employer || null,
            dto.registrationNumber || null,
          ],
        );
        await this.audit.record(em, actor, {
          action: 'student.create',
          entityType: 'student',
          entityId: row.id,
          after: { fields: Object.keys(COLUMN_OF) },
        });
        return row.id;
      }),
    );
    return this.view(id);
  }

  /**
   * Corrects a student record. Only fields whose value differs are written and named in the
   * audit event, with the reason when one is given (erasure redacts it with the rest); a
   * submission that changes nothing writes nothing.
   */
  async update(actor: Actor, studentId: string, dto: UpdateStudentDto): Promise<StudentView> {
    if (dto.email !== undefined) assertNotReserved(dto.email);
    const sent = (Object.keys(COLUMN_OF) as StudentField[]).filter((f) => dto[f] !== undefined);
    await this.mapEmailConflict(dto.email ?? '', () =>
      this.dataSource.transaction(async (em) => {
        const rows: Array<Record<string, unknown> & { erased_at: Date | null }> = await em.query(
          `SELECT erased_at, ${Object.values(COLUMN_OF).join(', ')}
             FROM students WHERE id = $1 FOR UPDATE`,
          [studentId],
        );
        if (!rows[0]) throw new NotFoundError('Student', studentId);
        if (rows[0].erased_at) {
          throw new ConflictError(
            'student_erased',
            "This student's personal data was erased on request; it cannot be re-entered here",
          );
        }
        const current = rows[0];
        const fields = sent.filter((f) => (dto[f] || null) !== current[COLUMN_OF[f]]);
        if (fields.length === 0) return;
        const values = fields.map((f) => dto[f] || null);
        await em.query(
          `UPDATE students
              SET ${fields.map((f, i) => `${COLUMN_OF[f]} = $${i + 2}`).join(', ')},
                  updated_at = now()
            WHERE id = $1`,
          [studentId, ...values],
        );
        await this.audit.record(em, actor, {
          action: 'student.update',
          entityType: 'student',
          entityId: studentId,
          after: dto.reason ? { fields, reason: dto.reason } : { fields },
        });
      }),
    );
    return this.view(studentId);
  }

  /** Admin: the students with these emails (any case), for choosing many at once by email. */
  async findByEmails(emails: string[]): Promise<StudentView[]> {
    return this.dataSource.query(`${VIEW_SELECT} WHERE lower(s.email) = ANY($1::text[])`, [
      emails.map((e) => e.trim().toLowerCase()),
    ]);
  }

  async view(studentId: string): Promise<StudentView> {
    const rows: StudentView[] = await this.dataSource.query(`${VIEW_SELECT} WHERE s.id = $1`, [
      studentId,
    ]);
    if (!rows[0]) throw new NotFoundError('Student', studentId);
    return rows[0];
  }

  private async mapEmailConflict<T>(email: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'uq_students_email')) {
        throw new ConflictError('email_taken', `A student with email ${email} already exists`);
      }
      throw error;
    }
  }
}
