import { Module } from '@nestjs/common';
import { ProgressModule } from '../progress/progress.module';
import { AttendanceWarningsService } from './attendance-warnings.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsQueue } from './notifications.queue';
import { NotificationsService } from './notifications.service';
import { RemindersQueue } from './reminders.queue';
import { RemindersService } from './reminders.service';

/**
 * The email outbox (written by any feature inside its own transaction), the delivery log, and
 * the services behind reminders and attendance warnings. Sending and the processors live in the
 * worker module only.
 */
@Module({
  imports: [ProgressModule],
  controllers: [NotificationsController],
  providers: [
    NotificationsService,
    NotificationsQueue,
    RemindersQueue,
    RemindersService,
    AttendanceWarningsService,
  ],
  exports: [
    NotificationsService,
    NotificationsQueue,
    RemindersQueue,
    RemindersService,
    AttendanceWarningsService,
  ],
})
export class NotificationsModule {}
