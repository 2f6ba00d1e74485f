import 'reflect-metadata';
import { Queue } from 'bullmq';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Pool, PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { AttendanceService } from '../src/attendance/attendance.service';
import type { SaveRegisterDto } from '../src/attendance/dto/save-register.dto';
import { AuditService } from '../src/audit/audit.service';
import type { Actor, JwtClaims } from '../src/auth/actor';
import { ScopeService } from '../src/auth/scope.service';
import { DomainError } from '../src/common/errors';
import { page } from '../src/common/pagination';
import { QUEUES } from '../src/infrastructure/queues/queue-names';
import { NotificationsQueue } from '../src/notifications/notifications.queue';
import { ListProgressQuery } from '../src/progress/dto/list-progress.query';
import { ProgressService } from '../src/progress/progress.service';
import type { Role } from '../src/users/user.entity';
import {
  BENCH_JWT_SECRET,
  cliOptions,
  DEFAULT_BENCH_DATABASE_URL,
  DEFAULT_REDIS_URL,
} from './bench-env';
import { bearerToken, verifyToken } from './tokens';

/**
 * The raw baseline: the same work as the API's hot paths with the framework and the ORM taken
 * away. A bare node:http server, `pg` directly, a JWT checked with node:crypto. It runs the
 * services' OWN code (ProgressService, ScopeService, AttendanceService, so the very same SQL
 * and the same pure rules), handing them a thin pg adapter where they expect a TypeORM
 * DataSource. What the API spends beyond this is Nest, Fastify, validation, logging and TypeORM.
 *
 * The one statement written here is the audit insert TypeORM generates for AuditService.record
 * (em.save of AuditEvent entities): a multi-row INSERT, as an ORM-free implementation would do.
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

type Runner = Pick<Pool | PoolClient, 'query'>;

/** TypeORM's DataSource.query answers rows (and [rows, count] for UPDATE and DELETE). */
function typeormShape(result: QueryResult): unknown {
  return result.command === 'UPDATE' || result.command === 'DELETE'
    ? [result.rows, result.rowCount]
    : result.rows;
}

interface AuditRow {
  actorId: string | null;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string;
  before: object | null;
  after: object | null;
  requestId: string | null;
}

function entityManager(runner: Runner) {
  return {
    query: async (sql: string, params?: unknown[]) => typeormShape(await runner.query(sql, params)),
    create: (_entity: unknown, values: AuditRow) => values,
    save: async (rows: AuditRow[]) => {
      if (rows.length === 0) return rows;
      const params: unknown[] = [];
      const values = rows.map((r) => {
        const first = params.length;
        params.push(
          r.actorId,
          r.actorRole,
          r.action,
          r.entityType,
          r.entityId,
          r.before === null ? null : JSON.stringify(r.before),
          r.after === null ? null : JSON.stringify(r.after),
          r.requestId,
        );
        return `(${Array.from({ length: 8 }, (_, k) => `$${first + k + 1}`).join(', ')})`;
      });
      await runner.query(
        `INSERT INTO audit_events (actor_id, actor_role, action, entity_type, entity_id, before, after, request_id)
         VALUES ${values.join(', ')}`,
        params,
      );
      return rows;
    },
  };
}

/** The part of a DataSource the services use, over a pg pool. */
function pgDataSource(pool: Pool): DataSource {
  const adapter = {
    ...entityManager(pool),
    transaction: async <T>(work: (em: unknown) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(entityManager(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
  return adapter as unknown as DataSource;
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
  const dataSource = pgDataSource(pool);
  const scope = new ScopeService(dataSource);
  const progress = new ProgressService(dataSource);
  const attendance = new AttendanceService(
    dataSource,
    scope,
    new AuditService(dataSource),
    new NotificationsQueue(queue),
  );

  const authenticate = (req: IncomingMessage, roles: Role[]): Actor => {
    const token = bearerToken(req.headers.authorization);
    const claims: JwtClaims | null = token ? verifyToken(options.jwtSecret, token) : null;
    if (!claims) throw new HttpError(401);
    if (!roles.includes(claims.role)) throw new HttpError(403);
    return {
      userId: claims.sub,
      role: claims.role,
      studentId: claims.studentId ?? null,
      requestId: randomUUID(),
    };
  };

  const route = async (req: IncomingMessage): Promise<unknown> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health/live') return { status: 'ok' };
    if (req.method === 'GET' && path === '/api/v1/me/progress') {
      const actor = authenticate(req, ['student']);
      const q = new ListProgressQuery();
      const all = await progress.forStudent(actor.studentId as string);
      return page(all.slice(q.offset, q.offset + q.limit), all.length, q);
    }
    let match = COHORT_PROGRESS.exec(path);
    if (req.method === 'GET' && match) {
      const actor = authenticate(req, ['admin', 'tutor']);
      const cohortId = match[1].toLowerCase();
      await scope.assertCohort(actor, cohortId);
      const q = new ListProgressQuery();
      const all = await progress.forCohort(cohortId);
      return page(all.slice(q.offset, q.offset + q.limit), all.length, q);
    }
    match = SESSION_ATTENDANCE.exec(path);
    if (req.method === 'PUT' && match) {
      const actor = authenticate(req, ['admin', 'tutor']);
      const dto = JSON.parse(await readBody(req)) as SaveRegisterDto;
      if (!Array.isArray(dto?.records)) throw new HttpError(400);
      return attendance.save(actor, match[1].toLowerCase(), dto);
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
          error instanceof HttpError || error instanceof DomainError
            ? error.status
            : error instanceof SyntaxError
              ? 400
              : 500;
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
