import { DateTime } from 'luxon';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity';
import { canTransition, REINSTATE_TRANSITIONS } from '../enrolments/enrolment-transitions';

/**
 * Small decisions of the admin cohort page that deserve their own tests: the order of the
 * progress table and which actions an enrolment row offers (read from the enrolment state
 * machine, never restated).
 */

export const PROGRESS_SORTS = ['name', 'attendance', '-attendance'] as const;
export type ProgressSort = (typeof PROGRESS_SORTS)[number];

/** `?sort=` as given, or the default (by name, the order the progress service returns). */
export function progressSort(value: unknown): ProgressSort {
  return (PROGRESS_SORTS as readonly unknown[]).includes(value) ? (value as ProgressSort) : 'name';
}

/**
 * Sorted copy of the progress rows. `attendance` puts the lowest first (who needs attention),
 * `-attendance` the highest; nothing measured yet goes last either way; ties keep the service's
 * order (by name), since Array.prototype.sort is stable.
 */
export function sortProgress<T extends { attendance: { percent: number | null } }>(
  rows: readonly T[],
  sort: ProgressSort,
): T[] {
  if (sort === 'name') return [...rows];
  const sign = sort === 'attendance' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a.attendance.percent;
    const y = b.attendance.percent;
    if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
    return sign * (x - y);
  });
}

/** The link in a sortable column header: a second click on the attendance column reverses it. */
export function sortLinks(current: ProgressSort): {
  name: ProgressSort;
  attendance: ProgressSort;
  ariaSort: { name?: string; attendance?: string };
} {
  return {
    name: 'name',
    attendance: current === 'attendance' ? '-attendance' : 'attendance',
    ariaSort:
      current === 'name'
        ? { name: 'ascending' }
        : { attendance: current === 'attendance' ? 'ascending' : 'descending' },
  };
}

export type EnrolmentAction = 'withdraw' | 'defer' | 'transfer' | 'resume' | 'reinstate';

const ACTION_TARGET: Record<Exclude<EnrolmentAction, 'reinstate' | 'resume'>, EnrolmentStatus> = {
  withdraw: 'withdrawn',
  defer: 'deferred',
  transfer: 'transferred',
};

const ACTIONS: readonly EnrolmentAction[] = [
  'resume',
  'withdraw',
  'defer',
  'transfer',
  'reinstate',
];

/**
 * The actions an enrolment in `status` offers, in display order. Resume is a deferral's way back.
 * Reinstate is offered where the
 * state table allows a move back to a seat only with the reinstate permission (a withdrawal).
 */
export function enrolmentActions(status: EnrolmentStatus): EnrolmentAction[] {
  return ACTIONS.filter((action) =>
    action === 'reinstate'
      ? (REINSTATE_TRANSITIONS[status] ?? []).includes('enrolled')
      : action === 'resume'
        ? // back from a deferral: a seat if one is free, else the waiting list (the service decides)
          status === 'deferred' && canTransition(status, 'enrolled')
        : canTransition(status, ACTION_TARGET[action]),
  );
}

export function isEnrolmentAction(value: unknown): value is EnrolmentAction {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

/** A session as the timetable tables need it (SessionView has these and more). */
export interface TimetableSession {
  id: string;
  blockId: string | null;
  blockTitle: string | null;
  startsAt: Date | string;
  endsAt: Date | string;
  timezone: string;
}

/** Sessions of one cohort grouped by teaching block, each with how much of its register is taken. */
export interface SessionGroup<S extends TimetableSession> {
  title: string;
  sessions: Array<S & { ended: boolean; today: boolean; marked: number; seated: number }>;
}

function localDay(instant: Date | string | number, zone: string): string {
  return DateTime.fromJSDate(new Date(instant), { zone }).toISODate() ?? '';
}

/**
 * Groups a cohort's sessions (in time order) by block, blocks in the order of their first
 * session; sessions outside any block form "Other sessions".
 */
export function groupByBlock<S extends TimetableSession>(
  sessions: readonly S[],
  counts: ReadonlyArray<{ sessionId: string; marked: number; seated: number }>,
  now = Date.now(),
): Array<SessionGroup<S>> {
  const bySession = new Map(counts.map((c) => [c.sessionId, c]));
  const groups = new Map<string, SessionGroup<S>>();
  for (const s of sessions) {
    const key = s.blockId ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { title: s.blockTitle ?? 'Other sessions', sessions: [] };
      groups.set(key, group);
    }
    const count = bySession.get(s.id);
    group.sessions.push({
      ...s,
      ended: new Date(s.endsAt).getTime() <= now,
      today: localDay(s.startsAt, s.timezone) === localDay(now, s.timezone),
      marked: count?.marked ?? 0,
      seated: count?.seated ?? 0,
    });
  }
  return [...groups.values()];
}

/**
 * The register a tutor most likely came to take: today's session (in the cohort's zone; of
 * several, the first that has not ended, else the last), otherwise the most recent ended session
 * whose register is not complete. Null when neither exists (nothing today, every register taken).
 */
export function likelyRegister<S extends TimetableSession>(
  groups: ReadonlyArray<SessionGroup<S>>,
): (SessionGroup<S>['sessions'][number] & { reason: 'today' | 'unmarked' }) | null {
  const sessions = groups
    .flatMap((g) => g.sessions)
    .sort((a, b) => new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime());
  const today = sessions.filter((s) => s.today);
  if (today.length) {
    return { ...(today.find((s) => !s.ended) ?? today[today.length - 1]), reason: 'today' };
  }
  const unmarked = sessions.filter((s) => s.ended && s.marked < s.seated);
  return unmarked.length ? { ...unmarked[unmarked.length - 1], reason: 'unmarked' } : null;
}
