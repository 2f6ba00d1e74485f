import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { NotFoundError } from '../common/errors';
import type { AssessmentDefinition } from '../courses/course.entity';
import type { AccreditationRow } from './accreditation-columns';
import { accreditationExportQuery } from './accreditation.query';
import { AnnualReturn, AnnualReturnCohortInput, annualReturnCohort } from './annual-return';
import { annualReturnPdf, annualReturnXlsx } from './annual-return-writers';
import type { AnnualReturnFormat } from './dto/annual-return.query';
import { XLSX_CONTENT_TYPE } from './spreadsheet-writers';

export interface AnnualReturnFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

/**
 * The annual return of a course for a calendar year. Its per-enrolment figures are computed
 * from the rows of the accreditation export's own query (so they equal the export and
 * progress); sessions, assessment attempts and certificate counts come from three small
 * aggregate queries.
 */
@Injectable()
export class AnnualReturnService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async compute(courseId: string, year: number): Promise<AnnualReturn> {
    const [course]: Array<{
      id: string;
      code: string;
      title: string;
      accreditation_body: string;
      accreditation_level: string;
      contact: number;
      independent: number;
      assessments: AssessmentDefinition[] | null;
    }> = await this.dataSource.query(
      `SELECT id, code, title, accreditation_body, accreditation_level, assessments,
              targets_contact_hours AS contact, targets_independent_hours AS independent
         FROM courses WHERE id = $1`,
      [courseId],
    );
    if (!course) throw new NotFoundError('Course', courseId);
    const asOf = new Date();
    // Running in the year: starts on or before 31 December and ends on or after 1 January.
    const cohorts: Array<Omit<AnnualReturnCohortInput, 'assessmentResults' | 'certificates'>> =
      await this.dataSource.query(
        `SELECT c.id AS "cohortId", c.number, c.name, c.status,
                to_char(c.start_date, 'YYYY-MM-DD') AS "startDate",
                to_char(c.end_date, 'YYYY-MM-DD') AS "endDate",
                COALESCE((SELECT sum(s.contact_minutes) FROM sessions s
                           WHERE s.cohort_id = c.id AND s.mandatory), 0)::int AS "scheduledMinutes",
                COALESCE((SELECT sum(s.contact_minutes) FROM sessions s
                           WHERE s.cohort_id = c.id AND s.mandatory AND s.ends_at <= $3), 0)::int
                  AS "deliveredMinutes"
           FROM cohorts c
          WHERE c.course_id = $1
            AND c.start_date <= make_date($2, 12, 31) AND c.end_date >= make_date($2, 1, 1)
          ORDER BY c.number`,
        [courseId, year, asOf],
      );
    const ids = cohorts.map((c) => c.cohortId);
    const exportQuery = accreditationExportQuery(ids, asOf);
    const rows: AccreditationRow[] = ids.length
      ? await this.dataSource.query(exportQuery.sql, exportQuery.params)
      : [];
    const results: Array<{
      cohort_id: string;
      code: string;
      attempt: number;
      outcome: string;
      count: number;
    }> = await this.dataSource.query(
      `SELECT e.cohort_id, r.assessment_code AS code, r.attempt, r.outcome, count(*)::int AS count
         FROM assessment_results r JOIN enrolments e ON e.id = r.enrolment_id
        WHERE e.cohort_id = ANY($1::uuid[])
        GROUP BY 1, 2, 3, 4`,
      [ids],
    );
    const certificates: Array<{
      cohort_id: string;
      issued: number;
      on_paper: number;
      revoked: number;
    }> = await this.dataSource.query(
      `SELECT cohort_id,
              count(*) FILTER (WHERE status = 'issued')::int AS issued,
              count(*) FILTER (WHERE status = 'issued' AND on_paper)::int AS on_paper,
              count(*) FILTER (WHERE status = 'revoked')::int AS revoked
         FROM certificates WHERE cohort_id = ANY($1::uuid[]) GROUP BY cohort_id`,
      [ids],
    );
    return {
      courseId: course.id,
      courseCode: course.code,
      courseTitle: course.title,
      accreditationBody: course.accreditation_body,
      accreditationLevel: course.accreditation_level,
      year,
      asOf: asOf.toISOString(),
      targets: { contactHours: course.contact, independentHours: course.independent },
      assessments: (course.assessments ?? []).map((a) => ({ code: a.code, title: a.title })),
      cohorts: cohorts.map((c) => {
        const cert = certificates.find((x) => x.cohort_id === c.cohortId);
        return annualReturnCohort(
          {
            ...c,
            assessmentResults: results.filter((r) => r.cohort_id === c.cohortId),
            certificates: {
              issued: cert?.issued ?? 0,
              onPaper: cert?.on_paper ?? 0,
              revoked: cert?.revoked ?? 0,
            },
          },
          rows.filter((r) => r.cohortNumber === c.number),
          course.independent,
        );
      }),
    };
  }

  /** The return as JSON, or as a file; every request is audited like the other reports. */
  async get(
    actor: Actor,
    courseId: string,
    year: number,
    format: AnnualReturnFormat,
  ): Promise<AnnualReturn | AnnualReturnFile> {
    const data = await this.compute(courseId, year);
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'report.export',
      entityType: 'course',
      entityId: courseId,
      after: { report: 'annual_return', format, year, rows: data.cohorts.length },
    });
    if (format === 'json') return data;
    const base = `${data.courseCode.toLowerCase().replace(/[^a-z0-9]/g, '-')}-annual-return-${year}`;
    return format === 'xlsx'
      ? {
          filename: `${base}.xlsx`,
          contentType: XLSX_CONTENT_TYPE,
          body: await annualReturnXlsx(data),
        }
      : {
          filename: `${base}.pdf`,
          contentType: 'application/pdf',
          body: await annualReturnPdf(data),
        };
  }
}
