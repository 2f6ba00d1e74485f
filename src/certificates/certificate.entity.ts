import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Enrolment } from '../enrolments/enrolment.entity';

export const CERTIFICATE_STATUSES = ['issued', 'revoked', 'superseded'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/**
 * Issued once per completed enrolment: the partial unique index `uq_certificates_one_issued`
 * allows one `issued` certificate per enrolment however often the job runs. The PDF is rendered
 * once, at issue, and its bytes never change.
 */
@Entity()
@Index('uq_certificates_one_issued', ['enrolmentId'], { unique: true, where: `status = 'issued'` })
@Index('uq_certificates_serial', ['serial'], { unique: true })
@Index('uq_certificates_verification_code', ['verificationCode'], { unique: true })
@Index('uq_certificates_cohort_sequence', ['cohortId', 'sequence'], { unique: true })
@Index('ix_certificates_enrolment', ['enrolmentId'])
@Check('ck_certificates_status', `status IN ('issued', 'revoked', 'superseded')`)
export class Certificate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'fk_certificates_enrolment' })
  enrolment?: Enrolment;

  @Column({ type: 'uuid' })
  cohortId: string;

  /** 1, 2, 3... within the cohort; the serial is `${courseCode}-C${cohortNumber}-${sequence:0000}`. */
  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'varchar', length: 40 })
  serial: string;

  /** Normalised: upper case, no separators. */
  @Column({ type: 'varchar', length: 32 })
  verificationCode: string;

  @Column({ type: 'varchar', length: 16, default: 'issued' })
  status: CertificateStatus;

  @Column({ type: 'varchar', length: 250 })
  holderName: string;

  @Column({ type: 'varchar', length: 300 })
  courseTitle: string;

  @Column({ type: 'varchar', length: 200 })
  cohortName: string;

  @Column({ type: 'varchar', length: 32 })
  route: string;

  @Column({ type: 'numeric', precision: 7, scale: 1 })
  contactHours: string;

  @Column({ type: 'varchar', length: 400 })
  accreditationLine: string;

  @Column({ type: 'date', nullable: true })
  completedOn: string | null;

  @Column({ type: 'timestamptz' })
  issuedAt: Date;

  @Column({ type: 'bytea', select: false })
  pdf: Buffer;

  /**
   * Issued on paper before this system and recorded by the history import: no PDF was rendered
   * here (`pdf` is empty), the serial and issue date are the paper's.
   */
  @Column({ type: 'boolean', default: false })
  onPaper: boolean;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  revokedReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  supersededById: string | null;

  @ManyToOne(() => Certificate, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'superseded_by_id',
    foreignKeyConstraintName: 'fk_certificates_superseded_by',
  })
  supersededBy?: Certificate;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
