import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/access.decorators';
import { AuditService } from './audit.service';
import { ListAuditQuery } from './dto/list-audit.query';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Roles('admin')
  @Get()
  @ApiOperation({ summary: 'Audit events, newest first, filtered by entity' })
  list(@Query() q: ListAuditQuery) {
    return this.audit.list(q);
  }
}
