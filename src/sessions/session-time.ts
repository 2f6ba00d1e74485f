import { DateTime } from 'luxon';

/**
 * Session times as people type them. A time WITHOUT an offset ("2018-03-26T09:30") is wall-clock
 * time in the cohort's IANA time zone; a time WITH `Z` or an offset is an instant. Conversion is
 * luxon's (the tz database), never offsets by hand, so British Summer Time and other rules are
 * right. Local times that do not exist (inside the spring-forward gap) or happen twice (the
 * repeated hour when clocks go back) are refused rather than guessed: the caller can resend them
 * with an explicit offset.
 */

export const SESSION_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export type TimeProblem = 'malformed' | 'invalid' | 'nonexistent' | 'ambiguous';

export type ParsedTime =
  | { ok: true; instant: Date; local: boolean }
  | { ok: false; problem: TimeProblem; message: string };

export function parseSessionTime(value: string, zone: string): ParsedTime {
  const m = SESSION_TIME_PATTERN.exec(value);
  if (!m) {
    return fail(
      'malformed',
      'must be an ISO 8601 date-time such as 2018-03-26T09:30 (cohort-local) or 2018-03-26T08:30Z',
    );
  }
  if (m[8] !== undefined) {
    const dt = DateTime.fromISO(value, { setZone: true });
    if (!dt.isValid) return fail('invalid', `is not a real date and time (${dt.invalidReason})`);
    return { ok: true, instant: dt.toJSDate(), local: false };
  }
  const wall = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    millisecond: m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3)),
  };
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return fail('invalid', 'is not a real time of day');
  }
  const dt = DateTime.fromObject(wall, { zone });
  if (!dt.isValid) return fail('invalid', `is not a real date and time (${dt.invalidReason})`);
  // luxon moves a time in the spring-forward gap past it; the wall clock then reads differently.
  if (dt.hour !== wall.hour || dt.minute !== wall.minute || dt.day !== wall.day) {
    return fail(
      'nonexistent',
      `does not exist in ${zone}: the clocks go forward over it (give an explicit offset if you mean an instant)`,
    );
  }
  if (dt.getPossibleOffsets().length > 1) {
    return fail(
      'ambiguous',
      `happens twice in ${zone} because the clocks go back: give an explicit offset such as +01:00 or +00:00`,
    );
  }
  return { ok: true, instant: dt.toJSDate(), local: true };
}

/**
 * A bound of a date range filter: a date means the cohort-local day (`from` its start, `to` the
 * end of it, so `to=2018-03-30` includes that whole day); anything else as `parseSessionTime`.
 * The range is half-open: from <= startsAt < to.
 */
export function parseRangeBound(value: string, zone: string, bound: 'from' | 'to'): ParsedTime {
  if (DATE_ONLY.test(value)) {
    const day = DateTime.fromISO(value, { zone });
    if (!day.isValid) return fail('invalid', `is not a real date (${day.invalidReason})`);
    const start = day.startOf('day');
    return {
      ok: true,
      instant: (bound === 'from' ? start : start.plus({ days: 1 })).toJSDate(),
      local: true,
    };
  }
  const parsed = parseSessionTime(value, zone);
  // A range bound in the repeated hour is harmless: take the earlier instant.
  if (!parsed.ok && parsed.problem === 'ambiguous') {
    const earlier = DateTime.fromISO(value, { zone }).getPossibleOffsets()[0];
    return { ok: true, instant: earlier.toJSDate(), local: true };
  }
  return parsed;
}

/** The cohort-local wall-clock reading of an instant, ISO 8601 without offset: 2018-03-26T09:30:00. */
export function toLocalIso(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISO({
    includeOffset: false,
    suppressMilliseconds: true,
  }) as string;
}

/** Whole minutes between two instants. */
export function minutesBetween(start: Date, end: Date): number {
  return Math.round((end.getTime() - start.getTime()) / 60_000);
}

function fail(problem: TimeProblem, message: string): ParsedTime {
  return { ok: false, problem, message };
}
