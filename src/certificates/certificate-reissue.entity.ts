import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Certificate } from './certificate.entity';

/**
 * An administrator's request to reissue a certificate, written in the same transaction as its
 * audit entry, so the request outlives a Redis that was down when it was made. The worker marks
 * it done in the transaction that supersedes the certificate (or finds it no longer issued); the
 * certificates sweep queues again any request left pending. At most one pending request per
 * certificate (`uq_certificate_reissues_pending`).
 */
@Entity()
@Index('uq_certificate_reissues_pending', ['certificateId'], {
  unique: true,
  where: 'done_at IS NULL',
})
export class CertificateReissue {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  certificateId: string;

  @ManyToOne(() => Certificate, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'certificate_id',
    foreignKeyConstraintName: 'fk_certificate_reissues_certificate',
  })
  certificate?: Certificate;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  @CreateDateColumn({ type: 'timestamptz' })
  requestedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  doneAt: Date | null;
}
