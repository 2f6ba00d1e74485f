import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../infrastructure/config/app-config';
import { sessionsToIcs } from '../sessions/session-calendar';
import type { NotificationAttachment } from './notification.entity';
import { NewNotification, NotificationsService } from './notifications.service';
import { reminderOffsets, ReminderSettingsInput } from './reminder-offsets';
import { sessionReminderEmail } from './session-reminder-email';

interface DueSession {
  id: string;
  cohort_id: string;
  offset: string;
  title: string;
  kind: string;
  starts_at: Date;
  ends_at: Date;
  location: string | null;
  mandatory: boolean;
  updated_at: Date;
  block_title: string | null;
  cohort_name: string;
  timezone: string;
  course_title: string;
}

/**
 * Session reminders. A session's reminder for an offset is due once `starts_at - offset` (in the
 * cohort's time zone, so "1 day before" is the same wall-clock time across a clock change) has
 * passed and the session has not started. When several offsets are due at once (a session added
 * late, a scan that did not run), only the nearest one is sent: one "tomorrow" email, not a
 * "next week" and a "tomorrow" together. The dedupe key
 * `session_reminder:<session>:<enrolment>:<offset>` makes each reminder exist once however often
 * the scan runs, on however many workers.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  /** Writes the due reminders to the outbox and queues them; returns the new rows' ids. */
  async scan(at: Date = new Date()): Promise<string[]> {
    const cohorts: Array<{ id: string; reminder_settings: ReminderSettingsInput | null }> =
      await this.dataSource.query(
        `SELECT c.id, c.reminder_settings FROM cohorts c
          WHERE EXISTS (SELECT 1 FROM sessions s
                         WHERE s.cohort_id = c.id AND s.cancelled_at IS NULL
                           AND s.starts_at > greatest(now(), $1::timestamptz))`,
        [at],
      );
    const defaults = {
      block: this.config.REMINDER_BLOCK_OFFSETS,
      session: this.config.REMINDER_SESSION_OFFSETS,
    };
    const offsets: Array<[string, 'block' | 'session', string]> = [];
    for (const c of cohorts) {
      const o = reminderOffsets(defaults, c.reminder_settings);
      if (o.rejected.length) {
        this.logger.warn(`Cohort ${c.id}: ignoring reminder offsets ${o.rejected.join(', ')}`);
      }
      for (const iso of o.block) offsets.push([c.id, 'block', iso]);
      for (const iso of o.session) offsets.push([c.id, 'session', iso]);
    }
    if (offsets.length === 0) return [];

    const due: DueSession[] = await this.dataSource.query(
      `WITH offs AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS o(cohort_id, applies_to, iso)
       ),
       firsts AS (
         SELECT DISTINCT ON (s.block_id) s.id FROM sessions s
          WHERE s.block_id IS NOT NULL AND s.cohort_id = ANY($1::uuid[]) AND s.cancelled_at IS NULL
          ORDER BY s.block_id, s.starts_at, s.id
       )
       SELECT DISTINCT ON (s.id)
              s.id, s.cohort_id, o.iso AS "offset", s.title, s.kind, s.starts_at, s.ends_at,
              s.location, s.mandatory, s.updated_at, b.title AS block_title,
              c.name AS cohort_name, c.timezone, co.title AS course_title
         FROM sessions s
         JOIN cohorts c ON c.id = s.cohort_id
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN blocks b ON b.id = s.block_id
         LEFT JOIN firsts f ON f.id = s.id
         JOIN offs o ON o.cohort_id = s.cohort_id
                    AND o.applies_to = CASE WHEN f.id IS NOT NULL THEN 'block' ELSE 'session' END
        WHERE s.starts_at > $4::timestamptz AND s.starts_at > now() AND s.cancelled_at IS NULL
          AND ((s.starts_at AT TIME ZONE c.timezone) - o.iso::interval) AT TIME ZONE c.timezone
              <= $4::timestamptz
        ORDER BY s.id, o.iso::interval`,
      [offsets.map((o) => o[0]), offsets.map((o) => o[1]), offsets.map((o) => o[2]), at],
    );
    if (due.length === 0) return [];

    const ids = await this.dataSource.transaction(async (em) => {
      const recipients: Array<{
        session_id: string;
        enrolment_id: string;
        email: string;
        given_name: string;
      }> = await em.query(
        `SELECT x.session_id, e.id AS enrolment_id, st.email, st.given_name
           FROM unnest($1::uuid[], $2::uuid[]) AS x(session_id, cohort_id)
           JOIN enrolments e ON e.cohort_id = x.cohort_id AND e.status = 'enrolled'
           JOIN students st ON st.id = e.student_id AND st.erased_at IS NULL
          ORDER BY x.session_id, e.id`,
        [due.map((s) => s.id), due.map((s) => s.cohort_id)],
      );
      const sessions = new Map(due.map((s) => [s.id, { session: s, ics: this.attachment(s) }]));
      return this.notifications.enqueue(
        em,
        recipients.map((r): NewNotification => {
          const { session: s, ics } = sessions.get(r.session_id)!;
          return {
            dedupeKey: `session_reminder:${s.id}:${r.enrolment_id}:${s.offset}`,
            kind: 'session_reminder',
            recipient: r.email,
            ...sessionReminderEmail({
              givenName: r.given_name,
              title: s.title,
              kind: s.kind,
              courseTitle: s.course_title,
              cohortName: s.cohort_name,
              blockTitle: s.block_title,
              startsAt: s.starts_at,
              endsAt: s.ends_at,
              timezone: s.timezone,
              location: s.location,
              mandatory: s.mandatory,
              offset: s.offset,
            }),
            attachments: [ics],
          };
        }),
      );
    });
    if (ids.length) {
      this.logger.log(`Reminder scan: ${ids.length} reminder(s) for ${due.length} session(s)`);
      await this.notifications.dispatch(ids);
    }
    return ids;
  }

  /** The session as a calendar entry, the same for every student. */
  private attachment(s: DueSession): NotificationAttachment {
    const ics = sessionsToIcs(s.cohort_name, [
      {
        id: s.id,
        title: s.title,
        kind: s.kind,
        startsAt: s.starts_at,
        endsAt: s.ends_at,
        location: s.location,
        blockTitle: s.block_title,
        cohortName: s.cohort_name,
        mandatory: s.mandatory,
        updatedAt: s.updated_at,
      },
    ]);
    return { filename: 'session.ics', contentType: 'text/calendar; charset=utf-8', content: ics };
  }
}
