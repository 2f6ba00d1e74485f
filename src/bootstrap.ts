import helmet from '@fastify/helmet';
import { INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { ApiModule } from './api.module';
import { AppConfig } from './infrastructure/config/app-config';
import { BODY_LIMIT, limitBodies, parseJsonBodies } from './infrastructure/http/body-parsing';
import { assertProductionSecrets } from './infrastructure/config/secret-strength';
import { fastifyTrustProxy } from './infrastructure/config/trust-proxy';
import { createValidationPipe } from './infrastructure/http/validation';
import { mountQueueDashboard } from './notifications/queue-dashboard';
import { registerWeb } from './web/web-setup';
import { WorkerModule } from './worker.module';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Builds the HTTP application: used by main.ts, the local runner and the e2e tests alike. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  assertProductionSecrets(config);
  const adapter = new FastifyAdapter({
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: BODY_LIMIT,
    // Honour a caller's x-request-id when sane, otherwise mint one; pino reads the same header.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      req.headers['x-request-id'] = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: [`'self'`],
        scriptSrc: [`'self'`],
        styleSrc: [`'self'`, `'unsafe-inline'`],
        imgSrc: [`'self'`, 'data:'],
        formAction: [`'self'`],
        frameAncestors: [`'none'`],
      },
    },
    hsts: config.isProduction,
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  limitBodies(fastify);
  parseJsonBodies(app);

  // A factory: the OpenAPI document is built on the first request for /docs, not at every start.
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('POD Cohorts API')
        .setDescription(
          'Training-cohort management: enrolment, registers, progress, completion, certificates, reports.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, bodyLimit: route.bodyLimit });
    }
  });
  routeTables.set(app, routes);

  await registerWeb(app, config);
  await mountQueueDashboard(app);
  await app.init();
  await fastify.ready();
  return app;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** Set on routes that take a larger body than BODY_LIMIT (the imports). */
  bodyLimit?: number;
}
const routeTables = new WeakMap<NestFastifyApplication, RegisteredRoute[]>();

/** Every route the app registered (the route-matrix test walks them). */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return routeTables.get(app) ?? [];
}

export async function startApi(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createApiApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  return app;
}

/** The worker: a Nest application context with no HTTP server. */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  assertProductionSecrets(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
}

/**
 * What the entry points do on SIGTERM (an orchestrator stopping a replica) or SIGINT: stop
 * taking new work, let in-flight requests (API) and active jobs (worker) finish, close the
 * connections, exit 0. Nest's close does it in that order: the HTTP server stops accepting and
 * drains before the shutdown hooks close PostgreSQL and Redis, and the processors finish their
 * jobs before those hooks too (QueueWorkerHost). If it takes longer than
 * SHUTDOWN_TIMEOUT_SECONDS the process exits 1 anyway: a cut job's lock lapses and another
 * worker runs it again (every job is idempotent); a cut request is the client's to retry.
 */
export function closeOnSignals(app: INestApplicationContext, config: AppConfig): void {
  const logger = new NestLogger('Shutdown');
  const close = (signal: NodeJS.Signals) => {
    const started = Date.now();
    logger.log(
      `${signal}: finishing in-flight work (at most ${config.SHUTDOWN_TIMEOUT_SECONDS} s)`,
    );
    setTimeout(() => {
      logger.error(`Still busy after ${config.SHUTDOWN_TIMEOUT_SECONDS} s: exiting anyway`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_SECONDS * 1000);
    app.close().then(
      () => {
        logger.log(`Stopped in ${Date.now() - started} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
