import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { NotFoundError } from '../common/errors';
import { SEATED_STATUSES } from '../enrolments/enrolment.entity';
import { AppConfig } from '../infrastructure/config/app-config';
import { CalendarSession, sessionsToIcs } from './session-calendar';

/** 32 random bytes: unguessable, and URL-safe as base64url (43 characters). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const CALENDAR_COLUMNS = `s.id, s.title, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.location,
       b.title AS "blockTitle", co.code || ' ' || c.name AS "cohortName", s.mandatory,
       s.updated_at AS "updatedAt", s.sequence, s.cancelled_at AS "cancelledAt"`;

/**
 * Calendar subscriptions. Phones and Outlook subscribe to a URL and cannot send a token, so the
 * URL carries a secret: only its SHA-256 is stored, one per user; asking again replaces it and
 * revoking deletes it (the old URL then answers 404). The feed is the owner's own timetable as
 * it is at each fetch, cancelled sessions included as STATUS:CANCELLED.
 */
@Injectable()
export class CalendarFeedsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** A new secret URL for the actor, replacing any earlier one. */
  async create(actor: Actor): Promise<{ url: string; webcalUrl: string }> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO calendar_feeds (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [actor.userId, hashToken(token)],
    );
    return this.urls(token);
  }

  async revoke(actor: Actor): Promise<void> {
    await this.dataSource.query(`DELETE FROM calendar_feeds WHERE user_id = $1`, [actor.userId]);
  }

  /** Whether the actor has a feed (its URL cannot be shown again: only the hash is kept). */
  async exists(actor: Actor): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM calendar_feeds WHERE user_id = $1`,
      [actor.userId],
    );
    return rows.length > 0;
  }

  /** The https and webcal:// forms of a feed URL. */
  urls(token: string): { url: string; webcalUrl: string } {
    const url = new URL(`/calendar/${token}.ics`, this.config.PUBLIC_BASE_URL).toString();
    return { url, webcalUrl: url.replace(/^https?:/, 'webcal:') };
  }

  /** The owner's timetable for a token; an unknown, revoked or malformed token is 404. */
  async feed(token: string): Promise<string> {
    if (!TOKEN_PATTERN.test(token)) throw new NotFoundError('Calendar feed', 'token');
    const [owner]: Array<{ id: string; role: string; studentId: string | null }> =
      await this.dataSource.query(
        `SELECT u.id, u.role, u.student_id AS "studentId"
           FROM calendar_feeds f JOIN users u ON u.id = f.user_id
          WHERE f.token_hash = $1 AND u.role IN ('student', 'tutor')`,
        [hashToken(token)],
      );
    if (!owner) throw new NotFoundError('Calendar feed', 'token');
    const sessions: CalendarSession[] =
      owner.role === 'student'
        ? await this.dataSource.query(
            `SELECT ${CALENDAR_COLUMNS}
               FROM enrolments e
               JOIN cohorts c ON c.id = e.cohort_id
               JOIN courses co ON co.id = c.course_id
               JOIN sessions s ON s.cohort_id = c.id
               LEFT JOIN blocks b ON b.id = s.block_id
              WHERE e.student_id = $1 AND e.status = ANY($2::text[])
              ORDER BY s.starts_at, s.id`,
            [owner.studentId, SEATED_STATUSES],
          )
        : await this.dataSource.query(
            `SELECT ${CALENDAR_COLUMNS}
               FROM cohort_tutors t
               JOIN cohorts c ON c.id = t.cohort_id
               JOIN courses co ON co.id = c.course_id
               JOIN sessions s ON s.cohort_id = c.id
               LEFT JOIN blocks b ON b.id = s.block_id
              WHERE t.user_id = $1
              ORDER BY s.starts_at, s.id`,
            [owner.id],
          );
    return sessionsToIcs('POD Cohorts timetable', sessions);
  }
}
