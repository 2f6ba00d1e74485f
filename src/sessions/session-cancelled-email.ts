import { DateTime } from 'luxon';

export interface CancelledSessionFacts {
  givenName: string;
  title: string;
  cohortName: string;
  courseTitle: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string | null;
  reason: string;
}

/** The email telling a student that a session of their cohort will not take place. */
export function sessionCancelledEmail(f: CancelledSessionFacts): { subject: string; text: string } {
  const start = DateTime.fromJSDate(f.startsAt, { zone: f.timezone }).setLocale('en-GB');
  const end = DateTime.fromJSDate(f.endsAt, { zone: f.timezone }).setLocale('en-GB');
  const day = start.toFormat('cccc d LLLL yyyy');
  const text = [
    `Dear ${f.givenName},`,
    '',
    `The ${f.courseTitle} session below (${f.cohortName}) has been cancelled and will not take place.`,
    '',
    f.title,
    `When it was due: ${day}, ${start.toFormat('HH:mm')} to ${end.toFormat('HH:mm')} (${f.timezone})`,
    ...(f.location ? [`Where: ${f.location}`] : []),
    `Reason: ${f.reason}`,
    '',
    'It no longer counts towards your attendance. If you subscribe to your timetable, your calendar shows it as cancelled.',
  ].join('\n');
  return { subject: `Cancelled: ${f.title}, ${day}`, text };
}
