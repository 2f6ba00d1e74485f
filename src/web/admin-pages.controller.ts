import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { CERTIFICATE_STATUSES } from '../certificates/certificate.entity';
import { CertificatesService, CertificateView } from '../certificates/certificates.service';
import { ListCertificatesQuery } from '../certificates/dto/list-certificates.query';
import { CohortsService } from '../cohorts/cohorts.service';
import { DomainError } from '../common/errors';
import { UuidParam } from '../common/uuid-param';
import { ImportBody } from '../infrastructure/http/body-parsing';
import { ImportResult, StudentImportService } from '../students/student-import.service';
import { codesOf, labelOf, PROFESSIONS } from '../common/labels';
import { CsrfGuard } from './csrf.guard';
import { ReasonForm } from './dto/reason-form.dto';
import { StudentImportForm } from './dto/student-import-form.dto';
import { formError, FormError, formErrorsFrom, validateForm } from './forms';
import { PageRenderer } from './page-renderer.service';
import { WebExceptionFilter } from './web-exception.filter';
import { certificateStatusTag } from './view-helpers';

const CERTIFICATES_PER_PAGE = 50;

/** The professions an import accepts, as the page lists them (the codes work too). */
const PROFESSION_LABELS = codesOf(PROFESSIONS).map((c) => labelOf(PROFESSIONS, c));
/** The error summary names the first bad lines; the table below it lists every one. */
const SUMMARY_LINES = 10;

const CERTIFICATE_ACTIONS = {
  revoke: { title: 'Revoke certificate', button: 'Revoke certificate', done: 'revoked' },
  reissue: { title: 'Reissue certificate', button: 'Reissue certificate', done: 'reissued' },
} as const;
type CertificateAction = keyof typeof CERTIFICATE_ACTIONS;

function isCertificateAction(value: unknown): value is CertificateAction {
  return value === 'revoke' || value === 'reissue';
}

/**
 * The administrator's student import (CSV) and certificates pages. The import calls
 * StudentImportService.import, as POST /api/v1/students/import does; revoke and reissue call
 * CertificatesService like the API.
 */
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(WebExceptionFilter)
export class AdminPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly importer: StudentImportService,
    private readonly certificates: CertificatesService,
    private readonly cohorts: CohortsService,
  ) {}

  @Roles('admin')
  @Get('admin/students/import')
  importForm(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    const figure = (v: unknown) => (typeof v === 'string' && /^\d{1,7}$/.test(v) ? Number(v) : 0);
    const imported =
      query.imported === '1'
        ? {
            created: figure(query.created),
            updated: figure(query.updated),
            unchanged: figure(query.unchanged),
          }
        : null;
    return this.pages.render(reply, 'admin/import.njk', {
      title: 'Import students',
      form: new StudentImportForm(),
      imported,
      professions: PROFESSION_LABELS,
    });
  }

  @Roles('admin')
  @Post('admin/students/import')
  @ImportBody()
  async import(@CurrentActor() actor: Actor, @Body() body: unknown, @Res() reply: FastifyReply) {
    const { form, errors } = await validateForm(StudentImportForm, body);
    let result: ImportResult | null = null;
    if (errors.length === 0) {
      try {
        result = await this.importer.import(actor, form.csv, form.dryRun);
      } catch (error) {
        errors.push(...importErrors(error));
      }
    }
    if (result && result.errors.length === 0 && !result.dryRun) {
      const { created, updated, unchanged } = result;
      return reply.redirect(
        `/admin/students/import?imported=1&created=${created}&updated=${updated}&unchanged=${unchanged}`,
        303,
      );
    }
    if (result?.errors.length) {
      errors.push(
        ...result.errors
          .slice(0, SUMMARY_LINES)
          .map((e) => formError('csv', `Line ${e.line}: ${e.message}`)),
      );
      if (result.errors.length > SUMMARY_LINES) {
        errors.push(
          formError(
            'csv',
            `And ${result.errors.length - SUMMARY_LINES} more problems (see the list)`,
          ),
        );
      }
    }
    return this.pages.render(
      reply,
      'admin/import.njk',
      { title: 'Import students', form, errors, result, professions: PROFESSION_LABELS },
      errors.length ? 422 : 200,
    );
  }

  @Roles('admin')
  @Get('admin/certificates')
  async certificatesList(
    @CurrentActor() actor: Actor,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    const { form, errors } = await validateForm(ListCertificatesQuery, query);
    // A filter that is not one of the choices offered (an edited address) is ignored.
    const q = Object.assign(new ListCertificatesQuery(), {
      cohortId: errors.some((e) => e.field === 'cohortId') ? undefined : form.cohortId,
      status: errors.some((e) => e.field === 'status') ? undefined : form.status,
      limit: CERTIFICATES_PER_PAGE,
      offset: errors.some((e) => e.field === 'offset') ? 0 : form.offset,
    });
    const [list, cohorts] = await Promise.all([
      this.certificates.list(q),
      this.cohorts.overview(actor, { atRisk: false }),
    ]);
    const link = (offset: number) => {
      const params = new URLSearchParams();
      if (q.cohortId) params.set('cohortId', q.cohortId);
      if (q.status) params.set('status', q.status);
      if (offset > 0) params.set('offset', String(offset));
      const search = params.toString();
      return `/admin/certificates${search ? `?${search}` : ''}`;
    };
    return this.pages.render(reply, 'admin/certificates.njk', {
      title: 'Certificates',
      list,
      cohortItems: [
        { value: '', text: 'All cohorts' },
        ...cohorts.map((c) => ({
          value: c.id,
          text: `${c.name} (${c.courseCode})`,
          selected: c.id === q.cohortId,
        })),
      ],
      statusItems: [
        { value: '', text: 'Any status' },
        ...CERTIFICATE_STATUSES.map((s) => ({
          value: s,
          text: certificateStatusTag(s).text,
          selected: s === q.status,
        })),
      ],
      previous: q.offset > 0 ? link(Math.max(0, q.offset - CERTIFICATES_PER_PAGE)) : null,
      next:
        q.offset + list.items.length < list.total ? link(q.offset + CERTIFICATES_PER_PAGE) : null,
      done: isCertificateAction(query.done) ? CERTIFICATE_ACTIONS[query.done].done : null,
      doneSerial: typeof query.serial === 'string' ? query.serial.slice(0, 40) : null,
    });
  }

  @Roles('admin')
  @Get('admin/certificates/:certificateId/:action')
  async certificateForm(
    @CurrentActor() actor: Actor,
    @UuidParam('certificateId') id: string,
    @Param('action') action: string,
    @Res() reply: FastifyReply,
  ) {
    if (!isCertificateAction(action)) throw new NotFoundException();
    const certificate = await this.certificates.get(actor, id);
    return this.renderCertificateForm(reply, action, certificate, '', []);
  }

  @Roles('admin')
  @Post('admin/certificates/:certificateId/:action')
  async certificateChange(
    @CurrentActor() actor: Actor,
    @UuidParam('certificateId') id: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ) {
    if (!isCertificateAction(action)) throw new NotFoundException();
    const certificate = await this.certificates.get(actor, id);
    const { form, errors } = await validateForm(ReasonForm, body);
    if (errors.length === 0) {
      try {
        if (action === 'revoke') await this.certificates.revoke(actor, id, form.reason);
        else await this.certificates.requestReissue(actor, id, form.reason);
        return reply.redirect(
          `/admin/certificates?done=${action}&serial=${encodeURIComponent(certificate.serial)}`,
          303,
        );
      } catch (error) {
        errors.push(...formErrorsFrom(error));
      }
    }
    return this.renderCertificateForm(reply, action, certificate, form.reason, errors, 422);
  }

  private renderCertificateForm(
    reply: FastifyReply,
    action: CertificateAction,
    certificate: CertificateView,
    reason: string,
    errors: FormError[],
    status = 200,
  ) {
    return this.pages.render(
      reply,
      'admin/certificate-change.njk',
      {
        title: `${CERTIFICATE_ACTIONS[action].title} ${certificate.serial}`,
        action,
        words: CERTIFICATE_ACTIONS[action],
        certificate,
        reason,
        errors,
      },
      errors.length ? status : 200,
    );
  }
}

/** A file the importer cannot read at all (no header, unknown columns) is a problem with the field. */
function importErrors(error: unknown): FormError[] {
  if (error instanceof DomainError && error.status === 400) {
    const detail = error.errors?.[0]?.message;
    return [formError('csv', detail ? `${error.message}: ${detail}` : error.message)];
  }
  return formErrorsFrom(error);
}
