import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/access.decorators';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Roles('admin')
  @Get()
  @ApiOperation({ summary: 'Delivery log of the email outbox, newest first' })
  list(@Query() q: ListNotificationsQuery) {
    return this.notifications.list(q);
  }
}
