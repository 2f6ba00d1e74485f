import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NotificationsModule } from '../notifications/notifications.module';
import { AbsenceRequestsController } from './absence-requests.controller';
import { AbsenceRequestsService } from './absence-requests.service';
import { AttendanceController } from './attendance.controller';
import { AttendanceService } from './attendance.service';
import { CheckInController } from './check-in.controller';
import { RegisterExportsController } from './register-exports.controller';
import { CheckInService } from './check-in.service';

/**
 * Registers. A save records an at-risk check request (AttendanceWarningsService, in the save's
 * transaction) and queues it after commit; the worker runs it.
 */
@Module({
  imports: [NotificationsModule],
  controllers: [
    AttendanceController,
    CheckInController,
    AbsenceRequestsController,
    RegisterExportsController,
  ],
  providers: [AttendanceService, CheckInService, AbsenceRequestsService, Clock],
  exports: [AttendanceService, CheckInService, AbsenceRequestsService, Clock],
})
export class AttendanceModule {}
