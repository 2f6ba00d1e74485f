import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Student } from '../students/student.entity';
import { Cohort } from '../cohorts/cohort.entity';

export const ROLES = ['admin', 'tutor', 'student'] as const;
export type Role = (typeof ROLES)[number];

@Entity()
@Check('ck_users_role', `role IN ('admin', 'tutor', 'student')`)
@Check('ck_users_student_link', `(role = 'student') = (student_id IS NOT NULL)`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased; unique. */
  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName: string | null;

  @Index('uq_users_student_id', { unique: true })
  @Column({ type: 'uuid', nullable: true })
  studentId: string | null;

  @OneToOne(() => Student, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'student_id', foreignKeyConstraintName: 'fk_users_student' })
  student?: Student;

  /**
   * False for a login made by an invitation until its person sets a password: such a login has an
   * unusable random hash, and "students without a login" includes them.
   */
  @Column({ type: 'boolean', default: true })
  passwordSet: boolean;

  /** Set when an administrator disables the login: it cannot sign in, and its sessions ended. */
  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** Cohorts a tutor teaches; tutors see only these. */
  @ManyToMany(() => Cohort)
  @JoinTable({
    name: 'cohort_tutors',
    joinColumn: { name: 'user_id', foreignKeyConstraintName: 'fk_cohort_tutors_user' },
    inverseJoinColumn: { name: 'cohort_id', foreignKeyConstraintName: 'fk_cohort_tutors_cohort' },
  })
  cohorts?: Cohort[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
