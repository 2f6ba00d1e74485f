import { labelOf, SESSION_KINDS } from '../common/labels';
import { DateTime, Duration } from 'luxon';

export interface SessionReminderFacts {
  givenName: string;
  title: string;
  kind: string;
  courseTitle: string;
  cohortName: string;
  blockTitle: string | null;
  startsAt: Date;
  endsAt: Date;
  /** The cohort's IANA zone: the times are written as the students there read them. */
  timezone: string;
  location: string | null;
  mandatory: boolean;
  /** How long before the start it is sent, as an ISO 8601 duration (e.g. `P1D`). */
  offset: string;
}

/** The reminder of one session to one student; the session's .ics rides along as an attachment. */
export function sessionReminderEmail(f: SessionReminderFacts): { subject: string; text: string } {
  const zone = f.timezone;
  const start = DateTime.fromJSDate(f.startsAt, { zone }).setLocale('en-GB');
  const end = DateTime.fromJSDate(f.endsAt, { zone }).setLocale('en-GB');
  const day = start.toFormat('cccc d LLLL yyyy');
  const endText = end.hasSame(start, 'day')
    ? end.toFormat('HH:mm')
    : `${end.toFormat('cccc d LLLL yyyy')}, ${end.toFormat('HH:mm')}`;
  const when = `${day}, ${start.toFormat('HH:mm')} to ${endText} (${start.toFormat('ZZZZ')}, ${zone})`;
  const lead = Duration.fromISO(f.offset);
  const text = [
    `Dear ${f.givenName},`,
    '',
    `This is a reminder of your ${labelOf(SESSION_KINDS, f.kind).toLowerCase()} session on ${f.courseTitle} (${f.cohortName}).`,
    '',
    f.title,
    ...(f.blockTitle ? [f.blockTitle] : []),
    `When: ${when}`,
    `Where: ${f.location ?? 'to be confirmed'}`,
    ...(f.mandatory ? [] : ['This session is optional.']),
    '',
    'The session is attached as a calendar entry.',
    '',
    `(Sent ${lead.rescale().toHuman({ listStyle: 'long' })} before the session.)`,
  ].join('\n');
  return { subject: `Reminder: ${f.title}, ${day} at ${start.toFormat('HH:mm')}`, text };
}
