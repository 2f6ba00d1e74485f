import { Module } from '@nestjs/common';
import { EnrolmentsModule } from '../enrolments/enrolments.module';
import { ProgressModule } from '../progress/progress.module';
import { SessionsModule } from '../sessions/sessions.module';
import { BlocksController } from './blocks.controller';
import { BlocksService } from './blocks.service';
import { CohortsController } from './cohorts.controller';
import { CohortsService } from './cohorts.service';

@Module({
  imports: [EnrolmentsModule, ProgressModule, SessionsModule],
  controllers: [CohortsController, BlocksController],
  providers: [CohortsService, BlocksService],
  exports: [CohortsService, BlocksService],
})
export class CohortsModule {}
