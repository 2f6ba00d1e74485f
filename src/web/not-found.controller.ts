import { Controller, Get, NotFoundException, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * Any GET no other route matches (Fastify always prefers a more specific route), so a browser
 * at a wrong address sees the NHS.UK "Page not found" page. Other clients, and every path
 * under /api/, still get the API's problem+json 404 through the filter.
 */
@ApiExcludeController()
@Controller()
@UseFilters(WebExceptionFilter)
export class NotFoundController {
  @Public()
  @Get('*')
  notFound(@Req() request: FastifyRequest): never {
    throw new NotFoundException(`Cannot GET ${request.url}`);
  }
}
