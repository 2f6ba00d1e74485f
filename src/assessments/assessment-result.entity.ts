import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Enrolment } from '../enrolments/enrolment.entity';
import { User } from '../users/user.entity';

export const ASSESSMENT_OUTCOMES = ['pass', 'refer', 'fail'] as const;
export type AssessmentOutcome = (typeof ASSESSMENT_OUTCOMES)[number];

/** The latest result of one assessment for one enrolment; `attempt` counts resubmissions. */
@Entity()
@Index('uq_assessment_results_enrolment_code', ['enrolmentId', 'assessmentCode'], { unique: true })
@Check('ck_assessment_results_outcome', `outcome IN ('pass', 'refer', 'fail')`)
export class AssessmentResult {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'fk_assessment_results_enrolment' })
  enrolment?: Enrolment;

  @Column({ type: 'varchar', length: 32 })
  assessmentCode: string;

  @Column({ type: 'varchar', length: 8 })
  outcome: AssessmentOutcome;

  @Column({ type: 'numeric', precision: 5, scale: 1, nullable: true })
  mark: string | null;

  @Column({ type: 'integer', default: 1 })
  attempt: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'recorded_by_id',
    foreignKeyConstraintName: 'fk_assessment_results_recorded_by',
  })
  recordedBy?: User;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
