import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AssessmentsService } from '../assessments/assessments.service';
import { AttendanceService } from '../attendance/attendance.service';
import { AuditService } from '../audit/audit.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CertificatesService } from '../certificates/certificates.service';
import { UuidParam } from '../common/uuid-param';
import { CompletionService } from '../completion/completion.service';
import type { CompletionOutcome } from '../completion/completion-decision.entity';
import { EnrolmentsService, EnrolmentView } from '../enrolments/enrolments.service';
import { NotificationsService } from '../notifications/notifications.service';
import { ProgressService } from '../progress/progress.service';
import type { Profession } from '../students/student.entity';
import { StudentPrivacyService } from '../students/student-privacy.service';
import { StudentsService, StudentView } from '../students/students.service';
import { CsrfGuard } from './csrf.guard';
import { OverrideForm, StudentDetailsForm } from './dto/student-forms.dto';
import { formError, FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { ruleShortfalls } from './progress-wording';
import {
  detailsFormOf,
  professionItems,
  recordNotice,
  searchPage,
  STUDENTS_PER_PAGE,
  studentRecordView,
} from './student-record';
import { WebExceptionFilter } from './web-exception.filter';

const EVERYTHING = { limit: 500, offset: 0 };
/** The record shows the newest emails and audit events; the export has every one. */
const EMAILS_SHOWN = 50;
const EVENTS_SHOWN = 100;

/**
 * One student for administrators: search (from the header of every admin page), their record,
 * corrections with a reason, subject access export, erasure behind a confirmation page, and
 * completion overrides. Each part calls the service its API route calls, with the same actor.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AdminStudentPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly students: StudentsService,
    private readonly privacy: StudentPrivacyService,
    private readonly enrolments: EnrolmentsService,
    private readonly progress: ProgressService,
    private readonly completion: CompletionService,
    private readonly assessments: AssessmentsService,
    private readonly attendance: AttendanceService,
    private readonly certificates: CertificatesService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  @Roles('admin')
  @Get('admin/students')
  async search(
    @CurrentActor() actor: Actor,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const { q, offset } = searchPage(query);
    const found = await this.students.list(actor, {
      search: q || undefined,
      limit: STUDENTS_PER_PAGE,
      offset,
    });
    const link = (to: number) => {
      const params = new URLSearchParams();
      if (q) params.set('q', q);
      if (to > 0) params.set('offset', String(to));
      const search = params.toString();
      return `/admin/students${search ? `?${search}` : ''}`;
    };
    return this.pages.render(reply, 'admin/students.njk', {
      title: q ? `Students matching ‘${q}’` : 'Students',
      q,
      found,
      previous: offset > 0 ? link(Math.max(0, offset - STUDENTS_PER_PAGE)) : null,
      next: offset + found.items.length < found.total ? link(offset + STUDENTS_PER_PAGE) : null,
    });
  }

  @Roles('admin')
  @Get('admin/students/:studentId')
  async show(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const student = await this.students.get(actor, studentId);
    const [enrolments, progress, certificates, emails] = await Promise.all([
      this.enrolments.forStudent(actor, studentId),
      this.progress.forStudent(studentId),
      this.certificates.list({ ...EVERYTHING }, studentId),
      this.notifications.list({ recipient: student.email, limit: EMAILS_SHOWN, offset: 0 }),
    ]);
    const each = await Promise.all(
      enrolments.map(async (e) => {
        const [decisions, assessed, attended] = await Promise.all([
          this.completion.decisions(actor, e.id),
          this.assessments.list(actor, e.id),
          this.attendance.forEnrolment(actor, e.id),
        ]);
        return { id: e.id, decisions: decisions.items, assessed: assessed.items, attended };
      }),
    );
    // The records about the student whose audit events make up their trail.
    const ref = (entityType: string) => (entityId: string) => ({ entityType, entityId });
    const enrolmentRefs = enrolments.map((e) => ref('enrolment')(e.id));
    const recordRefs = [
      ref('student')(studentId),
      ...(student.userId ? [ref('user')(student.userId)] : []),
      ...enrolmentRefs,
      ...certificates.items.map((c) => ref('certificate')(c.id)),
      ...each.flatMap((x) => [
        ...x.assessed.flatMap((a) => (a.result ? [ref('assessment_result')(a.result.id)] : [])),
        ...x.attended.items.flatMap((a) =>
          a.record ? [ref('attendance_record')(a.record.id)] : [],
        ),
      ]),
    ];
    const [enrolmentEvents, trail] = await Promise.all([
      this.audit.trail(enrolmentRefs, 500),
      this.audit.trail(recordRefs, EVENTS_SHOWN),
    ]);
    const view = studentRecordView({
      student,
      enrolments,
      progress,
      decisions: Object.fromEntries(each.map((x) => [x.id, x.decisions])),
      assessments: Object.fromEntries(each.map((x) => [x.id, x.assessed])),
      attendance: Object.fromEntries(each.map((x) => [x.id, x.attended.items])),
      certificates: certificates.items,
      emails,
      enrolmentEvents: enrolmentEvents.items,
      trail,
    });
    return this.pages.render(reply, 'admin/student.njk', {
      title: view.student.name,
      ...view,
      notice: recordNotice(query, enrolments),
    });
  }

  @Roles('admin')
  @Get('admin/students/:studentId/edit')
  async editForm(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Res() reply: FastifyReply,
  ) {
    const student = await this.students.get(actor, studentId);
    return this.renderEdit(reply, student, detailsFormOf(student), []);
  }

  @Roles('admin')
  @Post('admin/students/:studentId/edit')
  async edit(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const student = await this.students.get(actor, studentId);
    const { form, errors } = await validateForm(StudentDetailsForm, body);
    if (errors.length === 0) {
      try {
        await this.students.update(actor, studentId, {
          ...form,
          profession: form.profession as Profession,
        });
        return reply.redirect(`/admin/students/${studentId}?updated=1`, 303);
      } catch (error) {
        // The only refusal about one field without naming it is a taken email address.
        errors.push(
          ...formErrorsFrom(error).map((e) =>
            e.field || !/email/i.test(e.text) ? e : formError('email', e.text),
          ),
        );
      }
    }
    return this.renderEdit(reply, student, form, errors, 422);
  }

  private renderEdit(
    reply: FastifyReply,
    student: StudentView,
    form: StudentDetailsForm,
    errors: FormError[],
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/student-edit.njk',
      {
        title: `Change the details of ${student.givenName} ${student.familyName}`,
        student,
        form,
        errors,
        professionItems: professionItems(form.profession),
      },
      errors.length ? status : 200,
    );
  }

  /** Subject access: the JSON of GET /api/v1/students/:studentId/export, as a download. */
  @Roles('admin')
  @Get('admin/students/:studentId/export')
  async export(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Res() reply: FastifyReply,
  ) {
    const data = await this.privacy.export(actor, studentId);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="subject-access-${studentId.slice(0, 8)}.json"`,
      )
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  }

  @Roles('admin')
  @Get('admin/students/:studentId/erase')
  async eraseForm(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Res() reply: FastifyReply,
  ) {
    const student = await this.students.get(actor, studentId);
    return this.pages.render(reply, 'admin/student-erase.njk', {
      title: `Erase the personal data of ${student.givenName} ${student.familyName}`,
      student,
    });
  }

  @Roles('admin')
  @Post('admin/students/:studentId/erase')
  async erase(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Res() reply: FastifyReply,
  ) {
    await this.privacy.erase(actor, studentId);
    return reply.redirect(`/admin/students/${studentId}?erased=1`, 303);
  }

  @Roles('admin')
  @Get('admin/enrolments/:enrolmentId/completion')
  async overrideForm(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Res() reply: FastifyReply,
  ) {
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    return this.renderOverride(reply, actor, enrolment, new OverrideForm(), []);
  }

  @Roles('admin')
  @Post('admin/enrolments/:enrolmentId/completion')
  async override(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    const { form, errors } = await validateForm(OverrideForm, body);
    if (errors.length === 0) {
      try {
        await this.completion.override(actor, enrolmentId, {
          outcome: form.outcome as CompletionOutcome,
          reason: form.reason,
        });
        return reply.redirect(
          `/admin/students/${enrolment.studentId}?overridden=1&enrolment=${enrolmentId}`,
          303,
        );
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderOverride(reply, actor, enrolment, form, errors, 422);
  }

  private async renderOverride(
    reply: FastifyReply,
    actor: Actor,
    enrolment: EnrolmentView,
    form: OverrideForm,
    errors: FormError[],
    status = 200,
  ) {
    const [progress, decisions] = await Promise.all([
      this.progress.forEnrolment(enrolment.id),
      this.completion.decisions(actor, enrolment.id),
    ]);
    const facts = { assessments: progress.assessments, blocks: progress.blocks };
    return this.pages.render(
      reply,
      'admin/completion-override.njk',
      {
        title: `Decide completion for ${enrolment.studentName}`,
        enrolment,
        form,
        errors,
        failing: progress.rules.flatMap((r) => ruleShortfalls(r, facts)),
        meetsCompletionRules: progress.meetsCompletionRules,
        decision: decisions.items[0] ?? null,
      },
      errors.length ? status : 200,
    );
  }
}
