import helmet from '@fastify/helmet';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { ApiModule } from './api.module';
import { AppConfig } from './infrastructure/config/app-config';
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
    bodyLimit: 20 * 1024 * 1024,
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
  app.enableShutdownHooks();

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
  fastify.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  const document = SwaggerModule.createDocument(
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
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
  routeTables.set(app, routes);

  await registerWeb(app, config);
  await mountQueueDashboard(app);
  await app.init();
  // An action with no body (e.g. POST .../completion/evaluate) may still arrive labelled JSON:
  // treat an empty JSON body as no body. This replaces the parser Nest registers in init();
  // Fastify's own parser, with its prototype-poisoning protection, handles every other body.
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    void jsonParser(request, text, done);
  });
  await fastify.ready();
  return app;
}

export interface RegisteredRoute {
  method: string;
  url: string;
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
  app.enableShutdownHooks();
  await app.init();
  return app;
}
