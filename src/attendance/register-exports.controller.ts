import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { AttendanceService } from './attendance.service';

/** A register on paper and in a spreadsheet: the sign-in sheet PDF and the CSV. */
@ApiTags('attendance')
@Controller()
export class RegisterExportsController {
  constructor(private readonly attendance: AttendanceService) {}

  @Roles('admin', 'tutor')
  @Get('sessions/:sessionId/attendance.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The register as CSV (formula-safe)' })
  async csv(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Res() reply: FastifyReply,
  ) {
    const { filename, body } = await this.attendance.registerCsvFile(actor, sessionId);
    return sendFile(reply, 'text/csv; charset=utf-8', filename, body);
  }

  @Roles('admin', 'tutor')
  @Get('sessions/:sessionId/sign-in-sheet.pdf')
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'A printable sign-in sheet: every seated student with a signature box' })
  async sheet(
    @CurrentActor() actor: Actor,
    @UuidParam('sessionId') sessionId: string,
    @Res() reply: FastifyReply,
  ) {
    const { filename, body } = await this.attendance.signInSheet(actor, sessionId);
    return sendFile(reply, 'application/pdf', filename, body);
  }
}

/** Personal data: never kept by shared caches. Shared with the register page's download links. */
export function sendFile(
  reply: FastifyReply,
  type: string,
  filename: string,
  body: string | Buffer,
): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'private, no-store')
    .send(body);
}
