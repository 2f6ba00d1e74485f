import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../auth/actor';
import { AppConfig } from '../infrastructure/config/app-config';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { NotificationsService } from '../notifications/notifications.service';
import { measuresQuery } from '../progress/measures.query';
import { certificateIssuedEmail } from './certificate-emails';
import {
  accreditationLine,
  renderCertificatePdf,
  routeInWords,
  verificationQr,
  QrMatrix,
} from './certificate-pdf';
import type { CertificateStatus } from './certificate.entity';
import { CertificatesQueue } from './certificates.queue';
import {
  formatVerificationCode,
  generateVerificationCode,
  verificationUrl,
} from './verification-code';

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

/** Advisory-lock namespace for "next certificate sequence of this cohort". */
const SEQUENCE_LOCK_NAMESPACE = 50_002;

/**
 * The worker's side of certificates: issuing (and reissuing) exactly once, and the sweep that
 * finds requests whose job never reached Redis or was lost with it.
 */
@Injectable()
export class CertificateIssuingService {
  private readonly logger = new Logger(CertificateIssuingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly queue: CertificatesQueue,
  ) {}

  private verificationUrl(code: string): string {
    return verificationUrl(this.config.PUBLIC_BASE_URL, code);
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
    if (opts.supersedesId) {
      // Whatever this run finds, the request is answered; a rollback leaves it pending.
      await em.query(
        `UPDATE certificate_reissues SET done_at = now()
          WHERE certificate_id = $1 AND done_at IS NULL`,
        [opts.supersedesId],
      );
    }
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
          ...certificateIssuedEmail({
            givenName: snapshot.given_name,
            courseTitle: snapshot.course_title,
            cohortName: snapshot.cohort_name,
            serial,
            verificationCode: formatVerificationCode(code),
            verificationUrl: this.verificationUrl(code),
            replacesSerial: supersedes?.serial,
          }),
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
    // Contact hours are the attended minutes of the sessions that count, exactly as progress,
    // the completion decision and the accreditation export measure them.
    const m = measuresQuery({ enrolmentIds: [enrolmentId] }, { firstParam: 2 });
    const rows: Snapshot[] = await em.query(
      `SELECT e.status, e.cohort_id, e.route,
              trim(st.given_name || ' ' || st.family_name) AS holder_name, st.given_name, st.email,
              st.erased_at IS NOT NULL AS erased,
              ch.number AS cohort_number, ch.name AS cohort_name, ch.timezone,
              co.code AS course_code, co.title AS course_title, co.provider,
              co.accreditation_body, co.accreditation_level,
              (SELECT round(COALESCE(m.attended_minutes, 0) / 60.0, 1) FROM (${m.sql}) m)::text
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
      [enrolmentId, ...m.params],
    );
    return rows[0] ?? null;
  }

  private async currentIssued(em: EntityManager, enrolmentId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM certificates WHERE enrolment_id = $1 AND status = 'issued'`,
      [enrolmentId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Scheduled: queues again (1) completed enrolments without any certificate whose completion is
   * older than `minAgeSeconds` (CERTIFICATES_SWEEP_AGE_SECONDS: the time the normal path is
   * given; their request is the completed status itself, committed with the decision), and (2)
   * reissue requests pending for longer than that. Enrolments with a revoked certificate are not
   * included: revocation is deliberate.
   */
  async sweep(minAgeSeconds: number): Promise<number> {
    const issues: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.id FROM enrolments e
        WHERE e.status = 'completed'
          AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.enrolment_id = e.id)
          AND COALESCE((SELECT max(d.decided_at) FROM completion_decisions d WHERE d.enrolment_id = e.id),
                       e.updated_at) < now() - make_interval(secs => $1)
        ORDER BY e.updated_at
        LIMIT 500`,
      [minAgeSeconds],
    );
    const reissues: Array<{ enrolmentId: string; certificateId: string; reason: string }> =
      await this.dataSource.query(
        `SELECT enrolment_id AS "enrolmentId", certificate_id AS "certificateId", reason
           FROM certificate_reissues
          WHERE done_at IS NULL AND requested_at < now() - make_interval(secs => $1)
          ORDER BY requested_at
          LIMIT 500`,
        [minAgeSeconds],
      );
    if (issues.length) await this.queue.requeueIssue(issues.map((r) => r.id));
    if (reissues.length) await this.queue.requeueReissue(reissues);
    const queued = issues.length + reissues.length;
    if (queued) {
      this.logger.log(
        `Certificate sweep queued ${issues.length} issue(s) and ${reissues.length} reissue(s)`,
      );
    }
    return queued;
  }
}
