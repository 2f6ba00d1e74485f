import { Module } from '@nestjs/common';
import { StudyLogController } from './study-log.controller';
import { StudyLogService } from './study-log.service';

/** The independent study log; StudyLogService is what the pages call too. */
@Module({
  controllers: [StudyLogController],
  providers: [StudyLogService],
  exports: [StudyLogService],
})
export class StudyLogModule {}
