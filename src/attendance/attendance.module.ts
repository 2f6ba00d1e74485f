import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NotificationsQueue } from '../notifications/notifications.queue';
import { AbsenceRequestsController } from './absence-requests.controller';
import { AbsenceRequestsService } from './absence-requests.service';
import { AttendanceController } from './attendance.controller';
import { AttendanceService } from './attendance.service';
import { CheckInController } from './check-in.controller';
import { RegisterExportsController } from './register-exports.controller';
import { CheckInService } from './check-in.service';

/** Registers. A save enqueues an at-risk check (NotificationsQueue); the worker consumes it. */
@Module({
  controllers: [
    AttendanceController,
    CheckInController,
    AbsenceRequestsController,
    RegisterExportsController,
  ],
  providers: [AttendanceService, CheckInService, AbsenceRequestsService, NotificationsQueue, Clock],
  exports: [AttendanceService, CheckInService, AbsenceRequestsService, Clock],
})
export class AttendanceModule {}
