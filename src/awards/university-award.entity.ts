import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Enrolment } from '../enrolments/enrolment.entity';
import { User } from '../users/user.entity';

export const AWARD_RESULTS = ['pass', 'merit', 'distinction', 'fail', 'pending'] as const;
export type AwardResult = (typeof AWARD_RESULTS)[number];

/**
 * The university award of one enrolment, as the university conferred it. The system only records
 * it: the course certificate is a separate credential and never claims it.
 */
@Entity()
@Index('uq_university_awards_enrolment', ['enrolmentId'], { unique: true })
@Check(
  'ck_university_awards_result',
  `result IN ('pass', 'merit', 'distinction', 'fail', 'pending')`,
)
@Check('ck_university_awards_level', `level BETWEEN 1 AND 8`)
@Check('ck_university_awards_credits', `credits BETWEEN 0 AND 360`)
export class UniversityAward {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'fk_university_awards_enrolment' })
  enrolment?: Enrolment;

  @Column({ type: 'varchar', length: 200 })
  awardingBody: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  /** FHEQ level: 6 for the graduate certificate, 7 for the postgraduate certificate. */
  @Column({ type: 'integer' })
  level: number;

  @Column({ type: 'integer' })
  credits: number;

  @Column({ type: 'varchar', length: 12 })
  result: AwardResult;

  /** Null while the result is pending or the date is not known. */
  @Column({ type: 'date', nullable: true })
  conferredOn: string | null;

  @Column({ type: 'uuid', nullable: true })
  recordedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'recorded_by_id',
    foreignKeyConstraintName: 'fk_university_awards_recorded_by',
  })
  recordedBy?: User;

  @UpdateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}
