import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AttendanceService } from '../attendance/attendance.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService } from '../cohorts/cohorts.service';
import { UuidParam } from '../common/uuid-param';
import { CompletionService } from '../completion/completion.service';
import { labelOf, ROUTES as ROUTE_LABELS } from '../common/labels';
import { ROUTES } from '../courses/course.entity';
import { EnrolmentsService, EnrolmentView } from '../enrolments/enrolments.service';
import { ProgressService } from '../progress/progress.service';
import { AccreditationExportQuery } from '../reports/dto/accreditation-export.query';
import { ReportsService } from '../reports/reports.service';
import { SessionsService } from '../sessions/sessions.service';
import { StudentsService } from '../students/students.service';
import {
  EnrolmentAction,
  enrolmentActions,
  groupByBlock,
  isEnrolmentAction,
  progressSort,
  sortLinks,
  sortProgress,
} from './cohort-page';
import { evaluationView } from './completion-page';
import { CsrfGuard } from './csrf.guard';
import { EnrolForm } from './dto/enrol-form.dto';
import { ReasonForm, TransferForm } from './dto/reason-form.dto';
import { formError, FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

const EVERYTHING = { limit: 500, offset: 0 };

const ACTION_WORDS: Record<EnrolmentAction, { verb: string; done: string; title: string }> = {
  withdraw: { verb: 'Withdraw', done: 'withdrawn', title: 'Withdraw' },
  defer: { verb: 'Defer', done: 'deferred', title: 'Defer' },
  transfer: { verb: 'Transfer', done: 'transferred', title: 'Transfer' },
  resume: { verb: 'Resume', done: 'resumed', title: 'Resume after deferral' },
  reinstate: { verb: 'Reinstate', done: 'reinstated', title: 'Reinstate' },
};

/** A change started from the student record page goes back there (`?from=student`). */
const fromStudent = (value: unknown) => value === 'student';

function count(value: unknown): number | null {
  return typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : null;
}

/**
 * The administrator's cohort page and its actions: enrol, withdraw, defer, transfer, evaluate
 * completion (after a confirmation page that shows what will happen) and the accreditation
 * report downloads. Every change goes through the same service as the API.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AdminCohortPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly cohorts: CohortsService,
    private readonly enrolments: EnrolmentsService,
    private readonly students: StudentsService,
    private readonly sessions: SessionsService,
    private readonly progress: ProgressService,
    private readonly completion: CompletionService,
    private readonly reports: ReportsService,
    private readonly attendance: AttendanceService,
  ) {}

  @Roles('admin')
  @Get('admin/cohorts/:cohortId')
  async show(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const [summary, enrolments, progress, sessions, counts] = await Promise.all([
      this.cohorts.summary(actor, cohortId),
      this.enrolments.listForCohort(actor, cohortId, EVERYTHING),
      this.progress.forCohort(cohortId),
      this.sessions.list(actor, cohortId, EVERYTHING),
      this.attendance.registerCounts(actor, cohortId),
    ]);
    const sort = progressSort(query.sort);
    const named = (id: unknown) => enrolments.items.find((e) => e.id === id);
    return this.pages.render(reply, 'admin/cohort.njk', {
      title: cohort.name,
      cohort,
      summary,
      enrolments: enrolments.items.map((e) => ({ ...e, actions: enrolmentActions(e.status) })),
      progress: sortProgress(progress, sort),
      sort,
      sortLinks: sortLinks(sort),
      groups: groupByBlock(sessions.items, counts),
      notice: {
        enrolled: named(query.enrolled),
        changed: isEnrolmentAction(query.changed)
          ? { enrolment: named(query.enrolment), done: ACTION_WORDS[query.changed].done }
          : null,
        evaluated:
          query.evaluated === '1'
            ? { completed: count(query.completed), notCompleted: count(query.notCompleted) }
            : null,
      },
    });
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/enrol')
  async enrolForm(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    return this.renderEnrol(reply, cohort, new EnrolForm(), []);
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/enrolments')
  async enrol(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const { form, errors } = await validateForm(EnrolForm, body);
    if (errors.length === 0) {
      const found = await this.students.list(actor, { search: form.email, ...EVERYTHING });
      const student = found.items.find((s) => s.email.toLowerCase() === form.email);
      if (!student) {
        errors.push(
          formError(
            'email',
            'No student has this email address. Check it, or import the student first',
          ),
        );
      } else {
        try {
          const created = await this.enrolments.create(actor, cohortId, {
            studentId: student.id,
            route: form.route as (typeof ROUTES)[number],
          });
          return reply.redirect(`/admin/cohorts/${cohortId}?enrolled=${created.id}`, 303);
        } catch (error) {
          // A refusal without a field (already enrolled, erased) is about the student chosen.
          errors.push(
            ...formErrorsFrom(error).map((e) => (e.field ? e : formError('email', e.text))),
          );
        }
      }
    }
    return this.renderEnrol(reply, cohort, form, errors, 422);
  }

  private renderEnrol(
    reply: FastifyReply,
    cohort: { id: string; name: string },
    form: EnrolForm,
    errors: FormError[],
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/enrol.njk',
      {
        title: `Enrol a student in ${cohort.name}`,
        cohort,
        form,
        errors,
        routeItems: ROUTES.map((r) => ({ value: r, text: labelOf(ROUTE_LABELS, r) })),
      },
      errors.length ? status : 200,
    );
  }

  @Roles('admin')
  @Get('admin/enrolments/:enrolmentId/:action')
  async changeForm(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Param('action') action: string,
    @Query('from') from: unknown,
    @Res() reply: FastifyReply,
  ) {
    if (!isEnrolmentAction(action)) throw new NotFoundException();
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    const form = { reason: '', toCohortId: '', from: fromStudent(from) ? 'student' : '' };
    return this.renderChange(reply, actor, action, enrolment, form, []);
  }

  @Roles('admin')
  @Post('admin/enrolments/:enrolmentId/:action')
  async change(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    if (!isEnrolmentAction(action)) throw new NotFoundException();
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    const returnTo = (body as { from?: unknown } | null)?.from;
    const { form, errors } = await validateForm(
      action === 'transfer' ? TransferForm : ReasonForm,
      body,
    );
    if (errors.length === 0) {
      try {
        if (action === 'transfer') {
          await this.enrolments.transfer(actor, enrolmentId, form as TransferForm);
        } else if (action === 'withdraw') {
          await this.enrolments.withdraw(actor, enrolmentId, form.reason);
        } else if (action === 'reinstate') {
          await this.enrolments.reinstate(actor, enrolmentId, form.reason);
        } else if (action === 'resume') {
          await this.enrolments.resume(actor, enrolmentId, form.reason);
        } else {
          await this.enrolments.defer(actor, enrolmentId, form.reason);
        }
        const back = fromStudent(returnTo)
          ? `/admin/students/${enrolment.studentId}`
          : `/admin/cohorts/${enrolment.cohortId}`;
        return reply.redirect(`${back}?changed=${action}&enrolment=${enrolmentId}`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    const values = {
      reason: form.reason,
      toCohortId: (form as Partial<TransferForm>).toCohortId,
      from: fromStudent(returnTo) ? 'student' : '',
    };
    return this.renderChange(reply, actor, action, enrolment, values, errors, 422);
  }

  private async renderChange(
    reply: FastifyReply,
    actor: Actor,
    action: EnrolmentAction,
    enrolment: EnrolmentView,
    form: { reason: string; toCohortId?: string; from: string },
    errors: FormError[],
    status = 200,
  ) {
    const targets =
      action === 'transfer'
        ? (await this.cohorts.list(actor, { courseId: enrolment.courseId, ...EVERYTHING })).items
            .filter((c) => c.id !== enrolment.cohortId)
            .map((c) => ({ value: c.id, text: c.name, selected: c.id === form.toCohortId }))
        : [];
    const words = ACTION_WORDS[action];
    return this.pages.render(
      reply,
      'admin/enrolment-change.njk',
      {
        title: `${words.title} ${enrolment.studentName}`,
        action,
        words,
        enrolment,
        form,
        targets,
        errors,
      },
      errors.length ? status : 200,
    );
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/completion')
  async confirmEvaluation(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const preview = await this.completion.preview(actor, cohortId);
    return this.pages.render(reply, 'admin/evaluate.njk', {
      title: `Evaluate completion of ${cohort.name}`,
      cohort,
      ...evaluationView(preview),
    });
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/completion')
  async evaluate(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const result = await this.completion.evaluate(actor, cohortId);
    return reply.redirect(
      `/admin/cohorts/${cohortId}?evaluated=1&completed=${result.completed}&notCompleted=${result.notCompleted}#enrolments`,
      303,
    );
  }

  /** The accreditation export, streamed as the API streams it (GET /api/v1/reports/accreditation). */
  @Roles('admin')
  @Get('admin/reports/accreditation')
  async accreditation(
    @CurrentActor() actor: Actor,
    @Query() query: unknown,
    @Res() reply: FastifyReply,
  ) {
    const { form, errors } = await validateForm(AccreditationExportQuery, query);
    if (errors.length > 0) throw new NotFoundException();
    const file = await this.reports.openAccreditationExport(actor, form);
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .send(file.body);
  }
}
