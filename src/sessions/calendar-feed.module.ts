import { Module } from '@nestjs/common';
import { CalendarFeedController } from './calendar-feed.controller';
import { SessionsModule } from './sessions.module';

/** Mounts the public feed at the site root, outside /api/v1 (calendar apps fetch it directly). */
@Module({
  imports: [SessionsModule],
  controllers: [CalendarFeedController],
})
export class CalendarFeedModule {}
