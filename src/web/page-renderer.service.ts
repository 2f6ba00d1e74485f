import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Environment, FileSystemLoader } from 'nunjucks';
import { deriveKey } from '../auth/token-keys';
import { AppConfig } from '../infrastructure/config/app-config';
import { CSRF_COOKIE, csrfTokenFor, newCsrfSecret } from './csrf';
import { fieldError, fieldId, FormError } from './forms';
import { navigationFor } from './navigation';
import { VIEW_FILTERS } from './view-helpers';
import { cookieOptions } from './web-cookies';
import { APP_ASSETS_DIR, NHSUK_DIR, NHSUK_DIST_DIR, VIEWS_DIR } from './web-paths';
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
    // Compiled once per process: a second app in the same process (the e2e specs start
    // several) reuses the templates.
    this.env = viewEnvironment();
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

let shared: Environment | undefined;

/**
 * The views' Nunjucks environment, one per process: its filters and globals depend on no
 * request or setting. Every template is compiled when it is made, before the first request: our
 * views and nhsuk-frontend's components, which the pages import by name. Otherwise the first
 * visitor of each page waits for its compilation (hundreds of ms for a page of macros),
 * blocking the event loop for every other request meanwhile. Templates are kept, in every mode:
 * recompiling nhsuk-frontend's macros on each render made a 70-student register take seconds
 * in the local run. The built app never edits its templates; restart to pick up a change.
 */
function viewEnvironment(): Environment {
  if (shared) return shared;
  const loader = new FileSystemLoader([VIEWS_DIR, NHSUK_DIST_DIR], { noCache: false });
  const env = new Environment(loader, { autoescape: true, trimBlocks: true, lstripBlocks: true });
  for (const [name, filter] of Object.entries(VIEW_FILTERS)) {
    env.addFilter(name, filter as (...args: unknown[]) => unknown);
  }
  env.addFilter('fieldError', fieldError);
  env.addFilter('fieldId', fieldId);
  env.addGlobal('serviceName', SERVICE_NAME);
  const names = [
    ...templateNames(VIEWS_DIR, VIEWS_DIR, APP_ASSETS_DIR),
    // its components and shared macros (not its documentation fixtures)
    ...templateNames(join(NHSUK_DIR, 'components'), NHSUK_DIST_DIR),
    ...templateNames(join(NHSUK_DIR, 'macros'), NHSUK_DIST_DIR),
  ];
  for (const name of names) env.getTemplate(name, true);
  shared = env;
  return env;
}

/** Names (as the loader resolves them, "/"-separated) of the .njk files under `dir`. */
function templateNames(dir: string, root: string, skip?: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === skip ? [] : templateNames(path, root, skip);
    return entry.name.endsWith('.njk') ? [relative(root, path).split(sep).join('/')] : [];
  });
}
