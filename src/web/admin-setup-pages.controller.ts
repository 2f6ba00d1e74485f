import { Body, Controller, Get, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { AttendanceService } from '../attendance/attendance.service';
import { BlocksService, BlockView } from '../cohorts/blocks.service';
import { CohortsService, CohortView } from '../cohorts/cohorts.service';
import { DomainError } from '../common/errors';
import { UuidParam } from '../common/uuid-param';
import { CoursesService } from '../courses/courses.service';
import { CancelSessionDto } from '../sessions/dto/cancel-session.dto';
import { SESSION_KINDS } from '../sessions/session.entity';
import { SessionsService, SessionView } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { groupByBlock } from './cohort-page';
import { cohortFormErrors, cohortFormFrom, toCohortInput } from './cohort-form';
import { CsrfGuard } from './csrf.guard';
import { CohortForm, STATUS_CHOICES } from './dto/cohort-form.dto';
import { BlockDeleteForm, BlockForm, SessionEditForm, WeekForm } from './dto/timetable-forms.dto';
import { formError, FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { weekSessions } from './timetable-form';
import { WebExceptionFilter } from './web-exception.filter';
import { COHORT_STATUSES, labelOf, SESSION_KINDS as SESSION_KIND_LABELS } from '../common/labels';

const EVERYTHING = { limit: 500, offset: 0 };

const STATUS_LABELS: Record<(typeof STATUS_CHOICES)[number], string> = {
  follow: 'Follow the dates (enrolling, running, then completed once evaluated)',
  ...COHORT_STATUSES.labels,
};

/**
 * Setting a course year up from the browser: create and edit a cohort, its blocks, its sessions
 * (several days at once, in the cohort's local time), move, cancel or delete a session, and
 * assign tutors. Every change goes through the service the API uses.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AdminSetupPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly cohorts: CohortsService,
    private readonly blocks: BlocksService,
    private readonly sessions: SessionsService,
    private readonly courses: CoursesService,
    private readonly users: UsersService,
    private readonly attendance: AttendanceService,
  ) {}

  @Roles('admin')
  @Get('admin/cohorts/new')
  async newCohort(@Res() reply: FastifyReply) {
    // The course's usual rules (80% attendance, 60 contact hours, every required assessment).
    const form = Object.assign(new CohortForm(), {
      minAttendancePercent: '80',
      minContactHours: '60',
      assessmentsPassed: 'all',
    });
    return this.renderCohortForm(reply, null, form, []);
  }

  @Roles('admin')
  @Post('admin/cohorts/new')
  async createCohort(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const { form, errors } = await validateForm(CohortForm, body);
    if (!form.courseId) errors.unshift(formError('courseId', 'Select the course'));
    if (errors.length === 0) {
      const input = toCohortInput(form);
      try {
        const { statusFollowsDates: _f, ...create } = input;
        const cohort = await this.cohorts.create(actor, create);
        return reply.redirect(`/admin/cohorts/${cohort.id}/timetable?created=1`, 303);
      } catch (error) {
        errors.push(...cohortFormErrors(formErrorsFrom(error), input));
      }
    }
    return this.renderCohortForm(reply, null, form, errors, 422);
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/edit')
  async editCohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, id);
    return this.renderCohortForm(reply, cohort, cohortFormFrom(cohort), []);
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/edit')
  async updateCohort(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, id);
    const { form, errors } = await validateForm(CohortForm, body);
    form.courseId = cohort.courseId;
    if (errors.length === 0) {
      const input = toCohortInput(form);
      try {
        const { courseId: _c, ...update } = input;
        await this.cohorts.update(actor, id, update);
        return reply.redirect(`/admin/cohorts/${id}/timetable?saved=1`, 303);
      } catch (error) {
        errors.push(...cohortFormErrors(formErrorsFrom(error), input));
      }
    }
    return this.renderCohortForm(reply, cohort, form, errors, 422);
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/timetable')
  async timetable(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, id);
    return this.renderTimetable(reply, actor, cohort, { notice: noticeOf(query) });
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/blocks')
  async addBlock(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, id);
    const { form, errors } = await validateForm(BlockForm, body);
    if (errors.length === 0) {
      try {
        await this.blocks.create(actor, id, form);
        return reply.redirect(`/admin/cohorts/${id}/timetable?notice=block`, 303);
      } catch (error) {
        errors.push(...prefixed(formErrorsFrom(error), 'block'));
      }
    }
    return this.renderTimetable(
      reply,
      actor,
      cohort,
      { blockForm: form, errors: prefixed(errors, 'block') },
      422,
    );
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/sessions')
  async addSessions(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, id);
    const { form, errors } = await validateForm(WeekForm, body);
    if (errors.length === 0) {
      try {
        await this.sessions.createMany(actor, id, weekSessions(form));
        return reply.redirect(`/admin/cohorts/${id}/timetable?notice=sessions`, 303);
      } catch (error) {
        errors.push(
          ...formErrorsFrom(error).map((e) =>
            formError(WEEK_FIELDS[e.field ?? ''] ?? 'week.firstDay', e.text),
          ),
        );
      }
    }
    return this.renderTimetable(
      reply,
      actor,
      cohort,
      { weekForm: form, errors: prefixed(errors, 'week') },
      422,
    );
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/tutors')
  async assignTutor(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const cohort = await this.cohorts.get(actor, id);
    const userId = (body as Record<string, unknown> | undefined)?.userId;
    const errors: FormError[] = [];
    if (typeof userId !== 'string' || !/^[0-9a-f-]{36}$/i.test(userId)) {
      errors.push(formError('tutor.userId', 'Select a tutor'));
    } else {
      try {
        await this.cohorts.assignTutor(actor, id, userId);
        return reply.redirect(`/admin/cohorts/${id}/timetable?notice=tutor`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error).map((e) => formError('tutor.userId', e.text)));
      }
    }
    return this.renderTimetable(reply, actor, cohort, { errors }, 422);
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/tutors/:userId/remove')
  async removeTutor(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @UuidParam('userId') userId: string,
    @Res() reply: FastifyReply,
  ) {
    await this.cohorts.unassignTutor(actor, id, userId);
    return reply.redirect(`/admin/cohorts/${id}/timetable?notice=tutor-removed`, 303);
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/blocks/:blockId/edit')
  async editBlock(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @UuidParam('blockId') blockId: string,
    @Res() reply: FastifyReply,
  ) {
    const { cohort, block } = await this.cohortAndBlock(actor, id, blockId);
    const form = Object.assign(new BlockForm(), {
      title: block.title,
      startDate: block.startDate,
      endDate: block.endDate,
    });
    return this.renderBlockEdit(reply, cohort, block, form, []);
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/blocks/:blockId/edit')
  async saveBlock(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @UuidParam('blockId') blockId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const { cohort, block } = await this.cohortAndBlock(actor, id, blockId);
    const { form, errors } = await validateForm(BlockForm, body);
    if (errors.length === 0) {
      try {
        await this.blocks.update(actor, id, blockId, form);
        return reply.redirect(`/admin/cohorts/${id}/timetable?notice=block-saved`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderBlockEdit(reply, cohort, block, form, errors, 422);
  }

  @Roles('admin')
  @Get('admin/cohorts/:cohortId/blocks/:blockId/delete')
  async confirmDeleteBlock(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @UuidParam('blockId') blockId: string,
    @Res() reply: FastifyReply,
  ) {
    const { cohort, block } = await this.cohortAndBlock(actor, id, blockId);
    return this.renderBlockDelete(reply, cohort, block, new BlockDeleteForm(), []);
  }

  @Roles('admin')
  @Post('admin/cohorts/:cohortId/blocks/:blockId/delete')
  async deleteBlock(
    @CurrentActor() actor: Actor,
    @UuidParam('cohortId') id: string,
    @UuidParam('blockId') blockId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const { cohort, block } = await this.cohortAndBlock(actor, id, blockId);
    const { form, errors } = await validateForm(BlockDeleteForm, body);
    if (errors.length === 0 && block.sessionCount > 0 && form.sessions === '') {
      errors.push(formError('sessions', 'Select what happens to the sessions of the block'));
    }
    let status = 422;
    if (errors.length === 0) {
      try {
        await this.blocks.remove(actor, id, blockId, form.sessions || undefined);
        return reply.redirect(`/admin/cohorts/${id}/timetable?notice=block-deleted`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
        if (error instanceof DomainError) status = error.status;
      }
    }
    // A register saved meanwhile: the page shows the block as it is now, with the refusal.
    const now = await this.blocks.find(actor, id, blockId);
    return this.renderBlockDelete(reply, cohort, now, form, errors, status);
  }

  @Roles('admin')
  @Get('admin/sessions/:sessionId/edit')
  async editSession(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Res() reply: FastifyReply,
  ) {
    const session = await this.sessions.get(actor, id);
    const form = Object.assign(new SessionEditForm(), {
      title: session.title,
      date: session.localStartsAt.slice(0, 10),
      startTime: session.localStartsAt.slice(11, 16),
      endTime: session.localEndsAt.slice(11, 16),
      location: session.location ?? '',
    });
    return this.renderSessionEdit(reply, actor, session, form, []);
  }

  @Roles('admin')
  @Post('admin/sessions/:sessionId/edit')
  async moveSession(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const session = await this.sessions.get(actor, id);
    const { form, errors } = await validateForm(SessionEditForm, body);
    if (errors.length === 0) {
      try {
        await this.sessions.update(actor, id, {
          title: form.title,
          startsAt: `${form.date}T${form.startTime}`,
          endsAt: `${form.date}T${form.endTime}`,
          location: form.location === '' ? null : form.location,
        });
        return reply.redirect(`/admin/cohorts/${session.cohortId}/timetable?notice=moved`, 303);
      } catch (error) {
        errors.push(
          ...formErrorsFrom(error).map((e) =>
            formError(e.field === 'endsAt' ? 'endTime' : e.field ? 'startTime' : undefined, e.text),
          ),
        );
      }
    }
    return this.renderSessionEdit(reply, actor, session, form, errors, 422);
  }

  @Roles('admin')
  @Get('admin/sessions/:sessionId/cancel')
  async confirmCancel(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Res() reply: FastifyReply,
  ) {
    const session = await this.sessions.get(actor, id);
    return this.renderCancel(reply, actor, session, { reason: '' }, []);
  }

  @Roles('admin')
  @Post('admin/sessions/:sessionId/cancel')
  async cancelSession(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    const session = await this.sessions.get(actor, id);
    const { form, errors } = await validateForm(CancelSessionDto, body);
    if (errors.length === 0) {
      try {
        await this.sessions.cancel(actor, id, form);
        return reply.redirect(`/admin/cohorts/${session.cohortId}/timetable?notice=cancelled`, 303);
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderCancel(reply, actor, session, form, errors, 422);
  }

  @Roles('admin')
  @Post('admin/sessions/:sessionId/delete')
  async deleteSession(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') id: string,
    @Res() reply: FastifyReply,
  ) {
    const session = await this.sessions.get(actor, id);
    try {
      await this.sessions.remove(actor, id);
    } catch (error) {
      const errors = formErrorsFrom(error);
      const cohort = await this.cohorts.get(actor, session.cohortId);
      return this.renderTimetable(reply, actor, cohort, { errors }, 409);
    }
    return reply.redirect(`/admin/cohorts/${session.cohortId}/timetable?notice=deleted`, 303);
  }

  private async renderCohortForm(
    reply: FastifyReply,
    cohort: CohortView | null,
    form: CohortForm,
    errors: FormError[],
    status = 200,
  ) {
    const courses = cohort ? [] : (await this.courses.list(EVERYTHING)).items;
    return this.pages.render(
      reply,
      'admin/cohort-form.njk',
      {
        title: cohort ? `Edit ${cohort.name}` : 'Create a cohort',
        cohort,
        form,
        courseItems: courses.map((c) => ({ value: c.id, text: `${c.code}: ${c.title}` })),
        statusItems: STATUS_CHOICES.map((s) => ({ value: s, text: STATUS_LABELS[s] })),
        errors,
      },
      status,
    );
  }

  private async renderTimetable(
    reply: FastifyReply,
    actor: Actor,
    cohort: CohortView,
    extra: {
      notice?: string | null;
      blockForm?: BlockForm;
      weekForm?: WeekForm;
      errors?: FormError[];
    },
    status = 200,
  ) {
    const [blocks, sessions, counts, tutors, allTutors] = await Promise.all([
      this.blocks.list(actor, cohort.id, EVERYTHING),
      this.sessions.list(actor, cohort.id, EVERYTHING),
      this.attendance.registerCounts(actor, cohort.id),
      this.cohorts.tutors(actor, cohort.id, EVERYTHING),
      this.users.list({ role: 'tutor', ...EVERYTHING }),
    ]);
    const assigned = new Set(tutors.items.map((t) => t.userId));
    return this.pages.render(
      reply,
      'admin/timetable.njk',
      {
        title: `Timetable and tutors: ${cohort.name}`,
        cohort,
        blocks: blocks.items,
        groups: groupByBlock(sessions.items, counts),
        tutors: tutors.items,
        tutorItems: allTutors.items
          .filter((u) => !assigned.has(u.id))
          .map((u) => ({
            value: u.id,
            text: u.displayName ? `${u.displayName} (${u.email})` : u.email,
          })),
        blockForm: extra.blockForm ?? new BlockForm(),
        weekForm: extra.weekForm ?? new WeekForm(),
        blockItems: blocks.items.map((b) => ({ value: b.id, text: b.title })),
        kindItems: SESSION_KINDS.map((k) => ({
          value: k,
          text: labelOf(SESSION_KIND_LABELS, k),
        })),
        notice: extra.notice ?? null,
        errors: extra.errors ?? [],
      },
      status,
    );
  }

  /** The cohort and one of its blocks, each read with the actor's scope (404 if not theirs). */
  private async cohortAndBlock(actor: Actor, cohortId: string, blockId: string) {
    const [cohort, block] = await Promise.all([
      this.cohorts.get(actor, cohortId),
      this.blocks.find(actor, cohortId, blockId),
    ]);
    return { cohort, block };
  }

  private renderBlockEdit(
    reply: FastifyReply,
    cohort: CohortView,
    block: BlockView,
    form: BlockForm,
    errors: FormError[],
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/block-edit.njk',
      { title: `Edit the block: ${block.title}`, cohort, block, form, errors },
      status,
    );
  }

  private renderBlockDelete(
    reply: FastifyReply,
    cohort: CohortView,
    block: BlockView,
    form: BlockDeleteForm,
    errors: FormError[],
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/block-delete.njk',
      { title: `Delete the block: ${block.title}`, cohort, block, form, errors },
      status,
    );
  }

  private async renderSessionEdit(
    reply: FastifyReply,
    actor: Actor,
    session: SessionView,
    form: SessionEditForm,
    errors: FormError[],
    status = 200,
  ) {
    const cohort = await this.cohorts.get(actor, session.cohortId);
    return this.pages.render(
      reply,
      'admin/session-edit.njk',
      { title: `Move or rename: ${session.title}`, cohort, session, form, errors },
      status,
    );
  }

  private async renderCancel(
    reply: FastifyReply,
    actor: Actor,
    session: SessionView,
    form: { reason: string },
    errors: FormError[],
    status = 200,
  ) {
    const cohort = await this.cohorts.get(actor, session.cohortId);
    return this.pages.render(
      reply,
      'admin/session-cancel.njk',
      { title: `Cancel: ${session.title}`, cohort, session, form, errors },
      status,
    );
  }
}

/** The service's session fields onto the week form's. */
const WEEK_FIELDS: Record<string, string> = {
  title: 'title',
  kind: 'kind',
  startsAt: 'startTime',
  endsAt: 'endTime',
  blockId: 'blockId',
  location: 'location',
  contactMinutes: 'endTime',
};

/** Two forms share the timetable page: their fields are named `block.x` and `week.x` there. */
function prefixed(errors: FormError[], form: string): FormError[] {
  return errors.map((e) =>
    e.field && !e.field.startsWith(`${form}.`) ? formError(`${form}.${e.field}`, e.text) : e,
  );
}

const NOTICES: Record<string, string> = {
  created: 'Cohort created. Add its teaching blocks, its sessions and its tutors.',
  saved: 'Cohort saved.',
  block: 'Block added.',
  'block-saved': 'Block saved.',
  'block-deleted': 'Block deleted.',
  sessions: 'Sessions added.',
  tutor: 'Tutor assigned.',
  'tutor-removed': 'Tutor removed from the cohort.',
  moved: 'Session changed.',
  cancelled: 'Session cancelled. Its students are being emailed.',
  deleted: 'Session deleted.',
};

function noticeOf(query: Record<string, unknown>): string | null {
  if (query.created === '1') return NOTICES.created;
  if (query.saved === '1') return NOTICES.saved;
  const key = query.notice;
  return typeof key === 'string' ? (NOTICES[key] ?? null) : null;
}
