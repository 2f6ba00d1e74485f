import { ICalCalendar, ICalEventStatus } from 'ical-generator';

/** What a calendar entry needs of a session; the reminders can build one from a single row. */
export interface CalendarSession {
  id: string;
  title: string;
  kind: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  blockTitle: string | null;
  cohortName?: string | null;
  mandatory?: boolean;
  /** Becomes DTSTAMP, so an unchanged timetable gives byte-identical output. */
  updatedAt?: Date;
  /** iCalendar SEQUENCE: calendar apps replace their copy only when it goes up. */
  sequence?: number;
  /** A cancelled session stays in the feed as STATUS:CANCELLED, so apps remove it. */
  cancelledAt?: Date | null;
}

/** `<sessionId>@pod-cohorts`: stable, so calendar apps update an event instead of duplicating it. */
export function sessionUid(sessionId: string): string {
  return `${sessionId}@pod-cohorts`;
}

/**
 * An iCalendar (RFC 5545) document with one VEVENT per session. Times are written in UTC
 * (DTSTART:20180326T083000Z): they are the stored instants, so they are right across clock changes
 * without a VTIMEZONE, and every calendar app shows them in its user's own zone.
 */
export function sessionsToIcs(calendarName: string, sessions: CalendarSession[]): string {
  const calendar = new ICalCalendar({
    name: calendarName,
    prodId: { company: 'POD Cohorts', product: 'Timetable', language: 'EN' },
  });
  for (const s of sessions) {
    const details = [
      s.cohortName ?? null,
      s.blockTitle ? `Block: ${s.blockTitle}` : null,
      `Kind: ${s.kind.replace(/_/g, ' ')}`,
      s.mandatory === false ? 'Optional session' : null,
    ].filter((line): line is string => line !== null);
    calendar.createEvent({
      id: sessionUid(s.id),
      start: s.startsAt,
      end: s.endsAt,
      stamp: s.updatedAt ?? s.startsAt,
      summary: s.cancelledAt ? `Cancelled: ${s.title}` : s.title,
      location: s.location,
      description: details.join('\n'),
      sequence: s.sequence ?? 0,
      status: s.cancelledAt ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
