import { HttpException, HttpStatus } from '@nestjs/common';
import { NestFastifyApplication, RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

/** Every JSON (and form) body: far above any real payload, far below a memory problem. */
export const BODY_LIMIT = 100 * 1024;
/** A whole file sent as the body (a CSV import): routes marked with @ImportBody() only. */
export const IMPORT_BODY_LIMIT = 20 * 1024 * 1024;

const IMPORT_BODY = 'importBody';

/**
 * Marks a route that takes a whole file as its body: it accepts up to IMPORT_BODY_LIMIT and
 * plain-text bodies (text/csv, text/plain). Every other route keeps BODY_LIMIT and refuses
 * text bodies with 415.
 */
export const ImportBody = () => RouteConfig({ [IMPORT_BODY]: true });

/**
 * Route hooks to add before the routes are registered (before app.init()): the import routes'
 * larger limit, and 415 for a text body anywhere else. Over a limit Fastify answers 413.
 */
export function limitBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (isImportRoute(route.config)) route.bodyLimit = IMPORT_BODY_LIMIT;
  });
  fastify.addContentTypeParser(
    ['text/csv', 'text/plain'],
    { parseAs: 'string' },
    (request, body, done) => {
      if (!isImportRoute(request.routeOptions.config)) {
        return done(
          new BodyRefused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, {
            code: 'unsupported_media_type',
            message: `${request.headers['content-type']} is not accepted here; send application/json`,
          }),
          undefined,
        );
      }
      done(null, body);
    },
  );
}

/**
 * The JSON parser, registered before the plugins (the queue dashboard, the pages) so that they
 * inherit it and Nest skips its own: an empty body is no body (an action such as
 * POST .../completion/evaluate may arrive labelled JSON with nothing in it), and a body nested
 * deeper than MAX_JSON_DEPTH is a 400 before class-transformer, which recurses once per level,
 * can overflow its stack on it. Fastify's own parser, with its prototype-poisoning protection,
 * does the parsing.
 */
export function parseJsonBodies(app: NestFastifyApplication): void {
  const jsonParser = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>('application/json', {}, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    void jsonParser(request, text, (error, value) => {
      if (error) return done(error, undefined);
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        return done(
          new BodyRefused(HttpStatus.BAD_REQUEST, {
            code: 'too_deeply_nested',
            message: `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
            errors: [{ field: 'body', message: `body must nest at most ${MAX_JSON_DEPTH} levels` }],
          }),
          undefined,
        );
      }
      done(null, value);
    });
  });
}

/**
 * An HTTP exception that also carries Fastify's `statusCode`, so that a plugin with its own
 * error handler (the queue dashboard) answers with the status too, not a 500.
 */
class BodyRefused extends HttpException {
  readonly statusCode: number;
  constructor(status: HttpStatus, body: { code: string; message: string; errors?: unknown[] }) {
    super(body, status);
    this.statusCode = status;
  }
}

function isImportRoute(config: unknown): boolean {
  return (config as Record<string, unknown> | undefined)?.[IMPORT_BODY] === true;
}
