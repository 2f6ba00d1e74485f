import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A cohort's pending at-risk check, the job request of a register save: the save bumps
 * `requestedVersion` in its own transaction, so the request outlives a Redis that was down when
 * the register was saved. A check reads the version before it measures and, in its transaction,
 * raises `checkedVersion` to it; a save that committed meanwhile has a higher version and stays
 * pending. The notifications sweep queues every cohort whose `requestedVersion` is ahead. One row
 * per cohort, so the table stays as small as the cohorts table and the job ids
 * (`risk-<cohort>-<version>`) never repeat. No foreign key to cohorts, as risk_states has none to
 * enrolments: its check would take a share lock on the cohort row at the end of a register save,
 * in the opposite order to the enrolment transitions (cohort first, then enrolments), and the
 * two could deadlock.
 */
@Entity()
export class RiskCheckRequest {
  @PrimaryColumn({ type: 'uuid' })
  cohortId: string;

  @Column({ type: 'integer', default: 1 })
  requestedVersion: number;

  @Column({ type: 'integer', default: 0 })
  checkedVersion: number;

  /** When the latest request was made: the sweep leaves younger ones to their own job. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;
}
