import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AttendanceService, RegisterView } from '../attendance/attendance.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService, CohortView } from '../cohorts/cohorts.service';
import { DomainError } from '../common/errors';
import { UuidParam } from '../common/uuid-param';
import { SessionsService, SessionView } from '../sessions/sessions.service';
import { groupByBlock } from './cohort-page';
import { CsrfGuard } from './csrf.guard';
import { formError, FormError, formErrorsFrom } from './forms';
import { PageRenderer } from './page-renderer.service';
import {
  allPresent,
  readRegisterForm,
  registerErrorsFromService,
  registerField,
  registerRecords,
  RegisterFormRow,
  RegisterStudent,
  storedRows,
} from './register-form';
import { WebExceptionFilter } from './web-exception.filter';

const ALL_SESSIONS = { limit: 500, offset: 0 };

/**
 * The tutor's way to a register: their cohort's sessions, then the register of one session,
 * taken in one submit. Admins may use these pages too; a tutor who does not teach the cohort
 * gets "Page not found" (the services answer 404 for cohorts they may not see).
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class TutorPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly cohorts: CohortsService,
    private readonly sessions: SessionsService,
    private readonly attendance: AttendanceService,
  ) {}

  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId')
  async cohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const [sessions, counts] = await Promise.all([
      this.sessions.list(actor, cohortId, ALL_SESSIONS),
      this.attendance.registerCounts(actor, cohortId),
    ]);
    return this.pages.render(reply, 'tutor/cohort.njk', {
      title: cohort.name,
      cohort,
      groups: groupByBlock(sessions.items, counts),
      backHref: actor.role === 'admin' ? `/admin/cohorts/${cohort.id}` : '/tutor',
    });
  }

  @Roles('admin', 'tutor')
  @Get('tutor/sessions/:sessionId/register')
  async register(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Query('saved') saved: unknown,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.load(actor, sessionId);
    const unmarked = page.register.items.filter((i) => !i.record).length;
    return this.render(reply, page, storedRows(page.register.items), [], {
      saved: typeof saved === 'string' && /^\d+$/.test(saved) ? Number(saved) : null,
      unmarked,
    });
  }

  @Roles('admin', 'tutor')
  @Post('tutor/sessions/:sessionId/register')
  async saveRegister(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.load(actor, sessionId);
    const students = registerStudents(page.register);
    const rows = readRegisterForm(body, students);
    const action = (body as Record<string, unknown> | undefined)?.action;
    if (action === 'all-present') {
      // The no-script twin of the button's script: set every choice, save nothing yet.
      return this.render(reply, page, allPresent(rows), [], { allPresent: true });
    }

    const { records, errors } = registerRecords(rows, students);
    if (errors.length === 0 && records.length === 0 && students.length > 0) {
      errors.push(
        formError(
          registerField(students[0].enrolmentId, 'status'),
          'Select whether each student attended',
        ),
      );
    }
    if (errors.length === 0) {
      try {
        const result = await this.attendance.save(actor, sessionId, { records });
        return reply.redirect(
          `/tutor/sessions/${sessionId}/register?saved=${result.saved + result.unchanged}`,
          303,
        );
      } catch (error) {
        errors.push(...serviceErrors(error, records, students));
      }
    }
    return this.render(reply, page, rows, errors, {}, 422);
  }

  private async load(actor: Actor, sessionId: string): Promise<RegisterPage> {
    const [session, register] = await Promise.all([
      this.sessions.get(actor, sessionId),
      this.attendance.register(actor, sessionId),
    ]);
    const cohort = await this.cohorts.get(actor, session.cohortId);
    return { actor, session, cohort, register };
  }

  private render(
    reply: FastifyReply,
    page: RegisterPage,
    rows: RegisterFormRow[],
    errors: FormError[],
    notice: { saved?: number | null; unmarked?: number; allPresent?: boolean },
    status = 200,
  ) {
    const { session, cohort, register, actor } = page;
    const byId = new Map(rows.map((r) => [r.enrolmentId, r]));
    return this.pages.render(
      reply,
      'tutor/register.njk',
      {
        title: `Register: ${session.title}`,
        session,
        cohort,
        entries: register.items.map((item) => ({ ...item, form: byId.get(item.enrolmentId) })),
        lastMarked: lastMarked(register),
        notice,
        errors,
        backHref:
          actor.role === 'admin'
            ? `/admin/cohorts/${cohort.id}#timetable`
            : `/tutor/cohorts/${cohort.id}`,
      },
      status,
    );
  }
}

interface RegisterPage {
  actor: Actor;
  session: SessionView;
  cohort: CohortView;
  register: RegisterView;
}

function registerStudents(register: RegisterView): RegisterStudent[] {
  return register.items.map((i) => ({ enrolmentId: i.enrolmentId, studentName: i.studentName }));
}

/** The most recent mark on the register: who saved it last and when. */
function lastMarked(register: RegisterView): { by: string | null; at: Date } | null {
  let latest: { by: string | null; at: Date } | null = null;
  for (const { record } of register.items) {
    if (record && (!latest || new Date(record.markedAt) > latest.at)) {
      latest = { by: record.markedByName, at: new Date(record.markedAt) };
    }
  }
  return latest;
}

function serviceErrors(
  error: unknown,
  records: ReturnType<typeof registerRecords>['records'],
  students: RegisterStudent[],
): FormError[] {
  if (error instanceof DomainError && [400, 422].includes(error.status) && error.errors?.length) {
    return registerErrorsFromService(error.errors, records, students);
  }
  return formErrorsFrom(error);
}
