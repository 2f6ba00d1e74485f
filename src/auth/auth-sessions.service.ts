import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppConfig } from '../infrastructure/config/app-config';
import type { Role } from '../users/user.entity';
import type { SessionKind } from './auth-session.entity';

/** What the access guard learns about a live session: its user as the database has them now. */
export interface LiveSession {
  userId: string;
  role: Role;
  studentId: string | null;
  kind: SessionKind;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The per-request check, one round trip by primary key as a named prepared statement (parsed
 * and planned once per connection): the session joined to its user, if the session is within its
 * absolute and idle limits. The data-modifying CTE moves `last_seen_at` forward only when it is
 * more than a minute old, so a busy session writes once a minute, not once a request; the idle
 * timeout is therefore exact to within that minute.
 */
const LIVE_SESSION = {
  name: 'pod_auth_live_session',
  text: `WITH s AS (
           SELECT s.id, s.kind, s.idle_seconds, s.last_seen_at, u.id AS user_id, u.role, u.student_id
             FROM auth_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = $1 AND s.expires_at > now()
              AND (s.idle_seconds IS NULL
                   OR s.last_seen_at > now() - make_interval(secs => s.idle_seconds))
         ), touched AS (
           UPDATE auth_sessions t SET last_seen_at = now()
             FROM s
            WHERE t.id = s.id AND s.idle_seconds IS NOT NULL
              AND s.last_seen_at < now() - interval '1 minute'
         )
         SELECT user_id, role, student_id, kind FROM s`,
};

/** Server-side sessions: created at sign-in, looked up on every request, deleted to sign out. */
@Injectable()
export class AuthSessions {
  private readonly pool: Pool;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Opens a session; web sessions also end after WEB_SESSION_IDLE_SECONDS without use. */
  async open(userId: string, kind: SessionKind): Promise<{ id: string; expiresIn: number }> {
    const expiresIn = this.config.JWT_EXPIRES_IN_SECONDS;
    const idle = kind === 'web' ? this.config.WEB_SESSION_IDLE_SECONDS : null;
    // Expired sessions of this user go now: the table holds live sessions and a few stale ones.
    await this.dataSource.query(
      `DELETE FROM auth_sessions WHERE user_id = $1 AND expires_at <= now()`,
      [userId],
    );
    const [row]: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO auth_sessions (user_id, kind, expires_at, idle_seconds)
       VALUES ($1, $2, now() + make_interval(secs => $3), $4) RETURNING id`,
      [userId, kind, expiresIn, idle],
    );
    return { id: row.id, expiresIn };
  }

  async live(sessionId: string): Promise<LiveSession | null> {
    if (!UUID.test(sessionId)) return null;
    const { rows } = await this.pool.query<{
      user_id: string;
      role: Role;
      student_id: string | null;
      kind: SessionKind;
    }>({ ...LIVE_SESSION, values: [sessionId] });
    const row = rows[0];
    return row
      ? { userId: row.user_id, role: row.role, studentId: row.student_id, kind: row.kind }
      : null;
  }

  /** Signs one session out. */
  async end(sessionId: string): Promise<void> {
    if (!UUID.test(sessionId)) return;
    await this.dataSource.query(`DELETE FROM auth_sessions WHERE id = $1`, [sessionId]);
  }

  /** Signs a user out everywhere; returns how many sessions ended. */
  async endAllFor(
    userId: string,
    db: Pick<DataSource, 'query'> = this.dataSource,
  ): Promise<number> {
    const [, count]: [unknown, number] = await db.query(
      `DELETE FROM auth_sessions WHERE user_id = $1`,
      [userId],
    );
    return count;
  }
}
