import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators';
import { NotFoundError } from '../common/errors';
import { CsrfGuard } from '../web/csrf.guard';
import { PageRenderer } from '../web/page-renderer.service';
import { WebExceptionFilter } from '../web/web-exception.filter';
import { CertificateVerificationService } from './certificate-verification.service';
import { formatVerificationCode, normaliseVerificationCode } from './verification-code';
import { VERIFY_STATUS, verifyPageTitle, VerifyPageModel } from './verify-page.template';
import { VerifyRateLimited, VerifyRateLimiter } from './verify-rate-limiter';

/**
 * The public certificate check at the site root, on the shared NHS.UK layout: /verify/:code is
 * the page a person sees after scanning the QR code (public, rate limited per address, the same
 * facts as GET /api/v1/verify/:code); /verify is a form to type a code from paper.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class VerifyPageController {
  constructor(
    private readonly certificates: CertificateVerificationService,
    private readonly limiter: VerifyRateLimiter,
    private readonly pages: PageRenderer,
  ) {}

  /** The form; its GET submit (?code=) goes to the code's own page, which does the lookup. */
  @Public()
  @Get('verify')
  form(@Query('code') code: unknown, @Res() reply: FastifyReply) {
    if (typeof code === 'string' && code.trim() !== '') {
      return reply.redirect(`/verify/${encodeURIComponent(code.trim().slice(0, 64))}`, 303);
    }
    return this.pages.render(reply, 'verify.njk', {
      title: 'Check a certificate',
      model: { kind: 'form' },
    });
  }

  @Public()
  @Get('verify/:code')
  async page(
    @Param('code') code: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const shown = normaliseVerificationCode(code);
    let model: VerifyPageModel;
    let status = 200;
    try {
      await this.limiter.consume(request.ip);
      model = {
        kind: 'found',
        view: await this.certificates.verify(code),
        code: formatVerificationCode(shown ?? code),
      };
    } catch (error) {
      if (error instanceof VerifyRateLimited) {
        status = 429;
        void reply.header('retry-after', String(error.retryAfterSeconds));
        model = { kind: 'rate_limited', retryAfterSeconds: error.retryAfterSeconds };
      } else if (error instanceof NotFoundError) {
        status = 404;
        model = {
          kind: 'not_found',
          code: shown ? formatVerificationCode(shown) : code.slice(0, 64),
        };
      } else {
        throw error;
      }
    }
    return this.pages.render(
      reply,
      'verify.njk',
      {
        title: verifyPageTitle(model),
        model,
        status: model.kind === 'found' ? VERIFY_STATUS[model.view.status] : null,
      },
      status,
    );
  }
}
