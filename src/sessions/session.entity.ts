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
import { Block } from '../cohorts/block.entity';

export const SESSION_KINDS = [
  'teaching',
  'residential',
  'supervision',
  'peer_group',
  'online',
] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** One timetabled teaching event. Instants are stored in UTC (timestamptz). */
@Entity()
@Index('ix_sessions_cohort_starts', ['cohortId', 'startsAt'])
@Index('ix_sessions_block', ['blockId'])
@Index('ix_sessions_starts', ['startsAt'])
@Check('ck_sessions_times', 'ends_at > starts_at')
@Check('ck_sessions_contact_minutes', 'contact_minutes >= 0')
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  cohortId: string;

  @ManyToOne(() => Cohort, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cohort_id', foreignKeyConstraintName: 'fk_sessions_cohort' })
  cohort?: Cohort;

  @Column({ type: 'uuid', nullable: true })
  blockId: string | null;

  @ManyToOne(() => Block, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'block_id', foreignKeyConstraintName: 'fk_sessions_block' })
  block?: Block;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 16, default: 'teaching' })
  kind: SessionKind;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'integer' })
  contactMinutes: number;

  @Column({ type: 'varchar', length: 300, nullable: true })
  location: string | null;

  @Column({ type: 'boolean', default: true })
  mandatory: boolean;

  /**
   * Set when the session is called off. A cancelled session stays in the record (and in calendar
   * feeds, as STATUS:CANCELLED) but no longer counts in anyone's measures.
   */
  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  cancelReason: string | null;

  /** iCalendar SEQUENCE: raised on every change a calendar app must pick up (times, cancelling). */
  @Column({ type: 'integer', default: 0 })
  sequence: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
