import { Module } from '@nestjs/common';
import { EnrolmentsController } from './enrolments.controller';
import { EnrolmentsService } from './enrolments.service';

/** Enrolment, the waiting list and the enrolment state machine. Exports the service so other
 * features change statuses (and move the waiting list) through one path. */
@Module({
  controllers: [EnrolmentsController],
  providers: [EnrolmentsService],
  exports: [EnrolmentsService],
})
export class EnrolmentsModule {}
