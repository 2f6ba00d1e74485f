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
import { Cohort } from './cohort.entity';

/** A teaching block of a cohort, e.g. "Residential week 2". */
@Entity()
@Index('ix_blocks_cohort', ['cohortId', 'startDate'])
@Check('ck_blocks_dates', 'end_date >= start_date')
export class Block {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'fk_blocks_cohort' })
  cohort?: Cohort;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date' })
  endDate: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
