import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { enrolmentScopeParams, enrolmentVisibleSql } from '../auth/scope.service';
import { ConflictError, GoneError, NotFoundError } from '../common/errors';
import { Page, page, PageQuery } from '../common/pagination';
import { AppConfig } from '../infrastructure/config/app-config';
import type { CertificateStatus } from './certificate.entity';
import { CertificatesQueue } from './certificates.queue';
import { ListCertificatesQuery } from './dto/list-certificates.query';
import { formatVerificationCode, verificationUrl } from './verification-code';

export interface CertificateView {
  id: string;
  enrolmentId: string;
  /** The holder's student record (the holder name is the snapshot taken at issue). */
  studentId: string;
  cohortId: string;
  serial: string;
  /** Grouped for reading; the verify routes accept it with or without separators. */
  verificationCode: string;
  verificationUrl: string;
  status: CertificateStatus;
  holderName: string;
  courseTitle: string;
  cohortName: string;
  route: string;
  contactHours: number;
  accreditationLine: string;
  completedOn: string | null;
  issuedAt: Date;
  sha256: string;
  revokedAt: Date | null;
  revokedReason: string | null;
  supersededById: string | null;
  /** Issued on paper before this system (history import): in the register, with no PDF. */
  onPaper: boolean;
}

const VIEW_COLUMNS = `
  c.id, c.enrolment_id AS "enrolmentId", e.student_id AS "studentId", c.cohort_id AS "cohortId", c.serial,
  c.verification_code AS "verificationCode", c.status, c.holder_name AS "holderName",
  c.course_title AS "courseTitle", c.cohort_name AS "cohortName", c.route,
  c.contact_hours::float8 AS "contactHours", c.accreditation_line AS "accreditationLine",
  to_char(c.completed_on, 'YYYY-MM-DD') AS "completedOn", c.issued_at AS "issuedAt", c.sha256,
  c.revoked_at AS "revokedAt", c.revoked_reason AS "revokedReason",
  c.superseded_by_id AS "supersededById", c.on_paper AS "onPaper"`;

/**
 * Certificates as administrators and students see them: reads, the PDF, revocation and reissue
 * requests. Issuing is CertificateIssuingService's (the worker's), public verification
 * CertificateVerificationService's.
 */
@Injectable()
export class CertificatesService {
  private readonly logger = new Logger(CertificatesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly queue: CertificatesQueue,
  ) {}

  verificationUrl(code: string): string {
    return verificationUrl(this.config.PUBLIC_BASE_URL, code);
  }

  async revoke(actor: Actor, id: string, reason: string): Promise<CertificateView> {
    await this.dataSource.transaction(async (em) => {
      const rows: Array<{ status: CertificateStatus; serial: string }> = await em.query(
        'SELECT status, serial FROM certificates WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!rows[0]) throw new NotFoundError('Certificate', id);
      if (rows[0].status !== 'issued') {
        throw new ConflictError(
          'certificate_not_issued',
          `Certificate ${rows[0].serial} is ${rows[0].status}; only an issued certificate can be revoked`,
        );
      }
      await this.revokeIn(em, actor, [id], reason);
    });
    return this.get(actor, id);
  }

  /**
   * Revokes the enrolment's issued certificate, if it holds one, inside the caller's
   * transaction (a completion override to not_completed), so verification never answers
   * "valid" for someone who has not completed. Returns the revoked certificate's id.
   */
  async revokeIssuedIn(
    em: EntityManager,
    actor: Actor,
    enrolmentId: string,
    reason: string,
  ): Promise<string | null> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM certificates WHERE enrolment_id = $1 AND status = 'issued' FOR UPDATE`,
      [enrolmentId],
    );
    await this.revokeIn(
      em,
      actor,
      rows.map((r) => r.id),
      reason,
    );
    return rows[0]?.id ?? null;
  }

  private async revokeIn(em: EntityManager, actor: Actor, ids: string[], reason: string) {
    if (ids.length === 0) return;
    await em.query(
      `UPDATE certificates SET status = 'revoked', revoked_at = now(), revoked_reason = $2
        WHERE id = ANY($1::uuid[])`,
      [ids, reason],
    );
    await this.audit.record(
      em,
      actor,
      ids.map((id) => ({
        action: 'certificate.revoke',
        entityType: 'certificate',
        entityId: id,
        before: { status: 'issued' },
        after: { status: 'revoked', reason },
      })),
    );
  }

  /**
   * Records the request (a `certificate_reissues` row and its audit entry, one transaction) and
   * then queues the job; the worker supersedes this certificate with a new one in one
   * transaction. If Redis is away the answer is still 202: the certificates sweep queues every
   * request left pending. Asking twice while one is pending is one request and one job.
   */
  async requestReissue(actor: Actor, id: string, reason: string): Promise<CertificateView> {
    const enrolmentId = await this.dataSource.transaction(async (em) => {
      const rows: Array<{ status: CertificateStatus; serial: string; enrolment_id: string }> =
        await em.query(
          'SELECT status, serial, enrolment_id FROM certificates WHERE id = $1 FOR UPDATE',
          [id],
        );
      if (!rows[0]) throw new NotFoundError('Certificate', id);
      if (rows[0].status !== 'issued') {
        throw new ConflictError(
          'certificate_not_issued',
          `Certificate ${rows[0].serial} is ${rows[0].status}; only an issued certificate can be reissued`,
        );
      }
      await em.query(
        `INSERT INTO certificate_reissues (certificate_id, enrolment_id, reason)
         VALUES ($1, $2, $3)
         ON CONFLICT (certificate_id) WHERE done_at IS NULL DO NOTHING`,
        [id, rows[0].enrolment_id, reason],
      );
      await this.audit.record(em, actor, {
        action: 'certificate.reissue_request',
        entityType: 'certificate',
        entityId: id,
        after: { reason },
      });
      return rows[0].enrolment_id;
    });
    try {
      await this.queue.reissue(enrolmentId, id, reason);
    } catch (error) {
      this.logger.warn(
        `Could not queue the reissue of ${id}; the certificates sweep will: ${(error as Error).message}`,
      );
    }
    return this.get(actor, id);
  }

  /**
   * Whoever may see the enrolment may see its certificates (the scope rule: admin any, tutor
   * their cohorts', student their own); anyone else gets 404.
   */
  async get(actor: Actor, id: string): Promise<CertificateView> {
    const rows: CertificateView[] = await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
        WHERE c.id = $1 AND ${enrolmentVisibleSql('e', 2, 3, 4)}`,
      [id, ...enrolmentScopeParams(actor)],
    );
    if (!rows[0]) throw new NotFoundError('Certificate', id);
    return this.present(rows[0]);
  }

  /** The bytes stored at issue, never a re-render; seen by whoever may see the certificate. */
  async pdf(actor: Actor, id: string): Promise<{ serial: string; sha256: string; pdf: Buffer }> {
    const rows: Array<{ serial: string; sha256: string; pdf: Buffer; onPaper: boolean }> =
      await this.dataSource.query(
        `SELECT c.serial, c.sha256, c.pdf, c.on_paper AS "onPaper"
           FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
          WHERE c.id = $1 AND ${enrolmentVisibleSql('e', 2, 3, 4)}`,
        [id, ...enrolmentScopeParams(actor)],
      );
    if (!rows[0]) throw new NotFoundError('Certificate', id);
    // A certificate issued on paper before the system (history import) is in the register only.
    if (rows[0].onPaper) throw new NotFoundError('PDF of paper certificate', rows[0].serial);
    // Erasure empties the PDF (it carried the holder's name); the register entry stays.
    if (rows[0].pdf.length === 0) {
      throw new GoneError(
        'certificate_pdf_erased',
        `The PDF of certificate ${rows[0].serial} was erased with its holder's personal data`,
      );
    }
    const { serial, sha256, pdf } = rows[0];
    return { serial, sha256, pdf };
  }

  /** The student's own certificates, any status (a superseded one still shows its history). */
  async mine(actor: Actor, q: PageQuery): Promise<Page<CertificateView>> {
    if (!actor.studentId) return page([], 0, q);
    return this.list({ ...q, cohortId: undefined, status: undefined }, actor.studentId);
  }

  async list(q: ListCertificatesQuery, studentId?: string): Promise<Page<CertificateView>> {
    const rows: Array<CertificateView & { total: string }> = await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS}, count(*) OVER () AS total
         FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
        WHERE ($1::uuid IS NULL OR c.cohort_id = $1)
          AND ($2::text IS NULL OR c.status = $2)
          AND ($3::uuid IS NULL OR c.enrolment_id = $3)
          AND ($4::uuid IS NULL OR e.student_id = $4)
        ORDER BY c.issued_at DESC, c.serial
        LIMIT $5 OFFSET $6`,
      [
        q.cohortId ?? null,
        q.status ?? null,
        q.enrolmentId ?? null,
        studentId ?? null,
        q.limit,
        q.offset,
      ],
    );
    const total = rows[0] ? Number(rows[0].total) : 0;
    return page(
      rows.map(({ total: _t, ...c }) => this.present(c)),
      total,
      q,
    );
  }

  private present(c: CertificateView): CertificateView {
    return {
      ...c,
      verificationCode: formatVerificationCode(c.verificationCode),
      verificationUrl: this.verificationUrl(c.verificationCode),
    };
  }
}
