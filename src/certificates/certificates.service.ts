import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../auth/actor';
import { ConflictError, GoneError, NotFoundError } from '../common/errors';
import { Page, page, PageQuery } from '../common/pagination';
import { AppConfig } from '../infrastructure/config/app-config';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { NotificationsService } from '../notifications/notifications.service';
import {
  accreditationLine,
  renderCertificatePdf,
  routeInWords,
  verificationQr,
  QrMatrix,
} from './certificate-pdf';
import type { CertificateStatus } from './certificate.entity';
import { CertificatesQueue } from './certificates.queue';
import { ListCertificatesQuery } from './dto/list-certificates.query';
import {
  formatVerificationCode,
  generateVerificationCode,
  normaliseVerificationCode,
} from './verification-code';

export interface CertificateView {
  id: string;
  enrolmentId: string;
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
}

/** What the public may learn from a code: no reason, no email, no route or hours. */
export interface VerificationView {
  status: 'valid' | 'revoked' | 'superseded';
  serial: string;
  holderName: string;
  courseTitle: string;
  cohortName: string;
  issuedAt: Date;
  revokedAt?: Date;
}

export type IssueOutcome =
  'issued' | 'already_issued' | 'not_completed' | 'revoked' | 'enrolment_missing';

export interface IssueResult {
  outcome: IssueOutcome;
  certificateId: string | null;
}

export interface IssueOptions {
  /** Reissue: the issued certificate the new one supersedes. */
  supersedesId?: string;
  reason?: string;
}

interface Snapshot {
  status: string;
  cohort_id: string;
  route: string;
  holder_name: string;
  given_name: string;
  email: string;
  erased: boolean;
  cohort_number: number;
  cohort_name: string;
  timezone: string;
  course_code: string;
  course_title: string;
  provider: string;
  accreditation_body: string;
  accreditation_level: string;
  contact_hours: string;
  completed_on: string | null;
}

const VIEW_COLUMNS = `
  c.id, c.enrolment_id AS "enrolmentId", c.cohort_id AS "cohortId", c.serial,
  c.verification_code AS "verificationCode", c.status, c.holder_name AS "holderName",
  c.course_title AS "courseTitle", c.cohort_name AS "cohortName", c.route,
  c.contact_hours::float8 AS "contactHours", c.accreditation_line AS "accreditationLine",
  to_char(c.completed_on, 'YYYY-MM-DD') AS "completedOn", c.issued_at AS "issuedAt", c.sha256,
  c.revoked_at AS "revokedAt", c.revoked_reason AS "revokedReason",
  c.superseded_by_id AS "supersededById"`;

/** Advisory-lock namespace for "next certificate sequence of this cohort". */
const SEQUENCE_LOCK_NAMESPACE = 50_002;

@Injectable()
export class CertificatesService {
  private readonly logger = new Logger(CertificatesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly queue: CertificatesQueue,
  ) {}

  verificationUrl(code: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/verify/${formatVerificationCode(code)}`;
  }

  /**
   * Issues the certificate of a completed enrolment, exactly once however often it runs:
   * - the enrolment row is locked (FOR UPDATE), so runs for one enrolment take turns, and a run
   *   that finds an `issued` certificate returns it;
   * - the cohort's next sequence is taken under a per-cohort advisory lock held to commit, so
   *   two workers never number two certificates alike, and a rolled-back run leaves no gap;
   * - the partial unique index uq_certificates_one_issued is the last word: a violation means
   *   another run won, and this one answers with that certificate.
   * Everything (certificate, PDF bytes, outbox email, audit) commits together or not at all, so
   * a worker killed mid-job leaves nothing behind and the retried job starts clean.
   * A reissue marks the certificate it supersedes `superseded` in the same transaction.
   */
  async issue(enrolmentId: string, opts: IssueOptions = {}): Promise<IssueResult> {
    if (!opts.supersedesId) {
      const existing = await this.currentIssued(this.dataSource.manager, enrolmentId);
      if (existing) return { outcome: 'already_issued', certificateId: existing };
    }
    const code = generateVerificationCode();
    const qr = verificationQr(this.verificationUrl(code));
    try {
      const { result, notificationIds } = await this.dataSource.transaction((em) =>
        this.issueIn(em, enrolmentId, opts, code, qr),
      );
      await this.notifications.dispatch(notificationIds);
      return result;
    } catch (error) {
      if (isUniqueViolation(error, 'uq_certificates_one_issued')) {
        const existing = await this.currentIssued(this.dataSource.manager, enrolmentId);
        return { outcome: 'already_issued', certificateId: existing };
      }
      throw error;
    }
  }

  private async issueIn(
    em: EntityManager,
    enrolmentId: string,
    opts: IssueOptions,
    code: string,
    qr: QrMatrix,
  ): Promise<{ result: IssueResult; notificationIds: string[] }> {
    const none = (outcome: IssueOutcome, certificateId: string | null = null) => ({
      result: { outcome, certificateId },
      notificationIds: [],
    });
    const snapshot = await this.snapshot(em, enrolmentId);
    if (!snapshot) {
      this.logger.warn(`Certificate not issued: enrolment ${enrolmentId} does not exist`);
      return none('enrolment_missing');
    }
    const existing: Array<{
      id: string;
      status: CertificateStatus;
      serial: string;
      superseded_by_id: string | null;
    }> = await em.query(
      `SELECT id, status, serial, superseded_by_id FROM certificates
        WHERE enrolment_id = $1 ORDER BY issued_at DESC, created_at DESC`,
      [enrolmentId],
    );
    const issued = existing.find((c) => c.status === 'issued');
    let supersedes: (typeof existing)[number] | undefined;
    if (opts.supersedesId) {
      supersedes = existing.find((c) => c.id === opts.supersedesId);
      if (!supersedes) {
        this.logger.warn(
          `Reissue skipped: ${opts.supersedesId} is not a certificate of ${enrolmentId}`,
        );
        return none('enrolment_missing');
      }
      if (supersedes.status === 'superseded')
        return none('already_issued', supersedes.superseded_by_id);
      if (supersedes.status === 'revoked') {
        this.logger.warn(`Reissue skipped: certificate ${supersedes.id} was revoked meanwhile`);
        return none('revoked', supersedes.id);
      }
    } else {
      if (issued) return none('already_issued', issued.id);
      if (existing[0]?.status === 'revoked') {
        // A revoked certificate is not replaced behind the administrator's back.
        this.logger.warn(`Certificate not issued: enrolment ${enrolmentId} has a revoked one`);
        return none('revoked', existing[0].id);
      }
    }
    if (snapshot.status !== 'completed') {
      this.logger.warn(
        `Certificate not issued: enrolment ${enrolmentId} is ${snapshot.status}, not completed`,
      );
      return none('not_completed');
    }

    await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      SEQUENCE_LOCK_NAMESPACE,
      snapshot.cohort_id,
    ]);
    const [{ next }]: Array<{ next: number }> = await em.query(
      'SELECT COALESCE(max(sequence), 0) + 1 AS next FROM certificates WHERE cohort_id = $1',
      [snapshot.cohort_id],
    );
    const id = randomUUID();
    const issuedAt = new Date();
    const serial = `${snapshot.course_code}-C${snapshot.cohort_number}-${String(next).padStart(4, '0')}`;
    const line = accreditationLine(snapshot.accreditation_body, snapshot.accreditation_level);
    const contactHours = Number(snapshot.contact_hours);
    const inZone = (d: DateTime) => d.setZone(snapshot.timezone).toFormat('d MMMM yyyy');
    const pdf = await renderCertificatePdf(
      {
        holderName: snapshot.holder_name,
        courseTitle: snapshot.course_title,
        provider: snapshot.provider,
        accreditationLine: line,
        cohortName: snapshot.cohort_name,
        routeInWords: routeInWords(snapshot.route),
        contactHours,
        completedOn: snapshot.completed_on
          ? DateTime.fromISO(snapshot.completed_on).toFormat('d MMMM yyyy')
          : null,
        issuedOn: inZone(DateTime.fromJSDate(issuedAt)),
        issuedAt,
        serial,
        verificationCode: formatVerificationCode(code),
        verificationUrl: this.verificationUrl(code),
      },
      qr,
    );
    const sha256 = createHash('sha256').update(pdf).digest('hex');

    if (supersedes) {
      // Free the enrolment's one `issued` slot before the new row takes it; the link to the new
      // row is set once that row exists (the foreign key is not deferrable).
      await em.query(`UPDATE certificates SET status = 'superseded' WHERE id = $1`, [
        supersedes.id,
      ]);
    }
    await em.query(
      `INSERT INTO certificates (id, enrolment_id, cohort_id, sequence, serial, verification_code,
                                 status, holder_name, course_title, cohort_name, route, contact_hours,
                                 accreditation_line, completed_on, issued_at, pdf, sha256)
       VALUES ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        id,
        enrolmentId,
        snapshot.cohort_id,
        next,
        serial,
        code,
        snapshot.holder_name,
        snapshot.course_title,
        snapshot.cohort_name,
        snapshot.route,
        snapshot.contact_hours,
        line,
        snapshot.completed_on,
        issuedAt,
        pdf,
        sha256,
      ],
    );
    if (supersedes) {
      await em.query(`UPDATE certificates SET superseded_by_id = $2 WHERE id = $1`, [
        supersedes.id,
        id,
      ]);
    }

    const notificationIds = snapshot.erased
      ? []
      : await this.notifications.enqueue(em, {
          dedupeKey: `certificate_issued:${id}`,
          kind: 'certificate_issued',
          recipient: snapshot.email,
          subject: `Your certificate for ${snapshot.course_title}`,
          text: this.issuedEmailText(snapshot, serial, code, supersedes?.serial),
        });
    await this.audit.record(em, SYSTEM_ACTOR, [
      {
        action: 'certificate.issue',
        entityType: 'certificate',
        entityId: id,
        after: {
          enrolmentId,
          serial,
          sha256,
          holderName: snapshot.holder_name,
          contactHours,
          ...(supersedes ? { supersedesId: supersedes.id, reason: opts.reason ?? null } : {}),
        },
      },
      ...(supersedes
        ? [
            {
              action: 'certificate.supersede',
              entityType: 'certificate',
              entityId: supersedes.id,
              before: { status: 'issued' },
              after: { status: 'superseded', supersededById: id, reason: opts.reason ?? null },
            },
          ]
        : []),
    ]);
    return { result: { outcome: 'issued', certificateId: id }, notificationIds };
  }

  /** Locks the enrolment and reads everything the certificate records, in one statement. */
  private async snapshot(em: EntityManager, enrolmentId: string): Promise<Snapshot | null> {
    const rows: Snapshot[] = await em.query(
      `SELECT e.status, e.cohort_id, e.route,
              trim(st.given_name || ' ' || st.family_name) AS holder_name, st.given_name, st.email,
              st.erased_at IS NOT NULL AS erased,
              ch.number AS cohort_number, ch.name AS cohort_name, ch.timezone,
              co.code AS course_code, co.title AS course_title, co.provider,
              co.accreditation_body, co.accreditation_level,
              (SELECT round(COALESCE(sum(ar.minutes_attended), 0) / 60.0, 1)
                 FROM attendance_records ar
                WHERE ar.enrolment_id = e.id AND ar.status IN ('present', 'late', 'left_early'))::text
                AS contact_hours,
              (SELECT to_char(max(d.decided_at) AT TIME ZONE ch.timezone, 'YYYY-MM-DD')
                 FROM completion_decisions d
                WHERE d.enrolment_id = e.id AND d.outcome = 'completed') AS completed_on
         FROM enrolments e
         JOIN students st ON st.id = e.student_id
         JOIN cohorts ch ON ch.id = e.cohort_id
         JOIN courses co ON co.id = ch.course_id
        WHERE e.id = $1
          FOR UPDATE OF e`,
      [enrolmentId],
    );
    return rows[0] ?? null;
  }

  private issuedEmailText(s: Snapshot, serial: string, code: string, replaces?: string): string {
    return [
      `Dear ${s.given_name},`,
      '',
      replaces
        ? `A new certificate has been issued for your completion of ${s.course_title} (${s.cohort_name}). It replaces certificate ${replaces}, which is no longer current.`
        : `Congratulations on completing ${s.course_title} (${s.cohort_name}). Your certificate has been issued.`,
      '',
      `Certificate: ${serial}`,
      `Verification code: ${formatVerificationCode(code)}`,
      '',
      'Anyone you show it to can check that it is genuine here:',
      this.verificationUrl(code),
      '',
      'Sign in to POD Cohorts to download the certificate as a PDF.',
    ].join('\n');
  }

  private async currentIssued(em: EntityManager, enrolmentId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM certificates WHERE enrolment_id = $1 AND status = 'issued'`,
      [enrolmentId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Scheduled: completed enrolments without any certificate whose completion is older than
   * `minAgeSeconds` (CERTIFICATES_SWEEP_AGE_SECONDS: the time the normal path is given to issue
   * it) get their issue job again (an API that could not reach Redis, a job lost with Redis).
   * Enrolments with a revoked certificate are not included: revocation is deliberate.
   */
  async sweep(minAgeSeconds: number): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.id FROM enrolments e
        WHERE e.status = 'completed'
          AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.enrolment_id = e.id)
          AND COALESCE((SELECT max(d.decided_at) FROM completion_decisions d WHERE d.enrolment_id = e.id),
                       e.updated_at) < now() - make_interval(secs => $1)
        ORDER BY e.updated_at
        LIMIT 500`,
      [minAgeSeconds],
    );
    if (rows.length) {
      await this.queue.requeueIssue(rows.map((r) => r.id));
      this.logger.log(
        `Certificate sweep queued ${rows.length} completion(s) without a certificate`,
      );
    }
    return rows.length;
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
      await em.query(
        `UPDATE certificates SET status = 'revoked', revoked_at = now(), revoked_reason = $2 WHERE id = $1`,
        [id, reason],
      );
      await this.audit.record(em, actor, {
        action: 'certificate.revoke',
        entityType: 'certificate',
        entityId: id,
        before: { status: 'issued' },
        after: { status: 'revoked', reason },
      });
    });
    return this.get(actor, id);
  }

  /**
   * Records the request (audited, with its reason) and queues the reissue; the worker then
   * supersedes this certificate with a new one in one transaction. Queueing twice is one job.
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
      await this.audit.record(em, actor, {
        action: 'certificate.reissue_request',
        entityType: 'certificate',
        entityId: id,
        after: { reason },
      });
      return rows[0].enrolment_id;
    });
    await this.queue.reissue(enrolmentId, id, reason);
    return this.get(actor, id);
  }

  /** Admin: any certificate; student: their own; anyone else: 404. */
  async get(actor: Actor, id: string): Promise<CertificateView> {
    const rows: CertificateView[] = await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
        WHERE c.id = $1 AND ($2 IN ('admin', 'system') OR ($2 = 'student' AND e.student_id = $3))`,
      [id, actor.role, actor.studentId],
    );
    if (!rows[0]) throw new NotFoundError('Certificate', id);
    return this.present(rows[0]);
  }

  /** The bytes stored at issue, never a re-render. */
  async pdf(actor: Actor, id: string): Promise<{ serial: string; sha256: string; pdf: Buffer }> {
    const rows: Array<{ serial: string; sha256: string; pdf: Buffer }> =
      await this.dataSource.query(
        `SELECT c.serial, c.sha256, c.pdf FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
        WHERE c.id = $1 AND ($2 IN ('admin', 'system') OR ($2 = 'student' AND e.student_id = $3))`,
        [id, actor.role, actor.studentId],
      );
    if (!rows[0]) throw new NotFoundError('Certificate', id);
    // Erasure empties the PDF (it carried the holder's name); the register entry stays.
    if (rows[0].pdf.length === 0) {
      throw new GoneError(
        'certificate_pdf_erased',
        `The PDF of certificate ${rows[0].serial} was erased with its holder's personal data`,
      );
    }
    return rows[0];
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

  /** Public verification by code, in any case, with or without separators. */
  async verify(input: string): Promise<VerificationView> {
    const code = normaliseVerificationCode(input);
    if (!code) throw new NotFoundError('Certificate');
    const rows: Array<{
      status: CertificateStatus;
      serial: string;
      holder_name: string;
      course_title: string;
      cohort_name: string;
      issued_at: Date;
      revoked_at: Date | null;
    }> = await this.dataSource.query(
      `SELECT status, serial, holder_name, course_title, cohort_name, issued_at, revoked_at
         FROM certificates WHERE verification_code = $1`,
      [code],
    );
    const c = rows[0];
    if (!c) throw new NotFoundError('Certificate');
    return {
      status: c.status === 'issued' ? 'valid' : c.status,
      serial: c.serial,
      holderName: c.holder_name,
      courseTitle: c.course_title,
      cohortName: c.cohort_name,
      issuedAt: c.issued_at,
      ...(c.status === 'revoked' && c.revoked_at ? { revokedAt: c.revoked_at } : {}),
    };
  }

  private present(c: CertificateView): CertificateView {
    return {
      ...c,
      verificationCode: formatVerificationCode(c.verificationCode),
      verificationUrl: this.verificationUrl(c.verificationCode),
    };
  }
}
