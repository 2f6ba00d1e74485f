import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import type { AppConfig } from '../infrastructure/config/app-config';
import { SESSION_COOKIE } from './web-cookies';
import { APP_ASSETS_DIR, NHSUK_DIR } from './web-paths';

/** nhsuk-frontend's compiled files that pages load; the rest of its build stays unpublished. */
const NHSUK_FILES = /^\/nhsuk-frontend\.min\.(css|js)(\.map)?$/;

/**
 * What the web pages need from Fastify, registered before the Nest app initialises:
 * - cookies, and the session cookie handed to the access guard as `request.sessionToken`;
 * - nhsuk-frontend's CSS, JS and images, and our own scripts, under /assets/.
 *
 * Forms need no extra body parser: Nest's Fastify adapter already parses
 * application/x-www-form-urlencoded (registering @fastify/formbody as well would clash with it).
 */
export async function registerWeb(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyCookie);

  // Swagger registers @fastify/static too: every registration here leaves the reply undecorated.
  await app.register(fastifyStatic, {
    root: join(NHSUK_DIR, 'assets', 'images'),
    prefix: '/assets/images/',
    decorateReply: false,
    maxAge: config.isProduction ? '1d' : 0,
  });
  await app.register(fastifyStatic, {
    root: NHSUK_DIR,
    prefix: '/assets/nhsuk/',
    decorateReply: false,
    allowedPath: (pathName) => NHSUK_FILES.test(pathName),
    maxAge: config.isProduction ? '1d' : 0,
  });
  await app.register(fastifyStatic, {
    root: APP_ASSETS_DIR,
    prefix: '/assets/app/',
    decorateReply: false,
  });

  // The cookie authenticates pages only. /api/v1 keeps bearer tokens alone, so no API route
  // carries ambient authority a cross-site request could borrow.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      // The matched route, not the raw URL, decides: an encoded path cannot slip past.
      const path = request.routeOptions.url ?? request.url;
      const token = request.cookies[SESSION_COOKIE];
      if (token && !path.startsWith('/api/')) request.sessionToken = token;
      done();
    });
}
