import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, RuleViolationError } from '../common/errors';
import { Page, page } from '../common/pagination';
import { ruleReferenceProblems, toCompletionRules } from '../cohorts/dto/completion-rule.dto';
import { isUniqueViolation } from '../infrastructure/database/pg-errors';
import { Course, ROUTES } from './course.entity';
import type { AssessmentDefinition } from './course.entity';
import { CreateCourseDto } from './dto/create-course.dto';
import { ListCoursesQuery } from './dto/list-courses.query';
import { UpdateCourseDto } from './dto/update-course.dto';

@Injectable()
export class CoursesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(q: ListCoursesQuery): Promise<Page<Course>> {
    const [items, total] = await this.dataSource.getRepository(Course).findAndCount({
      order: { code: 'ASC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return page(items, total, q);
  }

  async get(id: string): Promise<Course> {
    const course = await this.dataSource.getRepository(Course).findOneBy({ id });
    if (!course) throw new NotFoundError('Course', id);
    return course;
  }

  async create(actor: Actor, dto: CreateCourseDto): Promise<Course> {
    const assessments = toAssessments(dto.assessments);
    const rules = toCompletionRules(dto.defaultCompletionRules);
    const problems = ruleReferenceProblems(rules, assessments, 'defaultCompletionRules');
    if (problems.length) {
      throw new RuleViolationError(
        'unknown_assessment_code',
        'defaultCompletionRules name assessments the course does not define',
        problems,
      );
    }
    return this.uniqueCode(dto.code, () =>
      this.dataSource.transaction(async (em) => {
        const course = await em.save(
          em.create(Course, {
            code: dto.code,
            title: dto.title,
            provider: dto.provider,
            accreditationBody: dto.accreditationBody,
            accreditationLevel: dto.accreditationLevel,
            routes: dto.routes ? [...dto.routes] : [...ROUTES],
            targets: {
              contactHours: dto.targets.contactHours,
              independentHours: dto.targets.independentHours,
            },
            assessments,
            defaultCompletionRules: rules,
          }),
        );
        await this.audit.record(em, actor, {
          action: 'course.create',
          entityType: 'course',
          entityId: course.id,
          after: auditView(course),
        });
        return course;
      }),
    );
  }

  async update(actor: Actor, id: string, dto: UpdateCourseDto): Promise<Course> {
    return this.uniqueCode(dto.code, () =>
      this.dataSource.transaction(async (em) => {
        const course = await em
          .getRepository(Course)
          .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!course) throw new NotFoundError('Course', id);
        const before = auditView(course);

        if (dto.code !== undefined) course.code = dto.code;
        if (dto.title !== undefined) course.title = dto.title;
        if (dto.provider !== undefined) course.provider = dto.provider;
        if (dto.accreditationBody !== undefined) course.accreditationBody = dto.accreditationBody;
        if (dto.accreditationLevel !== undefined)
          course.accreditationLevel = dto.accreditationLevel;
        if (dto.routes !== undefined) course.routes = [...dto.routes];
        if (dto.targets !== undefined) {
          course.targets = {
            contactHours: dto.targets.contactHours,
            independentHours: dto.targets.independentHours,
          };
        }
        if (dto.assessments !== undefined) course.assessments = toAssessments(dto.assessments);
        if (dto.defaultCompletionRules !== undefined) {
          course.defaultCompletionRules = toCompletionRules(dto.defaultCompletionRules);
        }

        const problems = ruleReferenceProblems(
          course.defaultCompletionRules,
          course.assessments,
          'defaultCompletionRules',
        );
        if (problems.length) {
          throw new RuleViolationError(
            'unknown_assessment_code',
            'defaultCompletionRules name assessments the course does not define',
            problems,
          );
        }
        if (dto.assessments !== undefined) await this.assertCohortRulesStillResolve(em, course);

        const saved = await em.save(course);
        await this.audit.record(em, actor, {
          action: 'course.update',
          entityType: 'course',
          entityId: id,
          before,
          after: auditView(saved),
        });
        return saved;
      }),
    );
  }

  /** A cohort's rules may name assessment codes: removing such a code would orphan the rule. */
  private async assertCohortRulesStillResolve(em: EntityManager, course: Course): Promise<void> {
    const rows: Array<{ number: number; code: string }> = await em.query(
      `SELECT DISTINCT c.number, code
         FROM cohorts c,
              jsonb_array_elements(c.completion_rules) AS r,
              jsonb_array_elements_text(CASE WHEN jsonb_typeof(r -> 'codes') = 'array' THEN r -> 'codes' ELSE '[]'::jsonb END) AS code
        WHERE c.course_id = $1 AND NOT (code = ANY($2::text[]))
        ORDER BY c.number, code`,
      [course.id, course.assessments.map((a) => a.code)],
    );
    if (rows.length) {
      throw new RuleViolationError(
        'assessment_in_use',
        'Cohort completion rules still name assessments this change removes',
        rows.map((r) => ({
          field: 'assessments',
          message: `cohort ${r.number} requires assessment ${r.code}`,
        })),
      );
    }
  }

  private async uniqueCode<T>(code: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'uq_courses_code')) {
        throw new ConflictError('course_code_taken', `A course with code ${code} already exists`, [
          { field: 'code', message: 'code is already used by another course' },
        ]);
      }
      throw error;
    }
  }
}

function toAssessments(list: AssessmentDefinition[]): AssessmentDefinition[] {
  return list.map((a) => ({ code: a.code, title: a.title, required: a.required }));
}

function auditView(c: Course): Record<string, unknown> {
  return {
    code: c.code,
    title: c.title,
    provider: c.provider,
    accreditationBody: c.accreditationBody,
    accreditationLevel: c.accreditationLevel,
    routes: c.routes,
    targets: { ...c.targets },
    assessments: c.assessments,
    defaultCompletionRules: c.defaultCompletionRules,
  };
}
