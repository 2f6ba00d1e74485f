/**
 * Independent study logs for the demo's live cohorts (4 and 5): the past cohorts ran before the
 * log existed. Deterministic like the rest of the demo (a seeded PRNG per enrolment), placed
 * between the enrolment day and the seed day: cohort 4's year is over, so its students have
 * logged around the 120-hour target, nearly all of it reviewed; cohort 5 is eight weeks in, so
 * its students have a few weeks of study, the latest entries still waiting for the tutor, and
 * the odd entry returned with a comment.
 */
import { DateTime } from 'luxon';
import type { StudyEntryStatus, StudyKind } from '../study-log/study-log-entry.entity';
import { demoId, type DemoData, mulberry32 } from './demo-data';

export interface DemoStudyEntry {
  id: string;
  enrolmentId: string;
  studiedOn: string;
  minutes: number;
  kind: StudyKind;
  reflection: string;
  status: StudyEntryStatus;
  reviewComment: string | null;
  /** The demo user id of the cohort's tutor, when reviewed. */
  reviewedById: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
}

const KINDS: ReadonlyArray<readonly [StudyKind, string]> = [
  ['reading', 'Read a chapter on dialogic practice and noted questions for supervision'],
  ['reading', 'Read a paper on network meetings in early psychosis'],
  ['reflective_writing', 'Wrote up reflections on holding uncertainty in a network meeting'],
  ['peer_practice', 'Peer practice group: reflecting team exercise'],
  ['supervision', 'Group supervision on a family network meeting'],
  ['other', 'Watched recorded network meetings and discussed them with a colleague'],
];

export function demoStudyLog(data: DemoData, now: Date): DemoStudyEntry[] {
  const live = data.cohorts.filter((c) => c.status === 'running');
  const entries: DemoStudyEntry[] = [];
  for (const cohort of live) {
    const tutor = data.cohortTutors.find((t) => t.cohortId === cohort.id)?.userId ?? null;
    const today = DateTime.fromJSDate(now, { zone: cohort.timezone }).startOf('day');
    const cohortEnd = DateTime.fromISO(cohort.endDate, { zone: cohort.timezone });
    const last = cohortEnd < today ? cohortEnd : today;
    for (const e of data.enrolments) {
      if (e.cohortId !== cohort.id || e.status !== 'enrolled') continue;
      const rng = mulberry32(parseInt(e.id.replace(/-/g, '').slice(0, 8), 16));
      // Study starts with the course: the enrolment day, or the first day for early enrolments.
      const enrolled = DateTime.fromJSDate(e.enrolledAt, { zone: cohort.timezone }).startOf('day');
      const start = DateTime.fromISO(cohort.startDate, { zone: cohort.timezone });
      let day = enrolled > start ? enrolled : start;
      // Most log about 2.5 hours a week; some much less, so the target is not met by all.
      const weekly = rng() < 0.15 ? 60 : 120 + Math.floor(rng() * 90);
      let k = 0;
      while (day.plus({ days: 7 }) <= last) {
        day = day.plus({ days: 3 + Math.floor(rng() * 8) });
        if (day > last) break;
        const [kind, reflection] = KINDS[Math.floor(rng() * KINDS.length)];
        const minutes = Math.max(15, Math.round((weekly * (0.6 + rng() * 0.8)) / 15) * 15);
        const age = last.diff(day, 'days').days;
        // The last fortnight's entries wait for review; one in twenty is returned.
        const status: StudyEntryStatus =
          age < 14 ? 'submitted' : rng() < 0.05 ? 'returned' : 'approved';
        const createdAt = day.plus({ hours: 20 }).toJSDate();
        entries.push({
          id: demoId('study-log', e.id, k++),
          enrolmentId: e.id,
          studiedOn: day.toISODate() as string,
          minutes,
          kind,
          reflection,
          status,
          reviewComment:
            status === 'returned' ? 'Please say what you took from it for your practice' : null,
          reviewedById: status === 'submitted' ? null : tutor,
          reviewedAt: status === 'submitted' ? null : day.plus({ days: 5, hours: 10 }).toJSDate(),
          createdAt,
        });
      }
    }
  }
  return entries;
}
