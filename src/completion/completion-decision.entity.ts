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
import { User } from '../users/user.entity';
import type { CompletionFacts, CompletionRule, RuleResult } from './completion-rules';

export type CompletionOutcome = 'completed' | 'not_completed';

/** A decision with the rules and facts it was taken on; the latest per enrolment stands. */
@Entity()
@Index('ix_completion_decisions_enrolment', ['enrolmentId', 'decidedAt'])
@Check('ck_completion_decisions_outcome', `outcome IN ('completed', 'not_completed')`)
export class CompletionDecision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrolmentId: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'enrolment_id',
    foreignKeyConstraintName: 'fk_completion_decisions_enrolment',
  })
  enrolment?: Enrolment;

  @Column({ type: 'varchar', length: 16 })
  outcome: CompletionOutcome;

  @Column({ type: 'jsonb' })
  rules: CompletionRule[];

  @Column({ type: 'jsonb' })
  facts: CompletionFacts;

  @Column({ type: 'jsonb' })
  results: RuleResult[];

  /** True when an admin overrode the rules; `reason` then says why. */
  @Column({ type: 'boolean', default: false })
  override: boolean;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  reason: string | null;

  /** True when the decision came in with a past cohort's history (taken before this system). */
  @Column({ type: 'boolean', default: false })
  imported: boolean;

  /** Null when the system decided. */
  @Column({ type: 'uuid', nullable: true })
  decidedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'decided_by_id',
    foreignKeyConstraintName: 'fk_completion_decisions_decided_by',
  })
  decidedBy?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  decidedAt: Date;
}
