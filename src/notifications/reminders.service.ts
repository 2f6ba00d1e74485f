import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime, Duration } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '../infrastructure/config/app-config';
import { labelOf, SESSION_KINDS } from '../common/labels';
import { sessionsToIcs } from '../sessions/session-calendar';
import type { NotificationAttachment } from './notification.entity';
import { NotificationsService } from './notifications.service';
import { reminderOffsets, ReminderSettingsInput } from './reminder-offsets';

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

    const messages = due.map((s) => this.message(s));
    const ids = await this.dataSource.transaction(async (em) => {
      const rows: Array<{ id: string }> = await em.query(
        `INSERT INTO notifications (dedupe_key, kind, recipient, subject, body_text, attachments)
         SELECT 'session_reminder:' || x.session_id || ':' || e.id || ':' || x.iso,
                'session_reminder', st.email, x.subject,
                'Dear ' || st.given_name || E',\\n\\n' || x.body,
                jsonb_build_array(x.attachment)
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
                  AS x(session_id, cohort_id, iso, subject, body, attachment)
           JOIN enrolments e ON e.cohort_id = x.cohort_id AND e.status = 'enrolled'
           JOIN students st ON st.id = e.student_id AND st.erased_at IS NULL
          ORDER BY x.session_id, e.id
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id`,
        [
          due.map((s) => s.id),
          due.map((s) => s.cohort_id),
          due.map((s) => s.offset),
          messages.map((m) => m.subject),
          messages.map((m) => m.body),
          messages.map((m) => JSON.stringify(m.attachment)),
        ],
      );
      return rows.map((r) => r.id);
    });
    if (ids.length) {
      this.logger.log(`Reminder scan: ${ids.length} reminder(s) for ${due.length} session(s)`);
      await this.notifications.dispatch(ids);
    }
    return ids;
  }

  /** Subject, body (after the greeting) and .ics of one session, in the cohort's time zone. */
  private message(s: DueSession): {
    subject: string;
    body: string;
    attachment: NotificationAttachment;
  } {
    const zone = s.timezone;
    const start = DateTime.fromJSDate(s.starts_at, { zone }).setLocale('en-GB');
    const end = DateTime.fromJSDate(s.ends_at, { zone }).setLocale('en-GB');
    const day = start.toFormat('cccc d LLLL yyyy');
    const endText = end.hasSame(start, 'day')
      ? end.toFormat('HH:mm')
      : `${end.toFormat('cccc d LLLL yyyy')}, ${end.toFormat('HH:mm')}`;
    const when = `${day}, ${start.toFormat('HH:mm')} to ${endText} (${start.toFormat('ZZZZ')}, ${zone})`;
    const lead = Duration.fromISO(s.offset);
    const body = [
      `This is a reminder of your ${labelOf(SESSION_KINDS, s.kind).toLowerCase()} session on ${s.course_title} (${s.cohort_name}).`,
      '',
      s.title,
      ...(s.block_title ? [s.block_title] : []),
      `When: ${when}`,
      `Where: ${s.location ?? 'to be confirmed'}`,
      ...(s.mandatory ? [] : ['This session is optional.']),
      '',
      'The session is attached as a calendar entry.',
      '',
      `(Sent ${lead.rescale().toHuman({ listStyle: 'long' })} before the session.)`,
    ].join('\n');
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
    return {
      subject: `Reminder: ${s.title}, ${day} at ${start.toFormat('HH:mm')}`,
      body,
      attachment: {
        filename: 'session.ics',
        contentType: 'text/calendar; charset=utf-8',
        content: ics,
      },
    };
  }
}
