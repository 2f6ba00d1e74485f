import { Queue } from 'bullmq';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { checkMinutes } from '../src/attendance/register-rules';
import type { JwtClaims } from '../src/auth/actor';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import type { Role } from '../src/users/user.entity';
import {
  AUDIT_SQL,
  COHORT_EXISTS_SQL,
  COHORT_PROGRESS_SQL,
  ME_SQL,
  progressView,
  ProgressSqlRow,
  REGISTER_LOCK_SQL,
  REGISTER_SQL,
  REGISTER_UPSERT_SQL,
  STUDENT_PROGRESS_SQL,
} from './baseline-queries';
import {
  BENCH_JWT_SECRET,
  cliOptions,
  DEFAULT_BENCH_DATABASE_URL,
  DEFAULT_REDIS_URL,
} from './bench-env';
import { bearerToken, verifyToken } from './tokens';

/**
 * The raw baseline: the limit of a bare node:http server with `pg` on the same data, the
 * yardstick each API path is measured against. It serves the SAME answers as the API (the
 * smoke test compares them) from its OWN SQL (bench/baseline-queries.ts), every statement a
 * named prepared statement, with no framework, no ORM and none of the services' code: a JWT
 * checked with node:crypto, one round trip per read, one transaction of three statements per
 * register save plus the same at-risk job in Redis.
 */
export interface BaselineOptions {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  jwtSecret: string;
  poolSize: number;
}

export interface Baseline {
  server: Server;
  port: number;
  close: () => Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const COHORT_PROGRESS = /^\/api\/v1\/cohorts\/([0-9a-f-]{36})\/progress$/i;
const SESSION_ATTENDANCE = /^\/api\/v1\/sessions\/([0-9a-f-]{36})\/attendance$/i;
/** The default page of the progress lists (ListProgressQuery). */
const PAGE = { limit: 500, offset: 0 };

function page<T>(all: T[]) {
  return { items: all.slice(PAGE.offset, PAGE.offset + PAGE.limit), total: all.length, ...PAGE };
}

interface RegisterRow {
  id: string;
  cohort_id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  contact_minutes: number;
  mandatory: boolean;
  enrolment_id: string | null;
  student_id: string;
  given_name: string;
  family_name: string;
  enrolment_status: string;
  counts: boolean;
  record_id: string | null;
  record_status: string | null;
  minutes_attended: number | null;
  note: string | null;
  marked_by_id: string | null;
  marked_at: Date | null;
  marked_by_name: string | null;
  checked_in_at: Date | null;
}

interface WrittenRow {
  id: string;
  enrolment_id: string;
  status: string;
  minutes_attended: number;
  note: string | null;
  marked_by_id: string;
  marked_at: Date;
  before_status: string | null;
  before_minutes: number | null;
  before_note: string | null;
  before_marked_by_id: string | null;
  before_marked_at: Date | null;
}

export async function startBaseline(options: BaselineOptions, port = 0): Promise<Baseline> {
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize,
    application_name: 'pod-bench-baseline',
  });
  const queue = new Queue(QUEUES.notifications, {
    prefix: options.queuePrefix,
    connection: { url: options.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  });
  const query = async <T>(name: string, text: string, values: unknown[]) =>
    (await pool.query({ name, text, values })).rows as T[];

  const authenticate = (req: IncomingMessage, roles: Role[]): JwtClaims => {
    const token = bearerToken(req.headers.authorization);
    const claims: JwtClaims | null = token ? verifyToken(options.jwtSecret, token) : null;
    if (!claims) throw new HttpError(401);
    if (!roles.includes(claims.role)) throw new HttpError(403);
    return claims;
  };

  const register = async (claims: JwtClaims, sessionId: string) => {
    const rows = await query<RegisterRow>('register', REGISTER_SQL, [
      sessionId,
      claims.role,
      claims.sub,
    ]);
    if (rows.length === 0) throw new HttpError(404);
    const s = rows[0];
    const items = rows
      .filter((r) => r.enrolment_id)
      .map((r) => ({
        enrolmentId: r.enrolment_id,
        studentId: r.student_id,
        studentName: `${r.given_name} ${r.family_name}`,
        givenName: r.given_name,
        familyName: r.family_name,
        enrolmentStatus: r.enrolment_status,
        counts: r.counts,
        record: r.record_id
          ? {
              id: r.record_id,
              status: r.record_status,
              minutesAttended: r.minutes_attended,
              note: r.note,
              markedById: r.marked_by_id,
              markedByName: r.marked_by_name,
              markedAt: r.marked_at,
              checkedInAt: r.checked_in_at,
            }
          : null,
      }));
    return {
      session: {
        id: s.id,
        cohortId: s.cohort_id,
        title: s.title,
        startsAt: s.starts_at,
        endsAt: s.ends_at,
        contactMinutes: s.contact_minutes,
        mandatory: s.mandatory,
      },
      items,
      total: items.length,
    };
  };

  /** The bench's bodies carry no notes: statuses and minutes only. */
  const save = async (claims: JwtClaims, sessionId: string, body: string) => {
    const dto = JSON.parse(body) as {
      records?: Array<{ enrolmentId: string; status: string; minutesAttended?: number }>;
    };
    if (!Array.isArray(dto?.records)) throw new HttpError(400);
    const records = dto.records.map((r) => ({ ...r, enrolmentId: r.enrolmentId.toLowerCase() }));
    const ids = records.map((r) => r.enrolmentId);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [session] = (
        await client.query<{ contact_minutes: number; seated: string[] }>({
          name: 'register-lock',
          text: REGISTER_LOCK_SQL,
          values: [sessionId, ids, claims.role, claims.sub],
        })
      ).rows;
      if (!session) throw new HttpError(404);
      const seated = new Set(session.seated);
      const minutes = records.map((r) => {
        const checked = checkMinutes(r.status as never, r.minutesAttended, session.contact_minutes);
        if (typeof checked === 'string' || !seated.has(r.enrolmentId)) throw new HttpError(422);
        return checked;
      });
      const written = (
        await client.query<WrittenRow>({
          name: 'register-upsert',
          text: REGISTER_UPSERT_SQL,
          values: [sessionId, ids, records.map((r) => r.status), minutes, claims.sub],
        })
      ).rows;
      if (written.length > 0) {
        await client.query({
          name: 'register-audit',
          text: AUDIT_SQL,
          values: [
            claims.sub,
            claims.role,
            randomUUID(),
            written.map((w) => w.id),
            written.map((w) =>
              w.before_status
                ? JSON.stringify({
                    sessionId,
                    enrolmentId: w.enrolment_id,
                    status: w.before_status,
                    minutesAttended: w.before_minutes,
                    note: w.before_note,
                    markedById: w.before_marked_by_id,
                    markedAt: w.before_marked_at,
                  })
                : null,
            ),
            written.map((w) =>
              JSON.stringify({
                sessionId,
                enrolmentId: w.enrolment_id,
                status: w.status,
                minutesAttended: w.minutes_attended,
                note: w.note,
                markedById: w.marked_by_id,
                markedAt: w.marked_at,
              }),
            ),
          ],
        });
      }
      await client.query('COMMIT');
      if (written.length > 0) {
        const savedAt = new Date().toISOString();
        await queue.add(
          'risk-check',
          { kind: 'risk-check', sessionId, savedAt },
          { jobId: `risk-${sessionId}-${Date.parse(savedAt)}` },
        );
      }
      return { sessionId, saved: written.length, unchanged: records.length - written.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const route = async (req: IncomingMessage): Promise<unknown> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health/live') return { status: 'ok' };
    if (req.method === 'GET' && path === '/api/v1/me') {
      const claims = authenticate(req, ['admin', 'tutor', 'student']);
      const [user] = await query('me', ME_SQL, [claims.sub]);
      if (!user) throw new HttpError(401);
      return user;
    }
    if (req.method === 'GET' && path === '/api/v1/me/progress') {
      const claims = authenticate(req, ['student']);
      const rows = await query<ProgressSqlRow>('student-progress', STUDENT_PROGRESS_SQL, [
        claims.studentId,
      ]);
      return page(rows.map(progressView));
    }
    let match = COHORT_PROGRESS.exec(path);
    if (req.method === 'GET' && match) {
      authenticate(req, ['admin']);
      const cohortId = match[1].toLowerCase();
      const rows = await query<ProgressSqlRow>('cohort-progress', COHORT_PROGRESS_SQL, [cohortId]);
      if (
        rows.length === 0 &&
        (await query('cohort-exists', COHORT_EXISTS_SQL, [cohortId])).length === 0
      ) {
        throw new HttpError(404);
      }
      return page(rows.map(progressView));
    }
    match = SESSION_ATTENDANCE.exec(path);
    if (req.method === 'GET' && match) {
      return register(authenticate(req, ['admin', 'tutor']), match[1].toLowerCase());
    }
    if (req.method === 'PUT' && match) {
      const claims = authenticate(req, ['admin', 'tutor']);
      return save(claims, match[1].toLowerCase(), await readBody(req));
    }
    throw new HttpError(404);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(req).then(
      (body) => {
        const json = JSON.stringify(body);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(json),
        });
        res.end(json);
      },
      (error: unknown) => {
        const status =
          error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500;
        if (status === 500) console.error(error);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status }));
      },
    );
  });
  server.keepAliveTimeout = 75_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await pool.end();
    },
  };
}

async function main(): Promise<void> {
  const args = cliOptions({
    port: { type: 'string', default: '0' },
    'database-url': { type: 'string', default: DEFAULT_BENCH_DATABASE_URL },
    'redis-url': { type: 'string', default: DEFAULT_REDIS_URL },
    'queue-prefix': { type: 'string', default: 'pod-bench' },
    'pool-size': { type: 'string', default: '10' },
  });
  const baseline = await startBaseline(
    {
      databaseUrl: String(args['database-url']),
      redisUrl: String(args['redis-url']),
      queuePrefix: String(args['queue-prefix']),
      jwtSecret: BENCH_JWT_SECRET,
      poolSize: Number(args['pool-size']),
    },
    Number(args.port),
  );
  console.log(`raw baseline listening on 127.0.0.1:${baseline.port}`);
  const stop = () => {
    baseline.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
