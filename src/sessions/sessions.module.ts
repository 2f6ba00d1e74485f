import { Module } from '@nestjs/common';
import { CalendarController } from './calendar.controller';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  controllers: [SessionsController, CalendarController],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
