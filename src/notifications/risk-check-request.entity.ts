import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Cohort } from '../cohorts/cohort.entity';

/**
 * A cohort's pending at-risk check, the job request of a register save: the save bumps
 * `requestedVersion` in its own transaction, so the request outlives a Redis that was down when
 * the register was saved. A check reads the version before it measures and, in its transaction,
 * raises `checkedVersion` to it; a save that committed meanwhile has a higher version and stays
 * pending. The notifications sweep queues every cohort whose `requestedVersion` is ahead. One row
 * per cohort, so the table stays as small as the cohorts table and the job ids
 * (`risk-<cohort>-<version>`) never repeat.
 */
@Entity()
export class RiskCheckRequest {
  @PrimaryColumn({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'fk_risk_check_requests_cohort' })
  cohort?: Cohort;

  @Column({ type: 'integer', default: 1 })
  requestedVersion: number;

  @Column({ type: 'integer', default: 0 })
  checkedVersion: number;

  /** When the latest request was made: the sweep leaves younger ones to their own job. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;
}
