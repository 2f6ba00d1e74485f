import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { InvitationsService } from '../accounts/invitations.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CohortsService } from '../cohorts/cohorts.service';
import { UuidParam } from '../common/uuid-param';
import { labelOf, ROUTES as ROUTE_LABELS } from '../common/labels';
import { ROUTES } from '../courses/course.entity';
import type { AcademicRoute } from '../courses/course.entity';
import { EnrolmentsService } from '../enrolments/enrolments.service';
import { StudentsService } from '../students/students.service';
import { parseEmailList } from './bulk-enrolment-form';
import { CsrfGuard } from './csrf.guard';
import { BulkEnrolForm } from './dto/bulk-enrol-form.dto';
import { formError, FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';

const MAX_STUDENTS = 500;

const figure = (v: unknown) => (typeof v === 'string' && /^\d{1,4}$/.test(v) ? Number(v) : 0);

/**
 * Enrolling many students in one step, and inviting a cohort's students to set a password. The
 * pages call EnrolmentsService.createMany and InvitationsService, as
 * POST /api/v1/cohorts/:cohortId/enrolments/bulk and /invitations do.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AdminPeoplePagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly cohorts: CohortsService,
    private readonly enrolments: EnrolmentsService,
    private readonly students: StudentsService,
    private readonly invitations: InvitationsService,
  ) {}

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/enrol-many')
  async bulkForm(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const done =
      query.done === '1'
        ? {
            enrolled: figure(query.enrolled),
            waitlisted: figure(query.waitlisted),
            invited: figure(query.invited),
            alreadyHadLogin: figure(query.alreadyHadLogin),
          }
        : null;
    return this.renderBulk(
      reply,
      cohort,
      Object.assign(new BulkEnrolForm(), { invite: true }),
      [],
      done,
    );
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/enrol-many')
  async bulkEnrol(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, cohortId);
    const { form, errors } = await validateForm(BulkEnrolForm, body);
    const emails = parseEmailList(form.emails);
    if (errors.length === 0 && emails.length === 0) {
      errors.push(formError('emails', 'Enter the email addresses of the students to enrol'));
    }
    if (errors.length === 0 && emails.length > MAX_STUDENTS) {
      errors.push(formError('emails', `Enrol at most ${MAX_STUDENTS} students at a time`));
    }
    if (errors.length === 0) {
      const found = await this.students.findByEmails(emails);
      const byEmail = new Map(found.map((s) => [s.email.toLowerCase(), s]));
      const unknown = emails.filter((e) => !byEmail.has(e));
      if (unknown.length) {
        errors.push(
          formError(
            'emails',
            `No student has ${unknown.length === 1 ? 'this address' : 'these addresses'}: ${unknown
              .slice(0, 10)
              .join(
                ', ',
              )}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}. Check them, or import the students first`,
          ),
        );
      } else {
        const studentIds = emails.map((e) => byEmail.get(e)!.id);
        try {
          const result = await this.enrolments.createMany(actor, cohortId, {
            studentIds,
            route: form.route as AcademicRoute,
          });
          const invited = form.invite
            ? await this.invitations.inviteStudents(actor, studentIds)
            : { invited: 0, alreadyHadLogin: 0 };
          const params = new URLSearchParams({
            done: '1',
            enrolled: String(result.enrolled.length),
            waitlisted: String(result.waitlisted.length),
            invited: String(invited.invited),
            alreadyHadLogin: String(invited.alreadyHadLogin),
          });
          return reply.redirect(`/admin/cohorts/${cohortId}/enrol-many?${params.toString()}`, 303);
        } catch (error) {
          // The service names a student by their place in the list; the page has one field.
          errors.push(
            ...formErrorsFrom(error).map((e) =>
              formError(e.field?.startsWith('route') ? 'route' : 'emails', e.text),
            ),
          );
        }
      }
    }
    return this.renderBulk(reply, cohort, form, errors, null, 422);
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/invitations')
  async inviteCohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') cohortId: string,
    @Res() reply: FastifyReply,
  ) {
    const result = await this.invitations.inviteCohort(actor, cohortId);
    const params = new URLSearchParams({
      done: '1',
      invited: String(result.invited),
      alreadyHadLogin: String(result.alreadyHadLogin),
    });
    return reply.redirect(`/admin/cohorts/${cohortId}/enrol-many?${params.toString()}`, 303);
  }

  private renderBulk(
    reply: FastifyReply,
    cohort: { id: string; name: string },
    form: BulkEnrolForm,
    errors: FormError[],
    done: Record<string, number> | null,
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/enrol-many.njk',
      {
        title: `Enrol students in ${cohort.name}`,
        cohort,
        form,
        errors,
        done,
        routeItems: ROUTES.map((r) => ({ value: r, text: labelOf(ROUTE_LABELS, r) })),
      },
      errors.length ? status : 200,
    );
  }
}
