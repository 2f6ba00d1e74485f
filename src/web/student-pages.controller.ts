import { Controller, Get, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AttendanceService } from '../attendance/attendance.service';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CertificatesService } from '../certificates/certificates.service';
import { UuidParam } from '../common/uuid-param';
import { isSeated } from '../enrolments/enrolment-transitions';
import { EnrolmentsService, StudentEnrolmentView } from '../enrolments/enrolments.service';
import { ProgressService, ProgressView } from '../progress/progress.service';
import { SessionsService, StudentSessionView } from '../sessions/sessions.service';
import { CsrfGuard } from './csrf.guard';
import { PageRenderer } from './page-renderer.service';
import { atRiskReasons, ruleLine } from './progress-wording';
import { WebExceptionFilter } from './web-exception.filter';

/** A block of the student's timetable: a teaching block of one cohort, or its other sessions. */
interface TimetableGroup {
  cohortName: string;
  title: string;
  sessions: StudentSessionView[];
}

/**
 * The student's own pages: progress for each enrolment, the timetable (and its calendar file),
 * session-by-session attendance, and the certificate download. Everything is read for the
 * signed-in student (actor.studentId); an id of someone else's record answers "Page not found".
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class StudentPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly progress: ProgressService,
    private readonly sessions: SessionsService,
    private readonly attendance: AttendanceService,
    private readonly enrolments: EnrolmentsService,
    private readonly certificates: CertificatesService,
  ) {}

  @Roles('student')
  @Get('progress')
  async progressPage(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const studentId = actor.studentId;
    const [views, contexts] = studentId
      ? await Promise.all([this.progress.forStudent(studentId), this.enrolments.mine(actor)])
      : [[], []];
    // Newest cohort first (the context's order), each with the progress service's figures.
    const enrolments = contexts
      .map((context) => ({ context, view: views.find((v) => v.enrolmentId === context.id) }))
      .filter((e): e is { context: StudentEnrolmentView; view: ProgressView } => !!e.view)
      .map(({ context, view }) => progressCard(context, view));
    return this.pages.render(reply, 'student/progress.njk', {
      title: 'Your progress',
      enrolments,
    });
  }

  @Roles('student')
  @Get('progress/:enrolmentId/attendance')
  async attendancePage(
    @CurrentActor() actor: Actor,
    @UuidParam('enrolmentId') enrolmentId: string,
    @Res() reply: FastifyReply,
  ) {
    // Both calls are scoped to the student's own enrolments: another's id is "Page not found".
    const enrolment = await this.enrolments.get(actor, enrolmentId);
    const [{ items }, contexts] = await Promise.all([
      this.attendance.forEnrolment(actor, enrolmentId),
      this.enrolments.mine(actor),
    ]);
    const timezone = contexts.find((c) => c.id === enrolmentId)?.timezone ?? 'Europe/London';
    return this.pages.render(reply, 'student/attendance.njk', {
      title: `Your attendance: ${enrolment.cohortName}`,
      enrolment,
      timezone,
      past: items.filter((i) => i.ended),
      upcoming: items.filter((i) => !i.ended).length,
    });
  }

  @Roles('student')
  @Get('timetable')
  async timetable(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const rows = await this.sessions.studentTimetable(actor);
    return this.pages.render(reply, 'student/timetable.njk', {
      title: 'Your timetable',
      groups: groupTimetable(rows),
      zones: [...new Set(rows.map((r) => r.timezone))],
    });
  }

  /**
   * The timetable as an iCalendar file, for a phone's calendar. It is a download (import), not a
   * subscription: a calendar app cannot send the session cookie, and the API's feed needs a
   * bearer token.
   */
  @Roles('student')
  @Get('timetable.ics')
  async calendar(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const ics = await this.sessions.studentCalendar(actor);
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="pod-timetable.ics"')
      .header('cache-control', 'private, no-store')
      .send(ics);
  }

  /** The PDF stored at issue; students get only their own (others' ids are "Page not found"). */
  @Roles('student', 'admin')
  @Get('certificates/:certificateId/download')
  async certificate(
    @CurrentActor() actor: Actor,
    @UuidParam('certificateId') id: string,
    @Res() reply: FastifyReply,
  ) {
    const { serial, sha256, pdf } = await this.certificates.pdf(actor, id);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${serial}.pdf"`)
      .header('cache-control', 'private, no-store')
      .header('etag', `"${sha256}"`)
      .send(pdf);
  }
}

/** What the progress page shows for one enrolment. */
function progressCard(context: StudentEnrolmentView, view: ProgressView) {
  const results = view.rules;
  const lines = results.map((r) => ruleLine(r, view.assessments));
  return {
    context,
    view,
    seated: isSeated(view.status),
    stillNeeded: lines.filter((l) => !l.passed).map((l) => l.text),
    met: lines.filter((l) => l.passed).map((l) => l.text),
    atRiskReasons: view.status === 'enrolled' ? atRiskReasons(view.atRiskReasons) : [],
  };
}

function groupTimetable(rows: StudentSessionView[]): TimetableGroup[] {
  const groups = new Map<string, TimetableGroup>();
  for (const row of rows) {
    const key = `${row.cohortId}:${row.blockId ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        cohortName: row.cohortName,
        title: row.blockTitle ?? 'Other sessions',
        sessions: [],
      };
      groups.set(key, group);
    }
    group.sessions.push(row);
  }
  return [...groups.values()];
}
