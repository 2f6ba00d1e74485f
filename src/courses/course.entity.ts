import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { CompletionRule } from '../completion/completion-rules';

export const ROUTES = ['graduate_certificate', 'postgraduate_certificate'] as const;
export type AcademicRoute = (typeof ROUTES)[number];

export class CourseTargets {
  @Column({ type: 'integer' })
  contactHours: number;

  @Column({ type: 'integer' })
  independentHours: number;
}

export interface AssessmentDefinition {
  code: string;
  title: string;
  required: boolean;
}

@Entity()
export class Course {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_courses_code', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'varchar', length: 300 })
  provider: string;

  @Column({ type: 'varchar', length: 200 })
  accreditationBody: string;

  @Column({ type: 'varchar', length: 200 })
  accreditationLevel: string;

  @Column({
    type: 'jsonb',
    default: () => `'["graduate_certificate", "postgraduate_certificate"]'`,
  })
  routes: AcademicRoute[];

  @Column(() => CourseTargets)
  targets: CourseTargets;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  assessments: AssessmentDefinition[];

  @Column({ type: 'jsonb', default: () => `'[]'` })
  defaultCompletionRules: CompletionRule[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
