import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AssessmentsService, CohortAssessmentRow } from '../assessments/assessments.service';
import type { AssessmentDefinition } from '../courses/course.entity';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService, CohortView } from '../cohorts/cohorts.service';
import { UuidParam } from '../common/uuid-param';
import {
  markingChanges,
  markingField,
  MarkingFormRow,
  readMarkingForm,
  storedMarkingRows,
} from './assessment-form';
import { CsrfGuard } from './csrf.guard';
import { formErrorsFrom, FormError } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * Assessed work on the web: a cohort's assessments, and for one of them a marking page with a
 * row per seated student (outcome, mark, note; the attempt is counted by the service). Tutors of
 * the cohort and administrators; others get "Page not found" from the services' scoping.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AssessmentPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly cohorts: CohortsService,
    private readonly assessments: AssessmentsService,
  ) {}

  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId/assessments')
  async index(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const assessments = await this.assessments.cohortSummary(actor, cohortId);
    return this.pages.render(reply, 'tutor/assessments.njk', {
      title: `Assessed work: ${cohort.name}`,
      cohort,
      assessments,
    });
  }

  @Roles('admin', 'tutor')
  @Get('tutor/cohorts/:cohortId/assessments/:code')
  async marking(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Param('code') code: string,
    @Query('saved') saved: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const { assessment, items } = await this.assessments.cohortResults(actor, cohortId, code);
    return this.render(reply, cohort, assessment, items, storedMarkingRows(items), [], {
      saved: typeof saved === 'string' && /^\d+$/.test(saved) ? Number(saved) : null,
    });
  }

  @Roles('admin', 'tutor')
  @Post('tutor/cohorts/:cohortId/assessments/:code')
  async record(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Param('code') code: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const { assessment, items } = await this.assessments.cohortResults(actor, cohortId, code);
    const rows = readMarkingForm(body, items);
    const { changes, errors } = markingChanges(rows, items);
    if (errors.length === 0) {
      let recorded = 0;
      // One result per call: the service locks each enrolment and counts its attempt.
      for (const change of changes) {
        try {
          await this.assessments.record(actor, change.enrolmentId, assessment.code, change);
          recorded++;
        } catch (error) {
          errors.push(
            ...formErrorsFrom(error).map((e) => ({
              ...e,
              field: markingField(change.enrolmentId, 'outcome'),
              href: `#${markingField(change.enrolmentId, 'outcome').replace(/\./g, '-')}`,
            })),
          );
        }
      }
      if (errors.length === 0) {
        return reply.redirect(
          `/tutor/cohorts/${cohortId}/assessments/${encodeURIComponent(assessment.code)}?saved=${recorded}`,
          303,
        );
      }
    }
    const fresh = await this.assessments.cohortResults(actor, cohortId, code);
    return this.render(reply, cohort, assessment, fresh.items, rows, errors, {}, 422);
  }

  private render(
    reply: FastifyReply,
    cohort: CohortView,
    assessment: AssessmentDefinition,
    items: CohortAssessmentRow[],
    rows: MarkingFormRow[],
    errors: FormError[],
    notice: { saved?: number | null },
    status = 200,
  ) {
    const byId = new Map(rows.map((r) => [r.enrolmentId, r]));
    return this.pages.render(
      reply,
      'tutor/marking.njk',
      {
        title: `${assessment.title}: ${cohort.name}`,
        cohort,
        assessment,
        entries: items.map((item) => ({ ...item, form: byId.get(item.enrolmentId) })),
        notice,
        errors,
      },
      status,
    );
  }
}
