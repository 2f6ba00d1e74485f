import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../infrastructure/config/app-config';
import {
  ProblemDetails,
  ProblemDetailsFilter,
  toProblem,
} from '../infrastructure/http/problem-details.filter';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../infrastructure/http/dependency-outage';
import { CSRF_FAILED } from './csrf.guard';
import { PageRenderer } from './page-renderer.service';
import { SESSION_COOKIE, cookieOptions } from './web-cookies';

/**
 * Errors of the web pages as pages: a browser asking for HTML gets a redirect to sign in (401)
 * or an NHS.UK error page; any other client (and anything under /api/) gets the API's
 * problem+json, so scripts and the route-matrix check see the same statuses as on the API.
 * Forms that can be corrected (400/409/422) are re-rendered by their controller instead (see
 * forms.ts formErrorsFrom); what reaches this filter is shown as a page.
 */
@Catch()
@Injectable()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebPages');
  private readonly problems = new ProblemDetailsFilter();

  constructor(
    private readonly pages: PageRenderer,
    private readonly config: AppConfig,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.header('vary', 'Accept');
    if (!wantsHtml(request)) return this.problems.catch(exception, host);

    const problem = toProblem(exception);
    if (problem.status === 503) {
      this.logger.warn({ err: exception, reqId: request.id, url: request.url }, 'Unavailable');
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, reqId: request.id, url: request.url }, 'Unhandled error');
    }
    try {
      this.respond(problem, exception, request, reply);
    } catch (renderError) {
      this.logger.error({ err: renderError, reqId: request.id }, 'Error page failed to render');
      void reply
        .status(500)
        .type('text/plain; charset=utf-8')
        .send('Sorry, there is a problem with the service. Try again later.');
    }
  }

  private respond(
    problem: ProblemDetails,
    exception: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    switch (problem.status) {
      case 401: {
        // Either never signed in or the session expired: drop the stale cookie, come back here after.
        if (request.cookies[SESSION_COOKIE]) {
          void reply.clearCookie(SESSION_COOKIE, cookieOptions(this.config));
        }
        const next =
          isRead && request.url !== '/' ? `?next=${encodeURIComponent(request.url)}` : '';
        void reply.redirect(`/sign-in${next}`, 303);
        return;
      }
      case 403:
        if (problem.code === CSRF_FAILED) {
          this.pages.render(
            reply,
            'errors/form-expired.njk',
            { title: 'Your form could not be sent' },
            403,
          );
        } else {
          this.pages.render(
            reply,
            'errors/forbidden.njk',
            { title: 'You do not have access to this page' },
            403,
          );
        }
        return;
      case 404:
        this.pages.render(reply, 'errors/not-found.njk', { title: 'Page not found' }, 404);
        return;
      case 429: {
        const headers = (exception as { headers?: Record<string, string> }).headers;
        if (headers?.['retry-after']) void reply.header('retry-after', headers['retry-after']);
        this.pages.render(
          reply,
          'errors/too-many-requests.njk',
          { title: 'Too many attempts' },
          429,
        );
        return;
      }
    }
    if (problem.status === 503) {
      void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
      this.pages.render(
        reply,
        'errors/service-unavailable.njk',
        { title: 'Sorry, the service is unavailable' },
        503,
      );
    } else if (problem.status >= 500) {
      this.pages.render(
        reply,
        'errors/server-error.njk',
        { title: 'Sorry, there is a problem with the service' },
        500,
      );
    } else if (isRead && problem.status === 400) {
      // A malformed address (say, a broken id) is, to a reader, a page that does not exist.
      this.pages.render(reply, 'errors/not-found.njk', { title: 'Page not found' }, 404);
    } else {
      this.pages.render(
        reply,
        'errors/problem.njk',
        { title: 'There is a problem', detail: problem.detail },
        problem.status,
      );
    }
  }
}

/** Browsers navigating to a page; API clients, scripts and anything under /api/ get JSON. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.routeOptions.url?.startsWith('/api/')) {
    return false;
  }
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}
