import {
  Body,
  Controller,
  Get,
  HttpException,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators';
import { AuthService, LoginResult } from '../auth/auth.service';
import { AppConfig } from '../infrastructure/config/app-config';
import { CsrfGuard } from './csrf.guard';
import { CSRF_COOKIE } from './csrf';
import { SignInForm } from './dto/sign-in-form.dto';
import { formError, validateForm } from './forms';
import { homeFor, safeNextPath } from './navigation';
import { PageRenderer } from './page-renderer.service';
import { clearSessionCookies, cookieOptions, setSessionCookie } from './web-cookies';
import { WebExceptionFilter } from './web-exception.filter';
import { WebSession } from './web-session.service';

/**
 * Sign in and out of the web pages. Signing in goes through the API's AuthService.login, so the
 * same users, the same password check and the same rate limit apply. It opens a `web` session
 * on the server (idle and absolute limits) whose token becomes the session cookie.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class SignInController {
  constructor(
    private readonly auth: AuthService,
    private readonly pages: PageRenderer,
    private readonly session: WebSession,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('sign-in')
  show(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('next') nextParam: unknown,
    @Query('signedOut') signedOut: unknown,
  ) {
    const next = safeNextPath(nextParam);
    const actor = this.session.actorOf(request);
    if (actor && actor.role !== 'system') return reply.redirect(next ?? homeFor(actor.role), 303);
    return this.pages.render(reply, 'sign-in.njk', {
      title: 'Sign in',
      next,
      signedOut: signedOut === '1',
    });
  }

  @Public()
  @Post('sign-in')
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const { form, errors } = await validateForm(SignInForm, body);
    const page = { title: 'Sign in', email: form.email, next: safeNextPath(form.next) };
    if (errors.length > 0) return this.pages.render(reply, 'sign-in.njk', { ...page, errors }, 400);

    let result: LoginResult;
    try {
      result = await this.auth.login(
        form.email,
        form.password,
        { address: request.ip, requestId: String(request.id) },
        'web',
      );
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 0;
      if (status === 401) {
        const wrong = [formError('email', 'Enter a correct email and password')];
        return this.pages.render(reply, 'sign-in.njk', { ...page, errors: wrong }, 401);
      }
      if (status === 429) {
        const headers = (error as { headers?: Record<string, string> }).headers;
        const seconds = Number(headers?.['retry-after']) || 60;
        const minutes = Math.ceil(seconds / 60);
        void reply.header('retry-after', String(seconds));
        const blocked = [
          formError(
            undefined,
            `You have tried to sign in too many times. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`,
          ),
        ];
        return this.pages.render(reply, 'sign-in.njk', { ...page, errors: blocked }, 429);
      }
      throw error;
    }

    setSessionCookie(reply, this.config, result.accessToken, result.expiresIn);
    // A new CSRF secret for the new session: tokens from before signing in stop working.
    void reply.clearCookie(CSRF_COOKIE, cookieOptions(this.config));
    return reply.redirect(page.next ?? homeFor(result.user.role), 303);
  }

  /**
   * Ends the session on the server, so the cookie is dead even if a copy survives. Public so an
   * expired session can still sign out; the CSRF token stops forced sign-outs.
   */
  @Public()
  @Post('sign-out')
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.session.end(request);
    clearSessionCookies(reply, this.config);
    // Personal pages may linger in the browser's cache on a shared computer (ASVS 14.3.1).
    void reply.header('clear-site-data', '"cache"');
    return reply.redirect('/sign-in?signedOut=1', 303);
  }
}
