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
import { Cohort } from '../cohorts/cohort.entity';
import { Student } from '../students/student.entity';
import type { AcademicRoute } from '../courses/course.entity';

export const ENROLMENT_STATUSES = [
  'waitlisted',
  'enrolled',
  'deferred',
  'withdrawn',
  'transferred',
  'completed',
  'not_completed',
] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

/** Statuses that take one of the cohort's seats. */
export const SEATED_STATUSES: readonly EnrolmentStatus[] = [
  'enrolled',
  'completed',
  'not_completed',
];

/**
 * SEATED_STATUSES as an SQL list, `('enrolled', ...)`, for a query that cannot take it as a
 * parameter (a fragment embedded with its own numbering). Index and check predicates on the
 * entity stay literal: the migration drift check compares them as written.
 */
export const SEATED_SQL_LIST = `(${SEATED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

@Entity()
@Index('uq_enrolments_student_cohort', ['studentId', 'cohortId'], { unique: true })
@Index('uq_enrolments_active_per_course', ['studentId', 'courseId'], {
  unique: true,
  where: `status IN ('waitlisted', 'enrolled', 'deferred')`,
})
@Index('ix_enrolments_cohort_status', ['cohortId', 'status', 'queuedAt'])
@Check(
  'ck_enrolments_status',
  `status IN ('waitlisted', 'enrolled', 'deferred', 'withdrawn', 'transferred', 'completed', 'not_completed')`,
)
@Check('ck_enrolments_route', `route IN ('graduate_certificate', 'postgraduate_certificate')`)
export class Enrolment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_enrolments_student' })
  student?: Student;

  @Column({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'fk_enrolments_cohort' })
  cohort?: Cohort;

  /** Denormalised from the cohort so "one active enrolment per course" is a unique index. */
  @Column({ type: 'uuid' })
  courseId: string;

  @Column({ type: 'varchar', length: 32 })
  route: AcademicRoute;

  @Column({ type: 'varchar', length: 16 })
  status: EnrolmentStatus;

  /** When the student started on the cohort; sessions before it never count. Backdatable. */
  @Column({ type: 'timestamptz' })
  enrolledAt: Date;

  /** Waiting-list order: first queued is first seated. */
  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  queuedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  seatedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason: string | null;

  @Column({ type: 'uuid', nullable: true })
  transferredFromId: string | null;

  @ManyToOne(() => Enrolment, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'transferred_from_id',
    foreignKeyConstraintName: 'fk_enrolments_transferred_from',
  })
  transferredFrom?: Enrolment;

  @Column({ type: 'uuid', nullable: true })
  transferredToId: string | null;

  @ManyToOne(() => Enrolment, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'transferred_to_id',
    foreignKeyConstraintName: 'fk_enrolments_transferred_to',
  })
  transferredTo?: Enrolment;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
