import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors';
import type { CertificateStatus } from './certificate.entity';
import { normaliseVerificationCode } from './verification-code';

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

/** Public verification of a certificate by its code: the API route and the page. */
@Injectable()
export class CertificateVerificationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
}
