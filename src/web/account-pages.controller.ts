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
import { AccountTokens, TokenHolder } from '../accounts/account-tokens.service';
import { PasswordResetService } from '../accounts/password-reset.service';
import { Public } from '../auth/access.decorators';
import { PASSWORD_MIN_LENGTH } from '../auth/password-policy';
import { DomainError } from '../common/errors';
import { AppConfig } from '../infrastructure/config/app-config';
import { CsrfGuard } from './csrf.guard';
import { CSRF_COOKIE } from './csrf';
import { ForgottenPasswordForm, SetPasswordForm } from './dto/account-forms.dto';
import { formError, formErrorsFrom, validateForm } from './forms';
import { homeFor } from './navigation';
import { PageRenderer } from './page-renderer.service';
import { cookieOptions, setSessionCookie } from './web-cookies';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * "Forgotten your password?" and the page an emailed link (invitation or reset) opens, where the
 * person sets a password and is signed in. Both call the services behind
 * POST /api/v1/auth/password-reset and POST /api/v1/auth/password.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AccountPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly tokens: AccountTokens,
    private readonly resets: PasswordResetService,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('forgotten-password')
  forgottenForm(@Res() reply: FastifyReply) {
    return this.pages.render(reply, 'account/forgotten-password.njk', {
      title: 'Reset your password',
      form: new ForgottenPasswordForm(),
    });
  }

  @Public()
  @Post('forgotten-password')
  async forgotten(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ) {
    const { form, errors } = await validateForm(ForgottenPasswordForm, body);
    if (errors.length === 0) {
      try {
        await this.resets.request(form.email, request.ip, String(request.id));
        return this.pages.render(reply, 'account/forgotten-password-sent.njk', {
          title: 'Check your email',
          email: form.email,
        });
      } catch (error) {
        if (!(error instanceof HttpException && error.getStatus() === 429)) throw error;
        const headers = (error as { headers?: Record<string, string> }).headers;
        void reply.header('retry-after', headers?.['retry-after'] ?? '60');
        errors.push(
          formError(undefined, 'You have asked for too many reset emails. Try again later.'),
        );
        return this.pages.render(
          reply,
          'account/forgotten-password.njk',
          { title: 'Reset your password', form, errors },
          429,
        );
      }
    }
    return this.pages.render(
      reply,
      'account/forgotten-password.njk',
      { title: 'Reset your password', form, errors },
      400,
    );
  }

  @Public()
  @Get('account/set-password')
  async setForm(@Query('token') token: unknown, @Res() reply: FastifyReply) {
    const holder = await this.holderOrNull(token);
    if (!holder) return this.renderExpired(reply);
    return this.renderSet(reply, holder, token as string, []);
  }

  @Public()
  @Post('account/set-password')
  async set(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const { form, errors } = await validateForm(SetPasswordForm, body);
    const holder = await this.holderOrNull(form.token);
    if (!holder) return this.renderExpired(reply);
    if (errors.length === 0 && form.password !== form.confirmPassword) {
      errors.push(formError('confirmPassword', 'The passwords do not match'));
    }
    if (errors.length === 0) {
      try {
        const signedIn = await this.tokens.setPassword(
          form.token,
          form.password,
          String(request.id),
          'web',
        );
        if (!signedIn) throw new Error('setPassword did not sign in');
        setSessionCookie(reply, this.config, signedIn.accessToken, signedIn.expiresIn);
        // A new CSRF secret for the new session, as signing in does.
        void reply.clearCookie(CSRF_COOKIE, cookieOptions(this.config));
        return reply.redirect(homeFor(signedIn.role), 303);
      } catch (error) {
        if (error instanceof DomainError && error.status === 410) return this.renderExpired(reply);
        errors.push(
          ...formErrorsFrom(error).map((e) =>
            e.field === 'password' ? formError('password', passwordAdvice(e.text)) : e,
          ),
        );
      }
    }
    return this.renderSet(reply, holder, form.token, errors, 400);
  }

  private async holderOrNull(token: unknown): Promise<TokenHolder | null> {
    try {
      return await this.tokens.holder(token);
    } catch (error) {
      if (error instanceof DomainError && error.status === 410) return null;
      throw error;
    }
  }

  private renderSet(
    reply: FastifyReply,
    holder: TokenHolder,
    token: string,
    errors: ReturnType<typeof formError>[],
    status = 200,
  ) {
    const invitation = holder.purpose === 'invitation';
    return this.pages.render(
      reply,
      'account/set-password.njk',
      {
        title: invitation ? 'Set your password' : 'Choose a new password',
        heading: invitation ? 'Set your password' : 'Choose a new password',
        email: holder.email,
        token,
        minLength: PASSWORD_MIN_LENGTH,
        errors,
      },
      errors.length ? status : 200,
    );
  }

  private renderExpired(reply: FastifyReply) {
    return this.pages.render(
      reply,
      'account/link-expired.njk',
      { title: 'This link no longer works' },
      410,
    );
  }
}

/** The policy's reason as a sentence a person reads under the field. */
function passwordAdvice(reason: string): string {
  return `Your password ${reason}`;
}
