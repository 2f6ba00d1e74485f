import { evaluateCompletion } from '../completion/completion-rules';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import {
  buildDemoData,
  cohort5Mondays,
  completionFacts,
  type DemoData,
  localInstant,
  mulberry32,
} from './demo-data';

const NOW = new Date('2026-11-24T12:00:00Z');
const SEATED: readonly string[] = SEATED_STATUSES;

describe('demo data', () => {
  const data = buildDemoData(NOW);
  const cohort = (n: number) => data.cohorts.find((c) => c.number === n) as DemoData['cohorts'][0];
  const enrolmentsOf = (n: number) => data.enrolments.filter((e) => e.cohortId === cohort(n).id);
  const sessionsOf = (n: number) => data.sessions.filter((s) => s.cohortId === cohort(n).id);

  it('is the same every time for the same instant', () => {
    expect(buildDemoData(NOW)).toEqual(data);
  });

  it('keeps cohorts 1 to 4 identical whatever the date; only cohort 5 moves', () => {
    const later = buildDemoData(new Date('2027-06-01T08:00:00Z'));
    const historic = (d: DemoData) => {
      const ids = new Set(d.cohorts.filter((c) => c.number < 5).map((c) => c.id));
      const enrolmentIds = new Set(
        d.enrolments.filter((e) => ids.has(e.cohortId)).map((e) => e.id),
      );
      return {
        cohorts: d.cohorts.filter((c) => ids.has(c.id)),
        sessions: d.sessions.filter((s) => ids.has(s.cohortId)),
        attendance: d.attendance.filter((a) => enrolmentIds.has(a.enrolmentId)),
        assessments: d.assessments.filter((a) => enrolmentIds.has(a.enrolmentId)),
        decisions: d.decisions,
      };
    };
    expect(historic(later)).toEqual(historic(data));
    expect(later.cohorts[4].startDate).not.toBe(data.cohorts[4].startDate);
  });

  it.each([
    ['2018-03-26', '09:30', '2018-03-26T08:30:00.000Z'],
    ['2018-10-29', '09:30', '2018-10-29T09:30:00.000Z'],
    ['2017-05-15', '09:30', '2017-05-15T08:30:00.000Z'],
    ['2017-01-30', '13:30', '2017-01-30T13:30:00.000Z'],
    ['2016-10-17', '16:30', '2016-10-17T15:30:00.000Z'],
  ])('reads %s %s in Europe/London as %s', (date, time, utc) => {
    expect(localInstant(date, time).toISOString()).toBe(utc);
  });

  it.each([
    ['a Tuesday in winter', '2026-11-24T12:00:00Z', '2026-09-28'],
    ['a Monday just after midnight in London (BST)', '2026-06-01T00:30:00+01:00', '2026-04-06'],
    ['a Sunday late evening in London', '2026-03-01T23:30:00Z', '2025-12-29'],
  ])('starts cohort 5 on the Monday eight weeks before %s', (_label, now, monday) => {
    const mondays = cohort5Mondays(new Date(now));
    expect(mondays[0]).toBe(monday);
    const built = buildDemoData(new Date(now));
    const sessions = built.sessions.filter((s) => s.cohortId === built.cohorts[4].id);
    const ended = sessions.filter((s) => s.endsAt.getTime() <= new Date(now).getTime());
    expect(ended).toHaveLength(20);
    expect(sessions.filter((s) => s.startsAt.getTime() > new Date(now).getTime())).toHaveLength(20);
  });

  it('gives every cohort four Monday-to-Friday residential weeks: 40 sessions, 120 hours', () => {
    for (const c of data.cohorts) {
      const blocks = data.blocks.filter((b) => b.cohortId === c.id);
      expect(blocks.map((b) => b.title)).toEqual([1, 2, 3, 4].map((n) => `Residential week ${n}`));
      for (const b of blocks) expect(new Date(`${b.startDate}T12:00:00Z`).getUTCDay()).toBe(1);
      const sessions = sessionsOf(c.number);
      expect(sessions).toHaveLength(40);
      expect(sessions.reduce((m, s) => m + s.contactMinutes, 0)).toBe(120 * 60);
    }
    expect(cohort(1).startDate).toBe('2014-10-20');
    expect(cohort(4).startDate).toBe('2018-01-08');
  });

  it('never seats more than the capacity, and cohort 3 has exactly 70, decided in October 2017', () => {
    for (const c of data.cohorts) {
      expect(
        enrolmentsOf(c.number).filter((e) => SEATED.includes(e.status)).length,
      ).toBeLessThanOrEqual(c.capacity);
    }
    const decided = enrolmentsOf(3).filter((e) =>
      ['completed', 'not_completed'].includes(e.status),
    );
    expect(decided).toHaveLength(70);
    const completed = decided.filter((e) => e.status === 'completed').length;
    expect(completed).toBeGreaterThanOrEqual(60);
    expect(completed).toBeLessThan(70);
    const ids = new Set(decided.map((e) => e.id));
    for (const d of data.decisions.filter((x) => ids.has(x.enrolmentId))) {
      expect(d.decidedAt.toISOString().slice(0, 7)).toBe('2017-10');
    }
  });

  it('stores decisions that the pure rules reproduce from the registers and results', () => {
    const latest = new Map(
      [...data.decisions]
        .sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime())
        .map((d) => [d.enrolmentId, d]),
    );
    for (const d of data.decisions.filter((x) => !x.override)) {
      const e = data.enrolments.find((x) => x.id === d.enrolmentId) as DemoData['enrolments'][0];
      const facts = completionFacts(
        e,
        data.sessions.filter((s) => s.cohortId === e.cohortId),
        data.blocks.filter((b) => b.cohortId === e.cohortId),
        data.attendance.filter((a) => a.enrolmentId === e.id),
        data.assessments.filter((a) => a.enrolmentId === e.id),
        d.decidedAt,
      );
      expect(facts).toEqual(d.facts);
      expect(evaluateCompletion(d.rules, facts).passed).toBe(d.outcome === 'completed');
      expect(e.status).toBe(latest.get(e.id)?.outcome);
    }
    const overrides = data.decisions.filter((x) => x.override);
    expect(overrides).toHaveLength(1);
    expect(overrides[0].reason).toMatch(/extenuating/);
  });

  it('links the transfer from cohort 3 to cohort 4 both ways', () => {
    const from = enrolmentsOf(3).find((e) => e.status === 'transferred');
    const to = enrolmentsOf(4).find((e) => e.transferredFromId === from?.id);
    expect(to).toBeDefined();
    expect(from?.transferredToId).toBe(to?.id);
    expect(to?.studentId).toBe(from?.studentId);
  });

  it('has fictional students at example.org with a realistic mix of professions', () => {
    const emails = data.students.map((s) => s.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of emails) expect(e).toMatch(/^[a-z]+\.[a-z]+\d*\.c[1-5]@example\.org$/);
    const peers = data.students.filter((s) => s.profession === 'peer_support_worker').length;
    expect(peers / data.students.length).toBeGreaterThan(0.12);
    expect(peers / data.students.length).toBeLessThan(0.2);
    expect(new Set(data.students.map((s) => s.employer)).size).toBeGreaterThanOrEqual(6);
  });

  it('shows cohort 5 part-way through, with several students at risk and the demo student on track', () => {
    const seated = enrolmentsOf(5).filter((e) => e.status === 'enrolled');
    expect(seated).toHaveLength(70);
    const ended = sessionsOf(5)
      .filter((s) => s.endsAt.getTime() <= NOW.getTime())
      .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
    const trailingAbsences = (enrolmentId: string) => {
      const status = new Map(
        data.attendance
          .filter((a) => a.enrolmentId === enrolmentId)
          .map((a) => [a.sessionId, a.status]),
      );
      const k = ended.findIndex((s) => status.get(s.id) !== 'absent');
      return k === -1 ? ended.length : k;
    };
    const runs = seated.map((e) => trailingAbsences(e.id));
    expect(runs.filter((r) => r >= 3).length).toBeGreaterThanOrEqual(3);
    const missedWeekOne = seated.filter(
      (e) =>
        data.attendance.filter(
          (a) => a.enrolmentId === e.id && a.status === 'absent' && a.minutesAttended === 0,
        ).length >= 9,
    );
    expect(missedWeekOne.length).toBeGreaterThanOrEqual(3);
    const demo = data.enrolments.find((e) => e.studentId === data.demoStudentId);
    expect(demo?.status).toBe('enrolled');
    expect(demo?.cohortId).toBe(cohort(5).id);
    expect(data.attendance.filter((a) => a.enrolmentId === demo?.id).map((a) => a.status)).toEqual(
      Array(20).fill('present'),
    );
  });

  it('draws the same sequence from the same PRNG seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});
