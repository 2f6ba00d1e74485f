import { Module } from '@nestjs/common';
import { NotificationsQueue } from '../notifications/notifications.queue';
import { AttendanceController } from './attendance.controller';
import { AttendanceService } from './attendance.service';

/** Registers. A save enqueues an at-risk check (NotificationsQueue); the worker consumes it. */
@Module({
  controllers: [AttendanceController],
  providers: [AttendanceService, NotificationsQueue],
  exports: [AttendanceService],
})
export class AttendanceModule {}
