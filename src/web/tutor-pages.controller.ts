import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AttendanceService, RegisterView } from '../attendance/attendance.service';
import { sendFile } from '../attendance/register-exports.controller';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService, CohortView } from '../cohorts/cohorts.service';
import { DomainError, NotFoundError } from '../common/errors';
import { UuidParam } from '../common/uuid-param';
import { ProgressService } from '../progress/progress.service';
import { SessionsService, SessionView } from '../sessions/sessions.service';
import { groupByBlock, likelyRegister } from './cohort-page';
import { CsrfGuard } from './csrf.guard';
import { formError, FormError, formErrorsFrom } from './forms';
import { PageRenderer } from './page-renderer.service';
import { atRiskReasons } from './progress-wording';
import {
  allPresent,
  readRegisterForm,
  registerErrorsFromService,
  registerField,
  registerRecords,
  registerRows,
  RegisterFormRow,
  RegisterStudent,
  storedRows,
} from './register-form';
import { atRiskRows, lastMissed } from './tutor-overview';
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
    private readonly progress: ProgressService,
  ) {}

  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId')
  async cohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const [sessions, counts, atRisk] = await Promise.all([
      this.sessions.list(actor, cohortId, ALL_SESSIONS),
      this.attendance.registerCounts(actor, cohortId),
      this.atRisk(actor, cohortId),
    ]);
    const groups = groupByBlock(sessions.items, counts);
    return this.pages.render(reply, 'tutor/cohort.njk', {
      title: cohort.name,
      cohort,
      groups,
      atRisk,
      likely: likelyRegister(groups),
      backHref: actor.role === 'admin' ? `/admin/cohorts/${cohort.id}` : '/tutor',
    });
  }

  /**
   * One student's progress in a cohort the caller teaches: the progress service's figures and
   * at-risk reasons, and their attendance session by session with a link to each register. A
   * tutor of another cohort, or a student not in this one, gets "Page not found".
   */
  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId/students/:studentId')
  async student(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @UuidParam('studentId') studentId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const view = await this.progress.forStudentInCohort(studentId, cohortId);
    if (!view) throw new NotFoundError('Student', studentId);
    const history = await this.attendance.forEnrolment(actor, view.enrolmentId);
    return this.pages.render(reply, 'tutor/student.njk', {
      title: `${view.studentName}: ${cohort.name}`,
      cohort,
      view,
      reasons: view.status === 'enrolled' ? atRiskReasons(view.atRiskReasons, 'staff') : [],
      past: history.items.filter((i) => i.ended),
      upcoming: history.items.filter((i) => !i.ended).length,
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

  @Roles('admin', 'tutor')
  @Get('tutor/sessions/:sessionId/attendance.csv')
  async registerCsv(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Res() reply: FastifyReply,
  ) {
    const { filename, body } = await this.attendance.registerCsvFile(actor, sessionId);
    return sendFile(reply, 'text/csv; charset=utf-8', filename, body);
  }

  @Roles('admin', 'tutor')
  @Get('tutor/sessions/:sessionId/sign-in-sheet.pdf')
  async signInSheet(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Res() reply: FastifyReply,
  ) {
    const { filename, body } = await this.attendance.signInSheet(actor, sessionId);
    return sendFile(reply, 'application/pdf', filename, body);
  }

  /**
   * Who in the cohort is at risk and why: the count is the progress service's cohort aggregate
   * (the API summary's `atRisk`), from the same read as the rows listed.
   */
  private async atRisk(actor: Actor, cohortId: string) {
    const { progress, aggregate } = await this.progress.forCohortWithAggregate(cohortId);
    const flagged = progress.filter((p) => p.atRisk);
    const histories = await this.attendance.forCohortEnrolments(
      actor,
      cohortId,
      flagged.map((p) => p.enrolmentId),
    );
    const missed = new Map(
      flagged.map((p) => [p.enrolmentId, lastMissed(histories.get(p.enrolmentId) ?? [])]),
    );
    return {
      count: aggregate.atRisk,
      seated: aggregate.seated,
      rows: atRiskRows(progress, missed),
    };
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
    return this.pages.render(
      reply,
      'tutor/register.njk',
      {
        title: `Register: ${session.title}`,
        session,
        cohort,
        entries: registerRows(register.items, rows),
        counts: {
          marked: register.items.filter((i) => i.record).length,
          checkedIn: register.items.filter((i) => i.record?.checkedInAt).length,
        },
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
