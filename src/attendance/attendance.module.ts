import { Module } from '@nestjs/common';
import { NotificationsQueue } from '../notifications/notifications.queue';
import { AttendanceController } from './attendance.controller';
import { AttendanceService } from './attendance.service';
import { CheckInController } from './check-in.controller';
import { CheckInService } from './check-in.service';

/** Registers. A save enqueues an at-risk check (NotificationsQueue); the worker consumes it. */
@Module({
  controllers: [AttendanceController, CheckInController],
  providers: [AttendanceService, CheckInService, NotificationsQueue],
  exports: [AttendanceService, CheckInService],
})
export class AttendanceModule {}
