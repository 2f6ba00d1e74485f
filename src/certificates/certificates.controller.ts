import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid-param';
import { CertificatesService } from './certificates.service';
import { CertificateReasonDto } from './dto/certificate-reason.dto';
import { ListCertificatesQuery } from './dto/list-certificates.query';

@ApiTags('certificates')
@Controller()
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Roles('admin')
  @Get('certificates')
  @ApiOperation({ summary: 'Certificates, newest first, by cohort, status or enrolment' })
  list(@Query() q: ListCertificatesQuery) {
    return this.certificates.list(q);
  }

  @Roles('student')
  @Get('me/certificates')
  @ApiOperation({ summary: 'The signed-in student’s certificates' })
  mine(@CurrentActor() actor: Actor, @Query() q: PageQuery) {
    return this.certificates.mine(actor, q);
  }

  @Roles('admin', 'student')
  @Get('certificates/:certificateId')
  @ApiOperation({ summary: 'One certificate (students: only their own)' })
  get(@CurrentActor() actor: Actor, @UuidParam('certificateId') id: string) {
    return this.certificates.get(actor, id);
  }

  @Roles('admin', 'student')
  @Get('certificates/:certificateId/pdf')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'The PDF exactly as rendered at issue (its SHA-256 is `sha256`)' })
  async pdf(
    @CurrentActor() actor: Actor,
    @UuidParam('certificateId') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const { serial, sha256, pdf } = await this.certificates.pdf(actor, id);
    void reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${serial}.pdf"`)
      .header('cache-control', 'private, no-store')
      .header('etag', `"${sha256}"`);
    return pdf;
  }

  @Roles('admin')
  @Post('certificates/:certificateId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an issued certificate (kept, shown as revoked when verified)' })
  revoke(
    @CurrentActor() actor: Actor,
    @UuidParam('certificateId') id: string,
    @Body() dto: CertificateReasonDto,
  ) {
    return this.certificates.revoke(actor, id, dto.reason);
  }

  @Roles('admin')
  @Post('certificates/:certificateId/reissue')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue a new certificate (fresh snapshot, new serial and code) that supersedes this one',
  })
  reissue(
    @CurrentActor() actor: Actor,
    @UuidParam('certificateId') id: string,
    @Body() dto: CertificateReasonDto,
  ) {
    return this.certificates.requestReissue(actor, id, dto.reason);
  }
}
