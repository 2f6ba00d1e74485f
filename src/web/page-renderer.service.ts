import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Environment, FileSystemLoader } from 'nunjucks';
import { deriveKey } from '../auth/token-keys';
import { AppConfig } from '../infrastructure/config/app-config';
import { CSRF_COOKIE, csrfTokenFor, newCsrfSecret } from './csrf';
import { fieldError, fieldId, FormError } from './forms';
import { navigationFor } from './navigation';
import { VIEW_FILTERS } from './view-helpers';
import { cookieOptions } from './web-cookies';
import { NHSUK_DIST_DIR, VIEWS_DIR } from './web-paths';
import { WebSession } from './web-session.service';

export const SERVICE_NAME = 'POD Cohorts';

/** What a page template receives from its controller. */
export interface PageContext {
  /** The page's own title: the browser tab reads "<title> – POD Cohorts". */
  title: string;
  /** Problems with a submitted form, shown in the layout's error summary. */
  errors?: FormError[];
  [key: string]: unknown;
}

/**
 * Renders the Nunjucks views with nhsuk-frontend's macros. Every page also receives the
 * signed-in actor, the header navigation of their role, the current path and the CSRF token
 * its forms must carry (see views/macros/forms.njk).
 */
@Injectable()
export class PageRenderer {
  private readonly env: Environment;

  constructor(
    private readonly config: AppConfig,
    private readonly session: WebSession,
  ) {
    // Templates are compiled once and kept, in every mode: recompiling nhsuk-frontend's macros on
    // each render made a 70-student register take seconds in the local run and block the event
    // loop. The built app never edits its templates; restart to pick up a change.
    const loader = new FileSystemLoader([VIEWS_DIR, NHSUK_DIST_DIR], { noCache: false });
    this.env = new Environment(loader, { autoescape: true, trimBlocks: true, lstripBlocks: true });
    for (const [name, filter] of Object.entries(VIEW_FILTERS)) {
      this.env.addFilter(name, filter as (...args: unknown[]) => unknown);
    }
    this.env.addFilter('fieldError', fieldError);
    this.env.addFilter('fieldId', fieldId);
    this.env.addGlobal('serviceName', SERVICE_NAME);
  }

  /** Sends `view` as the whole response. Personal pages must not outlive sign-out in a cache. */
  render(reply: FastifyReply, view: string, context: PageContext, status = 200): FastifyReply {
    const html = this.html(reply, view, context);
    return reply
      .status(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(html);
  }

  html(reply: FastifyReply, view: string, context: PageContext): string {
    const request = reply.request;
    const actor = this.session.actorOf(request);
    const path = request.url.split('?')[0];
    return this.env.render(view, {
      ...context,
      errors: context.errors ?? [],
      actor,
      navigation: actor && actor.role !== 'system' ? navigationFor(actor.role, path) : [],
      currentPath: path,
      csrfToken: this.csrfToken(reply),
    });
  }

  /** The token for this browser's CSRF secret, creating the secret on its first page. */
  private csrfToken(reply: FastifyReply): string {
    let secret = reply.request.cookies[CSRF_COOKIE];
    if (!secret) {
      secret = newCsrfSecret();
      reply.request.cookies[CSRF_COOKIE] = secret;
      void reply.setCookie(CSRF_COOKIE, secret, cookieOptions(this.config));
    }
    return csrfTokenFor(
      deriveKey(this.config.JWT_SECRET, 'csrf'),
      secret,
      this.session.sessionIdOf(reply.request),
    );
  }
}
