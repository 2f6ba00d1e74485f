import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Whether an enrolment was last seen at risk. A warning is sent when it goes from not at risk to
 * at risk (a crossing), not on every register save; `crossings` numbers them for dedupe keys.
 */
@Entity()
export class RiskState {
  @PrimaryColumn({ type: 'uuid' })
  enrolmentId: string;

  @Column({ type: 'boolean', default: false })
  atRisk: boolean;

  @Column({ type: 'integer', default: 0 })
  crossings: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
