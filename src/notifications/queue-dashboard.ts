import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokens } from '../auth/access-tokens';
import { AuthSessions } from '../auth/auth-sessions.service';
import { authenticate } from '../auth/authenticate';
import { AppConfig } from '../infrastructure/config/app-config';
import { QUEUES } from '../infrastructure/queues/queue-names';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

const TITLES = { 401: 'Unauthorized', 403: 'Forbidden', 405: 'Method Not Allowed' } as const;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function problem(reply: FastifyReply, status: keyof typeof TITLES, code: string, detail: string) {
  return reply
    .code(status)
    .header('content-type', 'application/problem+json')
    .send({
      type: `https://pod-cohorts.dev/problems/${code}`,
      title: TITLES[status],
      status,
      detail,
      code,
    });
}

/**
 * The bull-board dashboard of every queue at /admin/queues, on the API's Fastify instance.
 * bull-board's routes are plain Fastify routes that Nest's global guard never sees, so an
 * onRequest hook scoped to them does the guard's job, with the guard's own check: a token whose
 * server-side session is live and whose user is an admin *now* (AuthSessions.live), else 401 /
 * 403. The dashboard is read-only (retry, clean, pause... answer 405) unless
 * QUEUE_DASHBOARD_ACTIONS is set; then an action carried by the page cookie must come from the
 * service's own origin, since bull-board's forms carry no CSRF token. Called once from
 * createApiApp, before app.init().
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const tokens = app.get(AccessTokens, { strict: false });
  const sessions = app.get(AuthSessions, { strict: false });
  const config = app.get(AppConfig, { strict: false });
  const readOnlyMode = !config.QUEUE_DASHBOARD_ACTIONS;
  const ownOrigin = new URL(config.PUBLIC_BASE_URL).origin;
  const queues = Object.values(QUEUES).map(
    (name) =>
      new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), {
        readOnlyMode,
        allowRetries: !readOnlyMode,
      }),
  );
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues,
    serverAdapter,
    options: { uiConfig: { boardTitle: 'POD Cohorts queues' } },
  });

  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const session = await authenticate(tokens, sessions, request);
      if (!session) {
        return problem(reply, 401, 'unauthorized', 'A valid bearer token is required');
      }
      if (session.role !== 'admin') {
        return problem(reply, 403, 'forbidden', 'Only administrators may see the queues');
      }
      if (SAFE_METHODS.has(request.method)) return;
      if (readOnlyMode) {
        return problem(reply, 405, 'read_only', 'The queue dashboard is read-only here');
      }
      if (session.via === 'web' && request.headers.origin !== ownOrigin) {
        return problem(reply, 403, 'cross_origin', 'Queue actions must come from this site');
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}
