import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Enrolment } from '../enrolments/enrolment.entity';
import { User } from '../users/user.entity';

export const STUDY_KINDS = [
  'reading',
  'reflective_writing',
  'peer_practice',
  'supervision',
  'other',
] as const;
export type StudyKind = (typeof STUDY_KINDS)[number];

export const STUDY_ENTRY_STATUSES = ['submitted', 'approved', 'returned'] as const;
export type StudyEntryStatus = (typeof STUDY_ENTRY_STATUSES)[number];

/**
 * One entry of a student's independent study log. Only `approved` minutes count toward the
 * course's independent-hours target and the `min_independent_hours` rule; a returned entry can
 * be corrected by the student, which submits it again.
 */
// The naming strategy would pluralise this as 'study_log_entrys'.
@Entity({ name: 'study_log_entries' })
@Index('ix_study_log_entries_enrolment', ['enrolmentId', 'studiedOn'])
@Check('ck_study_log_entries_minutes', `minutes BETWEEN 1 AND 1440`)
@Check(
  'ck_study_log_entries_kind',
  `kind IN ('reading', 'reflective_writing', 'peer_practice', 'supervision', 'other')`,
)
@Check('ck_study_log_entries_status', `status IN ('submitted', 'approved', 'returned')`)
export class StudyLogEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'fk_study_log_entries_enrolment' })
  enrolment?: Enrolment;

  /** The day of study, in the cohort's time zone. */
  @Column({ type: 'date' })
  studiedOn: string;

  @Column({ type: 'integer' })
  minutes: number;

  @Column({ type: 'varchar', length: 24 })
  kind: StudyKind;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  reflection: string | null;

  @Column({ type: 'varchar', length: 12, default: 'submitted' })
  status: StudyEntryStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reviewComment: string | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'reviewed_by_id',
    foreignKeyConstraintName: 'fk_study_log_entries_reviewed_by',
  })
  reviewedBy?: User;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
