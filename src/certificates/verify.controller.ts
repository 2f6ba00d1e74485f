import { Controller, Get, Param, Req } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators';
import { tooMany } from '../auth/login-rate-limiter';
import {
  CertificateVerificationService,
  VerificationView,
} from './certificate-verification.service';
import { VerifyRateLimited, VerifyRateLimiter } from './verify-rate-limiter';

@ApiTags('certificates')
@Controller()
export class VerifyController {
  constructor(
    private readonly certificates: CertificateVerificationService,
    private readonly limiter: VerifyRateLimiter,
  ) {}

  @Public()
  @Get('verify/:code')
  @ApiOperation({
    summary: 'Check a certificate by its verification code (any case, with or without hyphens)',
  })
  @ApiNotFoundResponse({ description: 'No certificate has this code' })
  @ApiTooManyRequestsResponse({ description: 'Too many lookups from this address' })
  async verify(
    @Param('code') code: string,
    @Req() request: FastifyRequest,
  ): Promise<VerificationView> {
    try {
      await this.limiter.consume(request.ip);
    } catch (error) {
      if (error instanceof VerifyRateLimited) throw tooMany(error.retryAfterSeconds * 1000);
      throw error;
    }
    return this.certificates.verify(code);
  }
}
