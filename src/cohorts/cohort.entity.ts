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
import { Course } from '../courses/course.entity';
import type { CompletionRule } from '../completion/completion-rules';

export const COHORT_STATUSES = [
  'planned',
  'enrolling',
  'running',
  'completed',
  'archived',
] as const;
export type CohortStatus = (typeof COHORT_STATUSES)[number];

export interface ReminderSettings {
  /** ISO 8601 durations before the first session of each block, e.g. ["P7D", "P1D"]. */
  blockOffsets?: string[];
  /** ISO 8601 durations before any other session, e.g. ["P1D"]. */
  sessionOffsets?: string[];
  enabled?: boolean;
}

@Entity()
@Index('uq_cohorts_course_number', ['courseId', 'number'], { unique: true })
@Check('ck_cohorts_capacity', 'capacity > 0')
@Check('ck_cohorts_dates', 'end_date >= start_date')
export class Cohort {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'fk_cohorts_course' })
  course?: Course;

  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date' })
  endDate: string;

  @Column({ type: 'integer' })
  capacity: number;

  @Column({ type: 'varchar', length: 16, default: 'planned' })
  status: CohortStatus;

  /** An administrator chose the status: it no longer follows the cohort's dates. */
  @Column({ type: 'boolean', default: false })
  statusSetByHand: boolean;

  /** IANA time zone; session times entered without an offset are local to it. */
  @Column({ type: 'varchar', length: 64, default: 'Europe/London' })
  timezone: string;

  /** Copied from the course's default at creation, then editable per cohort. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  completionRules: CompletionRule[];

  @Column({ type: 'integer', default: 3 })
  warnAfterConsecutiveAbsences: number;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  reminderSettings: ReminderSettings;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
