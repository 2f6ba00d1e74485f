/**
 * The history import's CSV (docs/history-import.md) for one of the demo's past cohorts, built
 * from the demo data set: the seed loads cohorts 1 to 3 through the import, as an installation
 * would bring in the cohorts that ran before it. Their certificates were issued on paper, so
 * each completed enrolment carries a paper serial, dated two weeks after its decision.
 */
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { ASSESSMENT_PREFIX, FIXED_COLUMNS, SESSION_PREFIX } from '../history-import/history-csv';
import type { DemoData, DemoDecision } from './demo-data';

const local = (d: Date, zone: string, format: string) =>
  DateTime.fromJSDate(d, { zone }).toFormat(format);

export function demoHistoryCsv(data: DemoData, cohortNumber: number): string {
  const cohort = data.cohorts.find((c) => c.number === cohortNumber);
  if (!cohort) throw new Error(`The demo has no cohort ${cohortNumber}`);
  const zone = cohort.timezone;
  const day = (d: Date) => local(d, zone, 'yyyy-MM-dd');
  const sessions = data.sessions
    .filter((s) => s.cohortId === cohort.id)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const codes = data.course.assessments.map((a) => a.code);
  const enrolments = data.enrolments.filter((e) => e.cohortId === cohort.id);
  const students = new Map(data.students.map((s) => [s.id, s]));
  const marks = new Map(data.attendance.map((a) => [`${a.sessionId}:${a.enrolmentId}`, a]));
  const results = new Map(data.assessments.map((r) => [`${r.enrolmentId}:${r.assessmentCode}`, r]));
  const latest = new Map<string, DemoDecision>();
  for (const d of [...data.decisions].sort(
    (a, b) => a.decidedAt.getTime() - b.decidedAt.getTime(),
  )) {
    latest.set(d.enrolmentId, d);
  }

  const header = [
    ...FIXED_COLUMNS,
    ...sessions.map((s) => `${SESSION_PREFIX}${local(s.startsAt, zone, "yyyy-MM-dd'T'HH:mm")}`),
    ...codes.map((c) => `${ASSESSMENT_PREFIX}${c}`),
  ];
  let serial = 0;
  const lines = enrolments.map((e) => {
    const student = students.get(e.studentId);
    if (!student || !e.endedAt) throw new Error(`Demo enrolment ${e.id} is not a finished one`);
    const decision = latest.get(e.id) ?? null;
    const paper =
      e.status === 'completed' && decision
        ? {
            serial: `${data.course.code}-C${cohort.number}-${String(++serial).padStart(4, '0')}`,
            issuedOn: day(new Date(decision.decidedAt.getTime() + 14 * 86_400_000)),
          }
        : null;
    const fixed: Record<(typeof FIXED_COLUMNS)[number], string> = {
      email: student.email,
      givenName: student.givenName,
      familyName: student.familyName,
      profession: student.profession,
      employer: student.employer,
      registrationNumber: student.registrationNumber ?? '',
      route: e.route,
      enrolledOn: day(e.enrolledAt),
      status: e.status,
      endedOn: day(e.endedAt),
      reason: e.reason ?? '',
      decision: decision?.outcome ?? '',
      decidedOn: decision ? day(decision.decidedAt) : '',
      override: decision?.override ? 'yes' : '',
      overrideReason: decision?.override ? (decision.reason ?? '') : '',
      certificateSerial: paper?.serial ?? '',
      certificateIssuedOn: paper?.issuedOn ?? '',
    };
    const register = sessions.map((s) => {
      const a = marks.get(`${s.id}:${e.id}`);
      if (!a) return '';
      return a.status === 'late' || a.status === 'left_early'
        ? `${a.status}:${a.minutesAttended}`
        : a.status;
    });
    const assessed = codes.map((c) => {
      const r = results.get(`${e.id}:${c}`);
      if (!r) return '';
      return r.attempt > 1 ? `${r.outcome}:${r.attempt}` : r.outcome;
    });
    return [...FIXED_COLUMNS.map((c) => fixed[c]), ...register, ...assessed];
  });
  return stringify([header, ...lines]);
}
