import { DateTime } from 'luxon';
import type { SessionKind } from '../sessions/session.entity';
import type { WeekForm } from './dto/timetable-forms.dto';

/** What SessionsService.createMany takes for one session. */
export interface NewSession {
  title: string;
  kind: SessionKind;
  startsAt: string;
  endsAt: string;
  blockId?: string;
  location?: string;
}

/**
 * The sessions of a "week" form: one a day from the first day, each at the same wall-clock
 * times. Times are written without an offset, so the sessions service reads each in the cohort's
 * time zone on its own date: 09:30 stays 09:30 on both sides of a clock change.
 */
export function weekSessions(form: WeekForm): NewSession[] {
  const first = DateTime.fromISO(form.firstDay, { zone: 'UTC' });
  const days = Number(form.days);
  return Array.from({ length: days }, (_, i) => {
    const day = first.plus({ days: i }).toISODate() as string;
    return {
      title: days > 1 ? `${form.title}, day ${i + 1}` : form.title,
      kind: form.kind as SessionKind,
      startsAt: `${day}T${form.startTime}`,
      endsAt: `${day}T${form.endTime}`,
      ...(form.blockId ? { blockId: form.blockId } : {}),
      ...(form.location ? { location: form.location } : {}),
    };
  });
}
