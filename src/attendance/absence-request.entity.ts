import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Enrolment } from '../enrolments/enrolment.entity';
import { Session } from '../sessions/session.entity';
import { User } from '../users/user.entity';

export const ABSENCE_REQUEST_STATUSES = ['pending', 'approved', 'declined'] as const;
export type AbsenceRequestStatus = (typeof ABSENCE_REQUEST_STATUSES)[number];

/** A student's apology for one or more future sessions, approved or declined by staff. */
@Entity()
@Index('ix_absence_requests_enrolment', ['enrolmentId'])
@Check('ck_absence_requests_status', `status IN ('pending', 'approved', 'declined')`)
export class AbsenceRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'fk_absence_requests_enrolment' })
  enrolment?: Enrolment;

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: AbsenceRequestStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  decisionComment: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by_id', foreignKeyConstraintName: 'fk_absence_requests_decided_by' })
  decidedBy?: User;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** The sessions an apology covers. */
@Entity()
@Index('ix_absence_request_sessions_session', ['sessionId'])
export class AbsenceRequestSession {
  @PrimaryColumn({ type: 'uuid' })
  requestId: string;

  @ManyToOne(() => AbsenceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'request_id',
    foreignKeyConstraintName: 'fk_absence_request_sessions_request',
  })
  request?: AbsenceRequest;

  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'session_id',
    foreignKeyConstraintName: 'fk_absence_request_sessions_session',
  })
  session?: Session;
}
