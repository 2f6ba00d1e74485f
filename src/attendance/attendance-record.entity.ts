import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Session } from '../sessions/session.entity';
import { Enrolment } from '../enrolments/enrolment.entity';
import { User } from '../users/user.entity';

export const ATTENDANCE_STATUSES = ['present', 'late', 'left_early', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

@Entity()
@Index('uq_attendance_session_enrolment', ['sessionId', 'enrolmentId'], { unique: true })
@Index('ix_attendance_enrolment', ['enrolmentId'])
@Check('ck_attendance_status', `status IN ('present', 'late', 'left_early', 'excused', 'absent')`)
@Check('ck_attendance_minutes', 'minutes_attended >= 0')
export class AttendanceRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_attendance_session' })
  session?: Session;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'fk_attendance_enrolment' })
  enrolment?: Enrolment;

  @Column({ type: 'varchar', length: 16 })
  status: AttendanceStatus;

  @Column({ type: 'integer' })
  minutesAttended: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  markedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'marked_by_id', foreignKeyConstraintName: 'fk_attendance_marked_by' })
  markedBy?: User;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  markedAt: Date;

  /** When the student checked themselves in with the session's code (null: marked by a tutor). */
  @Column({ type: 'timestamptz', nullable: true })
  checkedInAt: Date | null;
}
