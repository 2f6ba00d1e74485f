import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, FieldProblem } from '../../common/errors';
import {
  PG_CHECK_VIOLATION,
  PG_DATETIME_OUT_OF_RANGE,
  PG_EXCLUSION_VIOLATION,
  PG_FOREIGN_KEY_VIOLATION,
  PG_INVALID_TEXT_REPRESENTATION,
  PG_NUMERIC_OUT_OF_RANGE,
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
} from '../database/pg-errors';
import { isDependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from './dependency-outage';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldProblem[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'rule_violation',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

/** Builds an RFC 9457 problem for any thrown value. Exported for the web pages and tests. */
export function toProblem(exception: unknown): ProblemDetails {
  if (exception instanceof DomainError) {
    return problem(exception.status, exception.code, exception.message, exception.errors);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse() as
      string | { message?: string | string[]; code?: string; errors?: FieldProblem[] };
    if (typeof body === 'string') return problem(status, CODES[status] ?? 'error', body);
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    return problem(
      status,
      body.code ?? CODES[status] ?? 'error',
      message ?? exception.message,
      body.errors,
    );
  }
  // Fastify's own errors (body parsing, content type, size) carry a statusCode below 500.
  const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    return problem(status, CODES[status] ?? 'bad_request', fastifyError.message ?? 'Bad request');
  }
  if (isDependencyOutage(exception)) {
    return problem(
      503,
      'unavailable',
      'The service is unavailable for a moment; try again shortly',
    );
  }
  const sqlState = pgErrorCode(exception) ?? '';
  switch (sqlState) {
    case PG_UNIQUE_VIOLATION:
      return problem(409, 'duplicate', 'A record with the same unique value already exists');
    case PG_FOREIGN_KEY_VIOLATION:
      return problem(
        409,
        'referenced',
        'The record is referenced by, or references, another record',
      );
    case PG_CHECK_VIOLATION:
    case PG_EXCLUSION_VIOLATION:
      return problem(422, 'constraint_violation', 'The values break a rule of the data model');
    case PG_INVALID_TEXT_REPRESENTATION:
    case PG_NUMERIC_OUT_OF_RANGE:
    case PG_DATETIME_OUT_OF_RANGE:
      return problem(400, 'bad_request', 'A value is malformed or out of range');
    default:
      return problem(500, 'internal_error', 'An unexpected error occurred');
  }
}

function problem(
  status: number,
  code: string,
  detail: string,
  errors?: FieldProblem[],
): ProblemDetails {
  return {
    type:
      status >= 500 ? 'about:blank' : `https://pod-cohorts.dev/problems/${code.replace(/_/g, '-')}`,
    title: TITLES[status] ?? HttpStatus[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** The one filter: every error leaves the API as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = toProblem(exception);
    if (body.status === 503) {
      this.logger.warn({ err: exception, reqId: request?.id, url: request?.url }, 'Unavailable');
      void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
    } else if (body.status >= 500) {
      this.logger.error(
        { err: exception, reqId: request?.id, url: request?.url },
        'Unhandled error',
      );
    }
    body.instance = request?.url?.split('?')[0];
    const headers = (exception as { getResponse?: () => unknown; headers?: Record<string, string> })
      ?.headers;
    if (headers) void reply.headers(headers);
    void reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }
}
