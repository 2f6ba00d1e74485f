import { Module } from '@nestjs/common';
import { EnrolmentsModule } from '../enrolments/enrolments.module';
import { BlocksController } from './blocks.controller';
import { BlocksService } from './blocks.service';
import { CohortsController } from './cohorts.controller';
import { CohortsService } from './cohorts.service';

@Module({
  imports: [EnrolmentsModule],
  controllers: [CohortsController, BlocksController],
  providers: [CohortsService, BlocksService],
  exports: [CohortsService],
})
export class CohortsModule {}
