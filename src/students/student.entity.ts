import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const PROFESSIONS = [
  'nurse',
  'psychiatrist',
  'psychologist',
  'social_worker',
  'occupational_therapist',
  'family_therapist',
  'peer_support_worker',
  'support_worker',
  'doctor',
  'other',
] as const;
export type Profession = (typeof PROFESSIONS)[number];

@Entity()
@Index('ix_students_family_name', ['familyName', 'givenName'])
export class Student {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  givenName: string;

  @Column({ type: 'varchar', length: 100 })
  familyName: string;

  /** Stored lower-cased; unique. After erasure it is a pseudonymous placeholder. */
  @Index('uq_students_email', { unique: true })
  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 40 })
  profession: Profession;

  @Column({ type: 'varchar', length: 200, nullable: true })
  employer: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  registrationNumber: string | null;

  /** Set when personal data was erased on request; the row stays for accreditation. */
  @Column({ type: 'timestamptz', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
