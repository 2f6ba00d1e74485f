import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ImportBody } from '../infrastructure/http/body-parsing';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { AwardsService } from '../awards/awards.service';
import { RecordAwardDto } from '../awards/dto/record-award.dto';
import { AWARD_RESULTS } from '../awards/university-award.entity';
import { NotFoundError } from '../common/errors';
import { CoursesService } from '../courses/courses.service';
import { ListCoursesQuery } from '../courses/dto/list-courses.query';
import { UuidParam } from '../common/uuid-param';
import { EnrolmentsService } from '../enrolments/enrolments.service';
import {
  HistoryImportResult,
  HistoryImportService,
} from '../history-import/history-import.service';
import { ProgressService } from '../progress/progress.service';
import { annualReturnTable } from '../reports/annual-return-writers';
import { AnnualReturnService } from '../reports/annual-return.service';
import { CreateStudyEntryDto } from '../study-log/dto/create-study-entry.dto';
import { ReviewStudyEntryDto } from '../study-log/dto/review-study-entry.dto';
import { STUDY_KINDS } from '../study-log/study-log-entry.entity';
import { StudyLogService } from '../study-log/study-log.service';
import { CsrfGuard } from './csrf.guard';
import { AnnualReturnForm, HistoryImportForm } from './dto/accreditation-forms.dto';
import { formError, FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * Pages for accreditation (docs/web.md): the student's study log, the tutor's review of it,
 * the university award, the history import and the annual return. Each calls the feature
 * service its API route calls, with the same actor.
 */

/** Entries shown at once on the study review page (a cohort can have hundreds waiting). */
const REVIEW_PAGE_SIZE = 25;
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AccreditationPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly studyLog: StudyLogService,
    private readonly awards: AwardsService,
    private readonly history: HistoryImportService,
    private readonly annualReturn: AnnualReturnService,
    private readonly progress: ProgressService,
    private readonly enrolments: EnrolmentsService,
    private readonly courses: CoursesService,
  ) {}

  @Roles('student')
  @Get('study-log')
  async studentLog(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    return this.renderStudentLog(actor, reply, new CreateStudyEntryDto(), []);
  }

  @Roles('student')
  @Post('study-log')
  async submitStudy(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const { form, errors } = await validateForm(CreateStudyEntryDto, numeric(body, 'minutes'));
    if (errors.length === 0) {
      try {
        await this.studyLog.submit(actor, { ...form, reflection: form.reflection || null });
        return reply.redirect('/study-log?added=1', 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderStudentLog(actor, reply, form, errors, 422);
  }

  private async renderStudentLog(
    actor: Actor,
    reply: FastifyReply,
    form: CreateStudyEntryDto,
    errors: FormError[],
    status = 200,
  ) {
    const studentId = actor.studentId as string;
    const [entries, progress, awards] = await Promise.all([
      this.studyLog.listMine(actor),
      this.progress.forStudent(studentId),
      this.awards.forStudent(studentId),
    ]);
    const added = (reply.request.query as Record<string, unknown>).added === '1';
    return this.pages.render(
      reply,
      'accreditation/study-log.njk',
      {
        title: 'Your independent study',
        entries,
        enrolments: progress.map((p) => ({
          ...p,
          award: awards.find((a) => a.enrolmentId === p.enrolmentId) ?? null,
        })),
        kinds: STUDY_KINDS,
        form,
        errors,
        added: added && errors.length === 0,
      },
      status,
    );
  }

  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId/study-log')
  async reviewQueue(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const entries = await this.studyLog.listForCohort(actor, cohortId, 'submitted');
    return this.pages.render(reply, 'accreditation/study-review.njk', {
      title: 'Study to review',
      cohortId,
      // The oldest first, a screenful at a time: each review comes back here, to the next one.
      entries: entries.slice(0, REVIEW_PAGE_SIZE),
      waiting: entries.length,
      reviewed: (reply.request.query as Record<string, unknown>).reviewed === '1',
    });
  }

  @Roles('admin', 'tutor')
  @Post('tutor/cohorts/:cohortId/study-log/:entryId/:action')
  async review(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @UuidParam('entryId') entryId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const action = reply.request.url.endsWith('/approve')
      ? 'approve'
      : reply.request.url.endsWith('/return')
        ? 'return'
        : null;
    if (!action) throw new NotFoundError('Page');
    const { form } = await validateForm(ReviewStudyEntryDto, body);
    await this.studyLog.review(actor, entryId, action, form.comment || null);
    return reply.redirect(`/tutor/cohorts/${cohortId}/study-log?reviewed=1`, 303);
  }

  @Roles('admin')
  @Get('admin/enrolments/:enrolmentId/award')
  async awardForm(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Res() reply: FastifyReply,
  ) {
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    const current = await this.awards.get(actor, enrolmentId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    const form = Object.assign(
      new RecordAwardDto(),
      current ?? {
        awardingBody: 'London South Bank University',
        level: enrolment.route === 'postgraduate_certificate' ? 7 : 6,
        credits: 60,
        result: 'pending',
      },
    );
    return this.pages.render(reply, 'accreditation/award.njk', {
      title: 'University award',
      enrolment,
      form,
      results: AWARD_RESULTS,
      saved: (reply.request.query as Record<string, unknown>).saved === '1',
    });
  }

  @Roles('admin')
  @Post('admin/enrolments/:enrolmentId/award')
  async saveAward(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const plain = numeric(numeric(body, 'level'), 'credits') as Record<string, unknown>;
    if (plain.conferredOn === '') delete plain.conferredOn;
    const { form, errors } = await validateForm(RecordAwardDto, plain);
    if (errors.length === 0) {
      try {
        await this.awards.record(actor, enrolmentId, form);
        return reply.redirect(`/admin/enrolments/${enrolmentId}/award?saved=1`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    return this.pages.render(
      reply,
      'accreditation/award.njk',
      { title: 'University award', enrolment, form, results: AWARD_RESULTS, errors },
      422,
    );
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/history')
  async historyForm(@UuidParam('cohortId') cohortId: string, @Res() reply: FastifyReply) {
    return this.pages.render(reply, 'accreditation/history-import.njk', {
      title: 'Import a past cohort',
      cohortId,
      form: new HistoryImportForm(),
      imported: (reply.request.query as Record<string, unknown>).imported === '1',
    });
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/history')
  @ImportBody()
  async historyImport(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const { form, errors } = await validateForm(HistoryImportForm, body);
    let result: HistoryImportResult | null = null;
    if (errors.length === 0) {
      try {
        result = await this.history.import(actor, cohortId, form.csv, form.dryRun);
      } catch (error) {
        errors.push(...formErrorsFrom(error).map((e) => formError('csv', e.text)));
      }
    }
    if (result && result.errors.length === 0 && !result.dryRun) {
      return reply.redirect(`/admin/cohorts/${cohortId}/history?imported=1`, 303);
    }
    if (result?.errors.length) {
      errors.push(
        formError('csv', `${result.errors.length} problems in the file: nothing was imported`),
      );
    }
    return this.pages.render(
      reply,
      'accreditation/history-import.njk',
      { title: 'Import a past cohort', cohortId, form, errors, result },
      errors.length ? 422 : 200,
    );
  }

  @Roles('admin')
  @Get('admin/annual-return')
  async annualReturnPage(
    @CurrentActor() actor: Actor,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const courses = (
      await this.courses.list(Object.assign(new ListCoursesQuery(), { limit: 500, offset: 0 }))
    ).items;
    const chosen = query.courseId !== undefined || query.year !== undefined;
    const { form, errors } = await validateForm(AnnualReturnForm, {
      courseId: courses[0]?.id,
      ...query,
    });
    if (!chosen || errors.length) {
      return this.pages.render(
        reply,
        'accreditation/annual-return.njk',
        { title: 'Annual return', courses, form, errors: chosen ? errors : [] },
        chosen ? 422 : 200,
      );
    }
    const result = await this.annualReturn.get(actor, form.courseId, form.year, form.format);
    if ('body' in result) {
      return reply
        .header('content-type', result.contentType)
        .header('content-disposition', `attachment; filename="${result.filename}"`)
        .header('cache-control', 'no-store')
        .send(result.body);
    }
    return this.pages.render(reply, 'accreditation/annual-return.njk', {
      title: `Annual return ${form.year}`,
      courses,
      form,
      data: result,
      table: annualReturnTable(result),
    });
  }
}

/** Form fields arrive as text: a whole number becomes a number so the API's DTO can judge it. */
function numeric(body: unknown, field: string): unknown {
  if (!body || typeof body !== 'object') return body;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())
    ? { ...body, [field]: Number(value) }
    : body;
}
