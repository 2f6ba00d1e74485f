import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JwtClaims } from '../auth/actor';
import { QUEUES } from '../infrastructure/queues/queue-names';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

function problem(reply: FastifyReply, status: 401 | 403, code: string, detail: string) {
  return reply
    .code(status)
    .header('content-type', 'application/problem+json')
    .send({
      type: `https://pod-cohorts.dev/problems/${code}`,
      title: status === 401 ? 'Unauthorized' : 'Forbidden',
      status,
      detail,
      code,
    });
}

/**
 * The bull-board dashboard of every queue at /admin/queues, on the API's Fastify instance.
 * bull-board's routes are plain Fastify routes that Nest's global guard never sees, so an
 * onRequest hook scoped to them does the guard's job: a valid bearer token (or the web session's
 * token) of an admin, else 401 / 403. Called once from createApiApp, before app.init().
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const jwt = app.get(JwtService, { strict: false });
  const queues = Object.values(QUEUES).map(
    (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })),
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
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      const token = match?.[1] ?? request.sessionToken;
      let claims: JwtClaims | null = null;
      if (token) {
        try {
          claims = await jwt.verifyAsync<JwtClaims>(token, { algorithms: ['HS256'] });
        } catch {
          claims = null;
        }
      }
      if (!claims) {
        return problem(reply, 401, 'unauthorized', 'A valid bearer token is required');
      }
      if (claims.role !== 'admin') {
        return problem(reply, 403, 'forbidden', 'Only administrators may see the queues');
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}
