import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { CalendarController } from './calendar.controller';
import { CalendarFeedsService } from './calendar-feeds.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [NotificationsModule],
  controllers: [SessionsController, CalendarController],
  providers: [SessionsService, CalendarFeedsService],
  exports: [SessionsService, CalendarFeedsService],
})
export class SessionsModule {}
