import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/access.decorators';
import { UuidParam } from '../common/uuid-param';
import { SystemService } from './system.service';

@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Roles('admin')
  @Post('ping')
  @HttpCode(202)
  @ApiOperation({ summary: 'Enqueue a ping job; the worker stamps it in the database' })
  ping() {
    return this.system.requestPing();
  }

  @Roles('admin')
  @Get('ping/:pingId')
  @ApiOperation({ summary: 'A ping and whether the worker has processed it' })
  get(@UuidParam('pingId') id: string) {
    return this.system.get(id);
  }
}
