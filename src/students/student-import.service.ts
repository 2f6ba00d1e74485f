import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { InvalidInputError } from '../common/errors';
import { CsvLineError, parseStudentCsv, StudentCsvRow } from './student-csv';
import { PROFESSIONS } from './student.entity';

export interface ImportResult {
  created: number;
  updated: number;
  /** Existing students whose values the file repeats exactly: nothing to write. */
  unchanged: number;
  /** Data lines read. */
  records: number;
  dryRun: boolean;
  errors: CsvLineError[];
}

/** Rows per INSERT: bounded statements, whatever the file size. */
const CHUNK = 1000;

/**
 * CSV import: validate every line first; any bad line means nothing is written. Then one
 * transaction of multi-row upserts keyed on the (lower-cased) email, so existing students are
 * updated rather than duplicated, and a re-run of the same file changes nothing.
 */
@Injectable()
export class StudentImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async import(actor: Actor, body: unknown, dryRun: boolean): Promise<ImportResult> {
    if (typeof body !== 'string') {
      throw new InvalidInputError(
        'csv_body_required',
        'Send the CSV itself as the request body with Content-Type: text/csv',
        [{ field: 'body', message: 'body must be CSV text (Content-Type: text/csv)' }],
      );
    }
    const parsed = parseStudentCsv(body, { professions: PROFESSIONS });
    const result = { records: parsed.records, dryRun, errors: parsed.errors };
    if (parsed.errors.length) return { created: 0, updated: 0, unchanged: 0, ...result };

    const keepEmployer = !parsed.columns.includes('employer');
    const keepRegistration = !parsed.columns.includes('registrationNumber');
    if (dryRun) {
      return { ...(await this.preview(parsed.rows, keepEmployer, keepRegistration)), ...result };
    }
    // Sorted by email so concurrent imports lock shared rows in the same order (no deadlock).
    const rows = [...parsed.rows].sort((a, b) => (a.email < b.email ? -1 : 1));
    const counts = await this.dataSource.transaction(async (em) => {
      let created = 0;
      let updated = 0;
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = await this.upsert(
          em,
          rows.slice(i, i + CHUNK),
          keepEmployer,
          keepRegistration,
        );
        created += chunk.created;
        updated += chunk.updated;
      }
      const unchanged = parsed.rows.length - created - updated;
      await this.audit.record(em, actor, {
        action: 'student.import',
        entityType: 'student_import',
        entityId: randomUUID(),
        after: { created, updated, unchanged, records: parsed.records },
      });
      return { created, updated, unchanged };
    });
    return { ...counts, ...result };
  }

  /**
   * One multi-row upsert. Rows identical to what is stored are skipped by the WHERE, so they
   * are neither counted nor touched; `xmax = 0` tells a fresh insert from an update. An erased
   * record is never rewritten (its placeholder address is refused at validation anyway).
   */
  private async upsert(
    em: EntityManager,
    rows: StudentCsvRow[],
    keepEmployer: boolean,
    keepRegistration: boolean,
  ): Promise<{ created: number; updated: number }> {
    const employer = keepEmployer ? 's.employer' : 'EXCLUDED.employer';
    const registration = keepRegistration
      ? 's.registration_number'
      : 'EXCLUDED.registration_number';
    const result: Array<{ inserted: boolean }> = await em.query(
      `INSERT INTO students AS s (given_name, family_name, email, profession, employer,
                                  registration_number)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (email) DO UPDATE
          SET given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
              profession = EXCLUDED.profession, employer = ${employer},
              registration_number = ${registration}, updated_at = now()
        WHERE s.erased_at IS NULL
          AND (s.given_name, s.family_name, s.profession, s.employer, s.registration_number)
              IS DISTINCT FROM
              (EXCLUDED.given_name, EXCLUDED.family_name, EXCLUDED.profession, ${employer},
               ${registration})
       RETURNING (xmax = 0) AS inserted`,
      [
        rows.map((r) => r.givenName),
        rows.map((r) => r.familyName),
        rows.map((r) => r.email),
        rows.map((r) => r.profession),
        rows.map((r) => r.employer),
        rows.map((r) => r.registrationNumber),
      ],
    );
    const created = result.filter((r) => r.inserted).length;
    return { created, updated: result.length - created };
  }

  /** What an import would do, from one read of the students the file names. */
  private async preview(
    rows: StudentCsvRow[],
    keepEmployer: boolean,
    keepRegistration: boolean,
  ): Promise<{ created: number; updated: number; unchanged: number }> {
    const existing: Array<{
      email: string;
      given_name: string;
      family_name: string;
      profession: string;
      employer: string | null;
      registration_number: string | null;
    }> = await this.dataSource.query(
      `SELECT email, given_name, family_name, profession, employer, registration_number
         FROM students WHERE email = ANY($1::text[])`,
      [rows.map((r) => r.email)],
    );
    const byEmail = new Map(existing.map((s) => [s.email, s]));
    let created = 0;
    let updated = 0;
    for (const row of rows) {
      const s = byEmail.get(row.email);
      if (!s) created++;
      else if (
        s.given_name !== row.givenName ||
        s.family_name !== row.familyName ||
        s.profession !== row.profession ||
        (!keepEmployer && s.employer !== row.employer) ||
        (!keepRegistration && s.registration_number !== row.registrationNumber)
      ) {
        updated++;
      }
    }
    return { created, updated, unchanged: rows.length - created - updated };
  }
}
